"""What reviewers read of the declaration, and the credit-check sheet's rows (no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from programmes.ruleset import load_ruleset
from reviews.credit_import import parse_rows
from reviews.display import field_choices, hidden_from_experts, present

SONGJIANG = load_ruleset(
    Path(__file__).resolve().parents[2] / "fixtures/programmes/songjiang-chief-technician.yaml"
)
DATA = {"person": {"name": "张工", "gender": "male", "id_number": "310104197503151019"}}


def labels(sections):
    return [label for s in sections for label, _value in s.rows]


def test_experts_never_see_id_or_phone_fields():
    shown = present(SONGJIANG, DATA, for_expert=True, full_identity=False)
    assert "身份证号" not in labels(shown)
    assert not any("手机" in label or "电话" in label for label in labels(shown))
    person = next(s for s in shown if s.code == "person")
    assert ("姓名", "张工") in person.rows and ("性别", "男") in person.rows


def test_staff_see_id_masked_unless_full_identity():
    person = next(
        s
        for s in present(SONGJIANG, DATA, for_expert=False, full_identity=False)
        if s.code == "person"
    )
    value = dict(person.rows)["身份证号"]
    assert value == "310***********1019"
    full = next(
        s
        for s in present(SONGJIANG, DATA, for_expert=False, full_identity=True)
        if s.code == "person"
    )
    assert dict(full.rows)["身份证号"] == DATA["person"]["id_number"]


def test_field_choices_name_section_and_field():
    choices = dict(field_choices(SONGJIANG))
    assert choices["person.name"].endswith("·姓名")
    assert "work_history" in choices  # a table is returned as a whole


def test_id_card_materials_hidden_from_experts():
    assert hidden_from_experts(SONGJIANG, "id_card")
    assert not hidden_from_experts(SONGJIANG, "skill_certificates")


@pytest.mark.parametrize(
    ("rows", "good", "problems"),
    [
        (
            [("申报编号", "核查结果", "查询编号"), (12, "通过", "XY-1"), ("13", "不通过", None)],
            2,
            0,
        ),
        ([("申报编号", "核查结果"), ("x", "通过"), (14, "待定")], 0, 2),
        ([("编号", "结果")], 0, 1),
        ([], 0, 1),
        ([("申报编号", "核查结果"), (None, None)], 0, 0),
    ],
)
def test_credit_sheet_rows(rows, good, problems):
    parsed, found = parse_rows(rows)
    assert (len(parsed), len(found)) == (good, problems)
    if parsed:
        assert parsed[0].result == "pass" and parsed[0].application_id == 12
