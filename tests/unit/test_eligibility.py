"""Eligibility checks (programmes/eligibility/) and applicant facts (programmes/facts.py).

Every registered check is run three ways (pass, a violation under `warn` and under `fail`) and
with its facts missing; then the edges the texts draw: exactly three years before retirement,
the 2024 retirement reform, the age limit of 50 on the birthday, union membership and retirees
for the craftsman, and the self-nomination window 2024-06-12..2024-07-15.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from programmes.eligibility import (
    REGISTRY,
    CheckResult,
    eligible,
    evaluate,
    full_years,
    register,
)
from programmes.facts import FACT_NAMES, ApplicantFacts, parse_facts
from programmes.retirement import full_years_until_retirement, retirement_date
from programmes.ruleset import Eligibility, load_ruleset

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
RULESET_DIR = ROOT / "fixtures" / "programmes"

CHANNELS = [
    {"code": "unit", "label": "单位推荐", "source": "四(二)"},
    {
        "code": "self",
        "label": "个人自荐",
        "window": {"opens": "2024-06-12", "closes": "2024-07-15"},
        "source": "二(三)",
    },
    {"code": "union", "label": "工会推荐", "source": "二(一)"},
    {"code": "expert_or_group", "label": "专家举荐", "employment": ["freelance"], "source": "x"},
]
CONDITIONS = [
    {"code": "key_skills", "label": "掌握关键技术", "kind": "professional", "source": "二(三)1"},
    {"code": "award", "label": "市级以上奖项", "kind": "professional", "source": "二(三)3"},
    {"code": "governance", "label": "制度健全", "kind": "organisation", "source": "二1"},
    {"code": "capacity", "label": "培训条件", "kind": "organisation", "source": "二4"},
]


def rules(*checks: dict) -> Eligibility:
    return Eligibility.model_validate(
        {"checks": list(checks), "channels": CHANNELS, "conditions": CONDITIONS}
    )


def run(
    code: str,
    facts: dict,
    *,
    params: dict | None = None,
    severity: str = "fail",
    on: date = date(2024, 7, 1),
    channel: str | None = "unit",
    **rule,
) -> CheckResult:
    check = {"code": code, "severity": severity, "params": params or {}, "source": "条款", **rule}
    [result] = evaluate(rules(check), facts, on=on, channel=channel)
    return result


MAN_1975 = {"birth_date": "1975-06-10", "retirement_category": "male"}
ORG = {"kind": "enterprise", "district": "songjiang", "conditions": ["governance", "capacity"]}

# code -> (params, passing facts, violating facts, facts missing what the check needs, extra)
CASES: dict[str, tuple] = {
    "years_to_retirement": ({"years": 3}, MAN_1975, {"birth_date": "1966-03-15", "gender": "male"}, {"gender": "female"}, {}),
    "max_age": ({"years": 50}, MAN_1975, {"birth_date": "1970-01-01"}, {}, {}),
    "skill_level": ({"min": "technician"}, {"skill_level": "senior_technician"}, {"skill_level": "senior_worker"}, {}, {}),
    "legal_working_age": ({}, MAN_1975, {"birth_date": "1960-01-01", "retirement_category": "male"}, {"birth_date": "1975-06-10"}, {}),
    "employer_district": ({"districts": ["songjiang"]}, {"employer_district": "songjiang"}, {"employer_district": "qingpu"}, {}, {}),
    "employment_status": ({"allowed": ["employed"]}, {"employment": "employed"}, {"employment": "freelance"}, {}, {}),
    "nationality": ({"allowed": ["CN"]}, {"nationality": "CN"}, {"nationality": "US"}, {}, {}),
    "union_member": ({}, {"union_member": True}, {"union_member": False}, {}, {}),
    "not_retired": ({}, {**MAN_1975, "employment": "employed"}, {**MAN_1975, "employment": "retired"}, {"employment": "employed"}, {}),
    "excluded_position": ({"ranks": ["deputy_bureau_or_above"]}, {"position_rank": "none"}, {"position_rank": "deputy_bureau_or_above"}, {}, {}),
    "award_within_years": (
        {"years": 4, "any_of": [{"min_level": "municipal"}]},
        {"awards": [{"date": "2022-05-01", "level": "municipal", "kind": "technical_expert"}]},
        {"awards": [{"date": "2022-05-01", "level": "district", "kind": "technical_expert"}]},
        {},
        {},
    ),
    "professional_condition": ({"any_of": ["key_skills", "award"]}, {"professional_conditions": ["award"]}, {"professional_conditions": []}, {}, {}),
    "application_window": ({"opens": "2024-06-12", "closes": "2024-07-15"}, {}, {}, None, {"violating_on": date(2024, 7, 16)}),
    "channel_allowed": ({}, {}, {}, None, {"violating_channel": "social_org"}),
    "front_line": ({}, {"front_line": True}, {"front_line": False}, {}, {}),
    "local_title": ({}, {"local_craftsman_title": True}, {"local_craftsman_title": False}, {}, {}),
    "organisation_district": ({"districts": ["songjiang"]}, {"organisation": ORG}, {"organisation": {**ORG, "district": "qingpu"}}, {"organisation": {"kind": "enterprise"}}, {}),
    "organisation_kind": ({"allowed": ["enterprise"]}, {"organisation": ORG}, {"organisation": {**ORG, "kind": "other"}}, {}, {}),
    "organisation_condition": ({"all_of": ["governance", "capacity"]}, {"organisation": ORG}, {"organisation": {**ORG, "conditions": ["governance"]}}, {"organisation": {"kind": "enterprise"}}, {}),
}  # fmt: skip


def test_every_registered_check_has_cases_and_every_scenarios_code_is_registered():
    assert set(CASES) == set(REGISTRY)
    scenarios_codes = {
        "years_to_retirement",
        "max_age",
        "skill_level",
        "legal_working_age",
        "employer_district",
        "nationality",
        "union_member",
        "not_retired",
        "excluded_position",
        "award_within_years",
        "professional_condition",
        "application_window",
        "channel_allowed",
    }
    assert scenarios_codes <= set(REGISTRY)


def _violation(code: str, severity: str) -> CheckResult:
    params, _, violating, _, extra = CASES[code]
    return run(
        code,
        violating,
        params=params,
        severity=severity,
        on=extra.get("violating_on", date(2024, 7, 1)),
        channel=extra.get("violating_channel", "unit"),
    )


@pytest.mark.parametrize("code", sorted(CASES))
def test_pass(code):
    params, passing, *_ = CASES[code]
    result = run(code, passing, params=params)
    assert result.result == "pass", result.message
    assert result.code == code and result.source == "条款" and not result.missing


@pytest.mark.parametrize("code", sorted(CASES))
@pytest.mark.parametrize("severity", ["warn", "fail"])
def test_a_violation_takes_the_rule_severity(code, severity):
    result = _violation(code, severity)
    assert result.result == severity, result.message
    assert not result.missing and result.message


@pytest.mark.parametrize("code", sorted(c for c in CASES if CASES[c][3] is not None))
def test_missing_facts_fail_whatever_the_severity(code):
    params, _, _, missing_facts, _ = CASES[code]
    result = run(code, missing_facts, params=params, severity="warn")
    assert result.result == "fail"
    assert result.missing
    assert result.message.startswith("缺少") and result.message.endswith("信息")


def test_check_results_are_frozen():
    result = CheckResult("x", "pass", "ok")
    with pytest.raises(FrozenInstanceError):
        result.result = "fail"


def test_message_override_applies_to_violations_only():
    _, passing, violating, _, _ = CASES["union_member"]
    assert run("union_member", violating, message="请先入会").message == "请先入会"
    assert run("union_member", passing, message="请先入会").message == "是工会会员"


def test_every_check_cites_a_clause_in_its_docstring():
    for code, check in REGISTRY.items():
        assert "〔" in check.doc or "第" in check.doc or "通知" in check.doc, code


def test_registering_a_code_twice_is_refused():
    with pytest.raises(ValueError, match="twice"):
        register("union_member")(lambda *a, **k: None)


def test_a_check_can_be_called_directly_with_dict_facts():
    result = REGISTRY["max_age"]({"birth_date": "1980-01-01"}, {"years": 50}, on=date(2024, 1, 1))
    assert result.result == "pass"


# --- retirement: the 2024 reform and "at least 3 years" ---------------------------------------


def test_the_reform_moves_a_man_born_1966_03_15_to_2026_07_15():
    assert retirement_date(date(1966, 3, 15), "male") == date(2026, 7, 15)
    result = run(
        "years_to_retirement",
        {"birth_date": "1966-03-15", "gender": "male"},
        params={"years": 3},
        severity="warn",
        on=date(2024, 5, 10),
    )
    assert result.result == "warn"
    assert result.message == "距法定退休年龄不足3年（法定退休日期为2026-07-15）"


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2023, 7, 14), "pass"),
        (date(2023, 7, 15), "pass"),  # exactly 3 years before 2026-07-15
        (date(2023, 7, 16), "warn"),  # one day short
    ],
)
def test_exactly_three_years_before_retirement(on, expected):
    facts = {"birth_date": "1966-03-15", "retirement_category": "male"}
    result = run("years_to_retirement", facts, params={"years": 3}, severity="warn", on=on)
    assert result.result == expected


def test_a_woman_formerly_retiring_at_55_gains_seven_months():
    facts = {"birth_date": "1972-02-01", "retirement_category": "female_cadre"}
    assert retirement_date(date(1972, 2, 1), "female_cadre") == date(2027, 9, 1)
    assert run("years_to_retirement", facts, params={"years": 3}, on=date(2024, 5, 10)).result == (
        "pass"
    )


def test_a_woman_needs_her_retirement_category():
    result = run(
        "years_to_retirement", {"birth_date": "1975-05-20", "gender": "female"}, params={"years": 3}
    )
    assert result.result == "fail" and result.missing == ("retirement_category",)


@given(
    birth=st.dates(min_value=date(1950, 1, 1), max_value=date(2000, 12, 31)),
    on=st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31)),
    category=st.sampled_from(["male", "female_worker", "female_cadre"]),
)
def test_years_to_retirement_agrees_with_full_years_until_retirement(birth, on, category):
    facts = ApplicantFacts(birth_date=birth, retirement_category=category)
    result = REGISTRY["years_to_retirement"](facts, {"years": 3}, on=on)
    assert (result.result == "pass") == (full_years_until_retirement(birth, category, on) >= 3)


# --- legal working age and retirees -------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2026, 7, 14), "pass"),
        (date(2026, 7, 15), "fail"),  # retired on the retirement date
    ],
)
def test_legal_working_age_ends_on_the_retirement_date(on, expected):
    facts = {"birth_date": "1966-03-15", "retirement_category": "male"}
    assert run("legal_working_age", facts, on=on).result == expected


@pytest.mark.parametrize(
    ("on", "expected"), [(date(2024, 6, 9), "fail"), (date(2024, 6, 10), "pass")]
)
def test_legal_working_age_starts_at_sixteen(on, expected):
    facts = {"birth_date": "2008-06-10", "retirement_category": "male"}
    assert run("legal_working_age", facts, params={"min_age": 16}, on=on).result == expected


def test_not_retired_by_statutory_age_or_by_statement():
    by_age = run(
        "not_retired",
        {"birth_date": "1962-01-01", "gender": "male", "employment": "employed"},
        severity="warn",
    )
    assert by_age.result == "warn" and "法定退休年龄" in by_age.message
    stated = run("not_retired", {"employment": "retired"}, severity="warn")
    assert stated.result == "warn" and not stated.missing  # no birth date needed


# --- age limit ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        ("1971-10-15", "pass"),  # turns 50 on the application date
        ("1970-10-16", "pass"),  # 50 until tomorrow
        ("1970-10-15", "warn"),  # turns 51 today
    ],
)
def test_max_age_fifty_on_the_application_date(birth, expected):
    result = run(
        "max_age",
        {"birth_date": birth},
        params={"years": 50},
        severity="warn",
        on=date(2021, 10, 15),
    )
    assert result.result == expected


def test_full_years_on_a_leap_day_birthday():
    assert full_years(date(2000, 2, 29), date(2021, 2, 27)) == 20
    assert full_years(date(2000, 2, 29), date(2021, 2, 28)) == 21


# --- skill level ----------------------------------------------------------------------------


def test_equivalent_level_counts_only_where_the_rule_accepts_it():
    facts = {"skill_level": "senior_worker", "skill_equivalent_recognised": True}
    assert (
        run("skill_level", facts, params={"min": "technician", "accept_equivalent": True}).result
        == "pass"
    )
    assert run("skill_level", facts, params={"min": "technician"}).result == "fail"


# --- awards ---------------------------------------------------------------------------------


AWARD_PARAMS = {"years": 4, "any_of": [{"kinds": ["technical_expert"], "min_level": "municipal"}]}


@pytest.mark.parametrize(
    ("award", "expected"),
    [
        ({"date": "2017-10-15", "level": "municipal", "kind": "technical_expert"}, "pass"),
        ({"date": "2017-10-14", "level": "municipal", "kind": "technical_expert"}, "fail"),
        ({"date": "2020-05-01", "level": "national", "kind": "technical_expert"}, "pass"),
        ({"date": "2020-05-01", "level": "district", "kind": "technical_expert"}, "fail"),
        ({"date": "2020-05-01", "level": "municipal", "kind": "other"}, "fail"),
        ({"date": "2021-10-16", "level": "municipal", "kind": "technical_expert"}, "fail"),
    ],
)
def test_award_within_four_years(award, expected):
    result = run(
        "award_within_years", {"awards": [award]}, params=AWARD_PARAMS, on=date(2021, 10, 15)
    )
    assert result.result == expected


# --- windows and channels --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2024, 6, 11), "fail"),
        (date(2024, 6, 12), "pass"),
        (date(2024, 7, 15), "pass"),
        (date(2024, 7, 16), "fail"),
    ],
)
def test_self_nomination_window_both_days_included(on, expected):
    assert run("application_window", {}, on=on, channel="self").result == expected


def test_window_of_another_channel_and_unknown_channel():
    # the unit channel has no window: nothing to check
    assert run("application_window", {}, on=date(2030, 1, 1), channel="unit").result == "pass"
    result = run("application_window", {}, on=date(2024, 7, 1), channel=None)
    assert result.result == "fail" and result.missing == ("channel",)


def test_channel_allowed_and_employment_restricted_channels():
    assert run("channel_allowed", {}, channel="union").result == "pass"
    assert run("channel_allowed", {}, channel="social_org").result == "fail"
    assert (
        run("channel_allowed", {"employment": "freelance"}, channel="expert_or_group").result
        == "pass"
    )
    assert (
        run("channel_allowed", {"employment": "employed"}, channel="expert_or_group").result
        == "fail"
    )
    assert run("channel_allowed", {}, channel="expert_or_group").missing == ("employment",)
    assert run("channel_allowed", {}, channel=None).missing == ("channel",)


def test_a_rule_limited_to_channels_is_skipped_for_others():
    check = {"code": "local_title", "severity": "warn", "channels": ["union"], "source": "五(二)"}
    facts = {"local_craftsman_title": False}
    assert evaluate(rules(check), facts, on=date(2024, 7, 1), channel="self") == []
    [result] = evaluate(rules(check), facts, on=date(2024, 7, 1), channel="union")
    assert result.result == "warn"


def test_evaluate_keeps_the_rule_order_and_eligible_means_no_fail():
    checks = [
        {"code": "front_line", "severity": "fail", "source": "a"},
        {"code": "union_member", "severity": "warn", "source": "b"},
    ]
    results = evaluate(
        rules(*checks), {"front_line": True, "union_member": False}, on=date(2024, 7, 1)
    )
    assert [(r.code, r.result, r.source) for r in results] == [
        ("front_line", "pass", "a"),
        ("union_member", "warn", "b"),
    ]
    assert eligible(results)
    assert not eligible([*results, CheckResult("x", "fail", "no")])


# --- the rule-set files: the personas of the scenarios ---------------------------------------


@pytest.fixture(scope="module")
def craftsman():
    return load_ruleset(RULESET_DIR / "shanghai-craftsman.yaml")


@pytest.fixture(scope="module")
def songjiang():
    return load_ruleset(RULESET_DIR / "songjiang-chief-technician.yaml")


CRAFTSMAN = {
    "birth_date": "1980-05-01",
    "retirement_category": "male",
    "gender": "male",
    "nationality": "CN",
    "union_member": True,
    "employment": "employed",
    "position_rank": "none",
    "front_line": True,
    "local_craftsman_title": True,
}


def by_code(results):
    return {r.code: r.result for r in results}


def test_craftsman_eligible_and_union_membership_is_required(craftsman):
    results = evaluate(craftsman.eligibility, CRAFTSMAN, on=date(2024, 7, 1), channel="union")
    assert eligible(results) and set(by_code(results).values()) == {"pass"}
    results = evaluate(
        craftsman.eligibility,
        {**CRAFTSMAN, "union_member": False},
        on=date(2024, 7, 1),
        channel="self",
    )
    assert by_code(results)["union_member"] == "fail" and not eligible(results)


def test_craftsman_retirees_are_excluded_in_principle(craftsman):
    retired = {**CRAFTSMAN, "birth_date": "1962-01-01"}
    results = by_code(
        evaluate(craftsman.eligibility, retired, on=date(2024, 7, 1), channel="union")
    )
    assert results["not_retired"] == "warn"  # 退休职工原则上不参与推荐申报


def test_craftsman_self_nomination_window(craftsman):
    for on, expected in [
        (date(2024, 6, 11), "fail"),
        (date(2024, 6, 12), "pass"),
        (date(2024, 7, 15), "pass"),
        (date(2024, 7, 16), "fail"),
    ]:
        results = by_code(evaluate(craftsman.eligibility, CRAFTSMAN, on=on, channel="self"))
        assert results["application_window"] == expected, on
        assert "local_title" not in results  # 推荐对象 only: unit and society channels


def test_songjiang_near_retirement_is_a_warning_not_a_refusal(songjiang):
    facts = {
        "birth_date": "1966-03-15",
        "retirement_category": "male",
        "skill_level": "technician",
        "employment": "employed",
        "employer_district": "songjiang",
        "professional_conditions": ["front_line_key_skills"],
    }
    results = evaluate(songjiang.eligibility, facts, on=date(2024, 5, 10), channel="unit")
    assert by_code(results)["years_to_retirement"] == "warn"
    assert eligible(results)
    sources = {r.code: r.source for r in results}
    assert sources["years_to_retirement"] == "二(二)4"


def test_songjiang_refuses_a_channel_it_does_not_have(songjiang):
    results = evaluate(songjiang.eligibility, {}, on=date(2024, 5, 10), channel="union")
    assert by_code(results)["channel_allowed"] == "fail"


# --- facts ----------------------------------------------------------------------------------


def test_parse_facts_names_an_unknown_fact():
    with pytest.raises(ValueError, match="favourite_colour"):
        parse_facts({"favourite_colour": "red"})


def test_parse_facts_names_an_unknown_organisation_fact_and_bad_values():
    with pytest.raises(ValueError, match="size"):
        parse_facts({"organisation": {"kind": "enterprise", "size": 3}})
    with pytest.raises(ValueError, match="birth_date"):
        parse_facts({"birth_date": "1975-13-01"})
    with pytest.raises(ValueError, match="skill_level"):
        parse_facts({"skill_level": "wizard"})
    with pytest.raises(ValueError):
        parse_facts({"birth_date": 1975})  # not read as a timestamp


def test_facts_are_all_optional_and_include_the_scenarios_vocabulary():
    assert parse_facts({}) == ApplicantFacts()
    assert parse_facts(None) == ApplicantFacts()
    vocabulary = {
        "birth_date",
        "gender",
        "retirement_category",
        "skill_level",
        "skill_equivalent_recognised",
        "nationality",
        "union_member",
        "employment",
        "employer_district",
        "position_rank",
        "front_line",
        "professional_conditions",
        "awards",
        "local_craftsman_title",
        "organisation",
    }
    assert vocabulary <= set(FACT_NAMES)
    facts = parse_facts({"birth_date": date(1975, 6, 10) + timedelta(days=0), "awards": []})
    assert facts.birth_date == date(1975, 6, 10) and facts.awards == []
