"""The demo declaration (applications/demo_data.py) is valid under each programme's own form.

Pure: no Django, no database. Each programme's demo data is checked field by field against the
rule set: required fields filled, texts within max_length, choice codes from the field's choices,
types as the Application.data contract says, "last N years" rows within N years.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from applications.demo_data import demo_form_data
from programmes.ruleset import FormField, load_ruleset

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
CODES = (
    "songjiang-chief-technician",
    "qingpu-chief-technician-subsidy",
    "songjiang-training-base",
    "shanghai-craftsman",
    "shizhong-chief-technician",
)
ON = date(2026, 11, 25)
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")


def ruleset(code):
    return load_ruleset(ROOT / "fixtures" / "programmes" / f"{code}.yaml")


def problems_of(field: FormField, value, where: str, *, today: date = ON) -> list[str]:
    """What is wrong with one value under its field's type and limits ([] when valid)."""
    if value in (None, "", []):
        return [f"{where}: required but empty"] if field.required else []
    kind = field.type
    if kind in ("text", "textarea"):
        if not isinstance(value, str):
            return [f"{where}: not a string"]
        if field.max_length and len(value) > field.max_length:
            return [f"{where}: {len(value)} characters > {field.max_length}"]
    elif kind == "date":
        try:
            day = date.fromisoformat(value)
        except (TypeError, ValueError):
            return [f"{where}: not YYYY-MM-DD: {value!r}"]
        # Only a field that allows it (the end of a term, 聘期结束) may lie ahead.
        if day > today and not getattr(field, "allow_future", "until" in field.code):
            return [f"{where}: in the future"]
    elif kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            return [f"{where}: not an int"]
        return _range(field, Decimal(value), where)
    elif kind == "decimal":
        try:
            number = Decimal(value) if isinstance(value, str) else None
        except InvalidOperation:
            number = None
        if number is None:
            return [f"{where}: not a decimal string"]
        return _range(field, number, where)
    elif kind == "bool":
        if not isinstance(value, bool):
            return [f"{where}: not a bool"]
    elif kind == "choice":
        if value not in {c.code for c in field.choices}:
            return [f"{where}: {value!r} is not a choice"]
    elif kind == "multichoice":
        codes = {c.code for c in field.choices}
        if not isinstance(value, list) or not set(value) <= codes:
            return [f"{where}: {value!r} are not choices"]
    elif kind == "id_number":
        if not ric.is_valid(value):
            return [f"{where}: ID number does not check"]
    elif kind == "credit_code":
        if not uscc.is_valid(value):
            return [f"{where}: credit code does not check"]
    elif kind == "phone":
        if not PHONE.match(value):
            return [f"{where}: not a phone number"]
    elif kind == "email":
        if not EMAIL.match(value):
            return [f"{where}: not an email address"]
    return []


def _range(field: FormField, number: Decimal, where: str) -> list[str]:
    if field.min_value is not None and number < field.min_value:
        return [f"{where}: {number} < {field.min_value}"]
    if field.max_value is not None and number > field.max_value:
        return [f"{where}: {number} > {field.max_value}"]
    return []


@pytest.mark.parametrize("code", CODES)
def test_demo_data_is_valid_under_the_form(code):
    rs = ruleset(code)
    data = demo_form_data(rs, on=ON)
    problems = []
    assert set(data) == {s.code for s in rs.form.sections}
    for section in rs.form.sections:
        value = data[section.code]
        if section.kind == "fields":
            assert set(value) == {f.code for f in section.fields}
            for field in section.fields:
                problems += problems_of(field, value[field.code], f"{section.code}.{field.code}")
            continue
        assert isinstance(value, list)
        assert len(value) >= max(section.min_rows or 0, 1), f"{section.code}: too few rows"
        if section.max_rows:
            assert len(value) <= section.max_rows
        for index, row in enumerate(value):
            assert set(row) == {c.code for c in section.columns}
            for column in section.columns:
                where = f"{section.code}[{index}].{column.code}"
                problems += problems_of(column, row[column.code], where)
            if section.within_years:
                day = date.fromisoformat(row[section.within_years.column])
                earliest = ON - timedelta(days=365 * section.within_years.years)
                assert day >= earliest, f"{section.code}[{index}] older than allowed"
    assert problems == []


@pytest.mark.parametrize("code", CODES)
def test_demo_data_is_fully_filled_and_long_texts_are_long(code):
    rs = ruleset(code)
    data = demo_form_data(rs, on=ON)
    for section in rs.form.sections:
        if section.kind != "fields":
            continue
        for field in section.fields:
            value = data[section.code][field.code]
            assert value not in (None, "", []), f"{section.code}.{field.code} left empty"
            if field.type == "textarea" and field.target_length:
                assert len(value) >= field.target_length * 0.8, f"{field.code} is short"


def test_demo_data_of_songjiang_has_a_person_tables_and_a_long_achievement():
    data = demo_form_data(ruleset("songjiang-chief-technician"), on=ON)
    assert data["person"]["name"] == "李明"
    assert data["cover"]["nomination_channel"] == "unit"
    assert len(data["work_history"]) >= 3
    assert len(data["achievements"]["summary"]) <= 200
    assert len(data["achievements"]["details"]) >= 600
    assert (
        ric.get_birth_date(data["person"]["id_number"]).isoformat() == data["person"]["birth_date"]
    )


def test_demo_data_depends_only_on_the_day():
    rs = ruleset("shanghai-craftsman")
    assert demo_form_data(rs, on=ON) == demo_form_data(rs, on=ON)
    later = demo_form_data(rs, on=date(2030, 3, 1))
    assert later["person"]["birth_date"].startswith("1986")


@settings(max_examples=20, deadline=None)
@given(on=st.dates(min_value=date(2020, 1, 1), max_value=date(2060, 12, 31)))
def test_demo_data_is_valid_on_any_day(on):
    for code in CODES:
        rs = ruleset(code)
        data = demo_form_data(rs, on=on)
        problems = []
        for section in rs.form.sections:
            rows = [data[section.code]] if section.kind == "fields" else data[section.code]
            for index, row in enumerate(rows):
                for item in section.items:
                    where = f"{section.code}[{index}].{item.code}"
                    problems += problems_of(item, row[item.code], where, today=on)
                if section.within_years:
                    day = date.fromisoformat(row[section.within_years.column])
                    assert day >= on - timedelta(days=365 * section.within_years.years)
        assert problems == [], (code, on)
