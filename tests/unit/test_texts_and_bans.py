"""Pure rules of issue 13: the text in force, round rules, bans, publicity ends (no database)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from programmes import paths
from programmes.calendar import WorkingDayCalendar
from programmes.eligibility import Finding, not_barred, policy_in_force
from programmes.rounds import round_problems
from programmes.ruleset import load_ruleset

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2] / "fixtures" / "programmes"
SHIZHONG = load_ruleset(ROOT / "shizhong-chief-technician.yaml")
QINGPU = load_ruleset(ROOT / "qingpu-chief-technician-subsidy.yaml")
CRAFTSMAN = load_ruleset(ROOT / "shanghai-craftsman.yaml")


@pytest.mark.parametrize(
    ("ruleset", "on", "result"),
    [
        (SHIZHONG, date(2025, 12, 31), "pass"),
        (SHIZHONG, date(2026, 1, 1), "fail"),
        (QINGPU, date(2020, 12, 31), "fail"),
        (QINGPU, date(2021, 1, 1), "pass"),
        (CRAFTSMAN, date(2024, 6, 11), "fail"),
    ],
)
def test_policy_in_force_on_the_edges(ruleset, on, result):
    check = policy_in_force(ruleset.identity, on=on)
    assert check.result == result
    if result == "fail" and ruleset is SHIZHONG:
        assert check.source == "第十六条"


def test_shizhong_round_rules():
    q4 = {"year": 2024, "opens_on": date(2024, 10, 1), "closes_on": date(2024, 12, 31)}
    assert round_problems(SHIZHONG, quota=10, **q4) == []
    assert [f for f, _m in round_problems(SHIZHONG, quota=11, **q4)] == ["quota"]
    assert [f for f, _m in round_problems(SHIZHONG, quota=10, other_years=[2023], **q4)] == ["year"]
    assert round_problems(SHIZHONG, quota=10, other_years=[2022], **q4) == []
    september = {**q4, "opens_on": date(2024, 9, 30)}
    assert "第九条(一)" in round_problems(SHIZHONG, quota=10, **september)[0][1]


def test_the_craftsman_ban_lasts_three_years_from_the_finding():
    found = [Finding(rule="false_information", against="unit", found_on=date(2024, 8, 1))]
    assert not_barred(CRAFTSMAN.bans, found, on=date(2027, 7, 31)).result == "fail"
    assert not_barred(CRAFTSMAN.bans, found, on=date(2027, 8, 1)).result == "pass"
    assert not_barred(CRAFTSMAN.bans, found, on=date(2024, 7, 31)).result == "pass"


def test_the_shizhong_unit_ban_has_no_end_and_bars_no_person():
    unit = [Finding(rule="unit_at_fault_end_of_term", against="unit", found_on=date(2024, 1, 5))]
    assert not_barred(SHIZHONG.bans, unit, on=date(2040, 1, 1)).result == "fail"
    person = [
        Finding(rule="unit_at_fault_end_of_term", against="person", found_on=date(2024, 1, 5))
    ]
    assert not_barred(SHIZHONG.bans, person, on=date(2025, 1, 1)).result == "pass"


def test_the_publicity_end_reads_days_working_days_and_the_default():
    calendar = WorkingDayCalendar()
    stages = {s.code: s for s in QINGPU.workflow.stages}
    # 青浦 gives no length: the default 5 working days, across National Day 2024
    assert paths.publicity_end(stages["publicity"], date(2024, 9, 27), calendar) == date(
        2024, 10, 9
    )
    songjiang = load_ruleset(ROOT / "songjiang-chief-technician.yaml")
    internal = songjiang.stage("internal_publicity")
    assert paths.publicity_end(internal, date(2024, 9, 27), calendar) == date(2024, 10, 3)
    assert paths.publicity_working_days(internal) is None
    assert paths.publicity_working_days(stages["publicity"]) == 5
