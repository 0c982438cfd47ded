"""diff_ruleset: what changed between two rule sets, in Chinese (pure function and command)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from programmes.ruleset import load_ruleset, parse_ruleset
from programmes.ruleset_diff import describe, ruleset_diff

ROOT = Path(__file__).resolve().parents[2]
CRAFTSMAN = ROOT / "fixtures" / "programmes" / "shanghai-craftsman.yaml"
SONGJIANG = ROOT / "fixtures" / "programmes" / "songjiang-chief-technician.yaml"


def _edited(path: Path, edit) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    return data


def next_year_craftsman(data):
    data["identity"]["issued_on"] = "2025-06-10"
    data["identity"]["in_force_from"] = "2025-06-10"
    data["rounds"][0]["value"] = [2025]
    for channel in data["eligibility"]["channels"]:
        if channel.get("window"):
            channel["window"].update(opens="2025-06-10", closes="2025-07-15")
    data["eligibility"]["checks"] = [
        c for c in data["eligibility"]["checks"] if c["code"] != "local_title"
    ]
    stages = data["workflow"]["stages"]
    stages.insert(
        len(stages) - 1,
        {"code": "inspection", "kind": "inspection", "title": "实地考察", "role": "union_reviewer",
         "scope": "city", "outcomes": ["pass", "reject"], "source": "三(四)"},
    )  # fmt: skip


def test_conditions_stages_and_dates_of_next_years_craftsman_rules():
    old = load_ruleset(CRAFTSMAN)
    new = parse_ruleset(_edited(CRAFTSMAN, next_year_craftsman), source="draft")
    lines = describe(ruleset_diff(old, new))
    text = "\n".join(lines)
    assert "【文件与日期】" in lines and "【申报条件】" in lines and "【流程阶段】" in lines
    assert "施行日期：2024-06-12 → 2025-06-10" in text
    assert "推荐渠道 self（个人自荐）·申报时间·截止日期：2024-07-15 → 2025-07-15" in text
    assert "删除条件 local_title" in text
    assert "新增阶段 inspection（实地考察）" in text
    assert "批次规则 years·取值：2024 → 2025" in text


def test_amounts_and_a_publicity_length():
    def edit(data):
        data["benefits"]["schedules"][0]["amount"] = "1200.00"
        for stage in data["workflow"]["stages"]:
            if stage["code"] == "publicity":
                stage["working_days"] = 7

    old = load_ruleset(SONGJIANG)
    new = parse_ruleset(_edited(SONGJIANG, edit), source="draft")
    changes = ruleset_diff(old, new)
    assert {c.area for c in changes} == {"待遇金额", "流程阶段"}
    text = "\n".join(c.text for c in changes)
    assert "发放项目 monthly_allowance（工作津贴）·金额：1000.00 → 1200.00" in text
    assert "工作日数：5 → 7" in text


def test_the_same_rules_say_so():
    assert describe(ruleset_diff(load_ruleset(SONGJIANG), load_ruleset(SONGJIANG))) == [
        "两个规则集的内容相同。"
    ]


def test_the_command_takes_files_or_loaded_versions(tmp_path, db):
    call_command("load_programmes", verbosity=0)
    draft = tmp_path / "shanghai-craftsman-2025.yaml"
    draft.write_text(
        yaml.safe_dump(_edited(CRAFTSMAN, next_year_craftsman), allow_unicode=True),
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("diff_ruleset", "shanghai-craftsman@1", str(draft), stdout=out)
    assert out.getvalue().startswith("shanghai-craftsman 第1版 →")
    assert "新增阶段 inspection（实地考察）" in out.getvalue()
    with pytest.raises(CommandError) as caught:
        call_command("diff_ruleset", "shanghai-craftsman@9", str(draft), stdout=io.StringIO())
    assert caught.value.returncode == 2 and "没有已导入的该版本" in str(caught.value)
    broken = tmp_path / "broken.yaml"
    broken.write_text("identity: {}\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("diff_ruleset", str(CRAFTSMAN), str(broken), stdout=io.StringIO())
    assert caught.value.returncode == 2
