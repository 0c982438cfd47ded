"""Benefit schedules, assessments and award state (programmes/schedules/, imported through
subsidies.schedules) and their rule models.

The rule data is written here as Python dicts, in the shape of docs/ruleset-benefits-contract.md,
so these tests do not depend on the rule-set files; the last test checks those files when present.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from programmes.benefit_rules import (
    AdjustmentRules,
    AssessmentRule,
    BenefitRules,
    check_references,
    parse_money,
)
from subsidies.schedules import (
    AwardEvent,
    ScheduleError,
    assessment_schedule,
    award_state,
    award_status,
    payments_due,
    payments_for_period,
    payments_in_month,
    term,
)

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
ASSESSMENTS = TypeAdapter(list[AssessmentRule])

# --- the five programmes, as their rule sets will say it ------------------------------------

SONGJIANG = {
    "benefits": {
        "term_months": 36,
        "term_start": "month_after_naming",
        "source": "五(二)",
        "no_double_benefit": {
            "rule": "higher_only",
            "comparable": [
                "district_leading_talent",
                "district_top_talent",
                "chief_teacher",
                "chief_doctor",
                "young_talent",
            ],
            "source": "五(一)",
        },
        "schedules": [
            {
                "code": "monthly_allowance",
                "label": "工作津贴",
                "kind": "monthly",
                "amount": "1000.00",
                "payee": "person",
                "funding": "talent_development_fund",
                "source": "五(一)",
            },
            {
                "code": "studio_grant",
                "label": "首席技师工作室专项工作资助",
                "kind": "on_event",
                "event": "studio_established",
                "amounts_by_level": {"city": "80000.00", "district": "50000.00"},
                "max_times": 1,
                "within_term": True,
                "payee": "unit",
                "funding": "talent_development_fund",
                "source": "五(三)",
            },
        ],
    },
    "assessments": [
        {
            "code": "routine",
            "kind": "routine",
            "label": "日常考查",
            "organiser": "unit",
            "due": {"rule": "none"},
            "results": ["pass", "fail"],
            "source": "六(一)",
        },
        {
            "code": "mid_term",
            "kind": "mid_term",
            "label": "届中考核",
            "organiser": "industry_authority",
            "due": {"rule": "months_after_start", "months": 18},
            "results": ["pass", "fail"],
            "effects": {"fail": ["stop_benefits"]},
            "source": "六(一)",
        },
        {
            "code": "end_of_term",
            "kind": "end_of_term",
            "label": "届满考核",
            "organiser": "district_office",
            "due": {"rule": "term_end"},
            "results": ["pass", "fail"],
            "source": "六(一)",
        },
    ],
    "adjustments": {
        "suspended": {"title": "suspended", "benefits": "stop_next_month", "source": "六(二)"},
        "revoked": {"title": "revoked", "benefits": "stop_next_month", "source": "六(二)"},
        "left_post": {"title": "suspended", "benefits": "stop_next_month", "source": "六(二)3"},
    },
}

QINGPU = {
    "benefits": {
        "term_months": 36,
        "source": "七",
        "no_double_benefit": {"comparable": ["district_skill_subsidy"], "source": "九.4"},
        "schedules": [
            {
                "code": "unit_grant",
                "label": "单位一次性资助",
                "kind": "one_time",
                "at": "naming",
                "amount": "100000.00",
                "payee": "unit",
                "funding": "local_education_surcharge_fund",
                "source": "五(一)1",
            },
            {
                "code": "leader_allowance",
                "label": "带头人技能津贴",
                "kind": "per_assessment",
                "assessment": "annual",
                "results": ["pass", "good", "excellent"],
                "amount": "20000.00",
                "max_times": 3,
                "payee": "person",
                "funding": "talent_development_fund",
                "source": "五(一)2",
            },
            {
                "code": "additional_funding",
                "label": "追加资助",
                "kind": "tranche",
                "assessment": "end_of_term",
                "results": ["good", "excellent"],
                "amount": "100000.00",
                "payee": "unit",
                "funding": "local_education_surcharge_fund",
                "source": "五(一)3、六(二)3",
            },
        ],
    },
    "assessments": [
        {
            "code": "annual",
            "kind": "annual",
            "label": "年度考核",
            "organiser": "district_office",
            "due": {"rule": "year_end"},
            "results": ["pass", "fail"],
            "effects": {"fail": ["cancel_funding"]},
            "rectification": True,
            "source": "八(二)",
        },
        {
            "code": "end_of_term",
            "kind": "end_of_term",
            "label": "届满考核",
            "organiser": "third_party",
            "due": {"rule": "term_end"},
            "results": ["pass", "fail", "good", "excellent"],
            "effects": {"fail": ["none"]},
            "source": "八(二)",
        },
    ],
    "adjustments": {},
}

TRAINING_BASE = {
    "benefits": {
        "term_months": 36,
        "source": "四.4",
        "schedules": [
            {
                "code": "first_tranche",
                "label": "首期资助",
                "kind": "tranche",
                "assessment": "mid_term",
                "results": ["pass"],
                "amount": "100000.00",
                "payee": "unit",
                "funding": "talent_development_fund",
                "source": "六(一)",
            },
            {
                "code": "second_tranche",
                "label": "第二期资助",
                "kind": "tranche",
                "assessment": "end_of_term",
                "results": ["pass"],
                "requires": [{"assessment": "mid_term", "results": ["pass"]}],
                "amount": "100000.00",
                "payee": "unit",
                "funding": "talent_development_fund",
                "source": "六(一)",
            },
        ],
    },
    "assessments": [
        {
            "code": "mid_term",
            "kind": "mid_term",
            "label": "中期考核评估",
            "organiser": "district_office",
            "due": {"rule": "months_after_start", "months": 18},
            "results": ["pass", "fail"],
            "effects": {"fail": ["cancel_funding"]},
            "source": "八(二)",
        },
        {
            "code": "end_of_term",
            "kind": "end_of_term",
            "label": "届满考核评估",
            "organiser": "district_office",
            "due": {"rule": "term_end"},
            "results": ["pass", "fail"],
            "effects": {"fail": ["cancel_funding"]},
            "source": "八(三)",
        },
    ],
    "adjustments": {},
}

SHIZHONG = {
    "benefits": {
        "term_months": 48,
        "source": "第四条",
        "stops_on_other_title": {"titles": ["city_chief_technician"], "source": "第十条"},
        "schedules": [
            {
                "code": "district_allowance",
                "label": "区政府津贴",
                "kind": "annual_in_arrears",
                "amount": "200.00",
                "pay_month": 1,
                "payee": "person",
                "funding": "talent_development_fund",
                "source": "第十条",
            }
        ],
    },
    "assessments": [
        {
            "code": "tracking",
            "kind": "tracking",
            "label": "跟踪评估",
            "organiser": "district_office",
            "due": {"rule": "year_end"},
            "results": ["pass", "fail"],
            "effects": {"fail": ["stop_benefits"]},
            "source": "第十四条(一)",
        },
        {
            "code": "end_of_term",
            "kind": "end_of_term",
            "label": "期满评估",
            "organiser": "district_office",
            "due": {"rule": "term_end"},
            "results": ["pass", "fail"],
            "effects": {"fail": ["revoke_title", "unit_loses_nomination"]},
            "source": "第十四条(三)",
        },
    ],
    "adjustments": {
        "revoked": {"title": "revoked", "benefits": "stop_next_month", "source": "第十五条"},
        "left_post": {"title": "held", "benefits": "stop_next_month", "source": "第十四条(二)"},
    },
}

CRAFTSMAN = {"benefits": {"source": "五", "schedules": []}, "assessments": [], "adjustments": {}}


def parse(data: dict):
    return (
        BenefitRules.model_validate(data["benefits"]),
        ASSESSMENTS.validate_python(data["assessments"]),
        AdjustmentRules.model_validate(data["adjustments"]),
    )


RULES = {
    "songjiang": parse(SONGJIANG),
    "qingpu": parse(QINGPU),
    "training_base": parse(TRAINING_BASE),
    "shizhong": parse(SHIZHONG),
    "craftsman": parse(CRAFTSMAN),
}


def ev(when: str, event: str, **fields) -> AwardEvent:
    return AwardEvent.from_scenario(date.fromisoformat(when), event, fields)


def pay(programme: str, events: list[AwardEvent], until: str):
    return payments_due(*RULES[programme], events, until=date.fromisoformat(until))


def status(programme: str, events: list[AwardEvent], on: str):
    return award_status(*RULES[programme], events, on=date.fromisoformat(on))


def due(programme: str, events: list[AwardEvent], until: str | None = None):
    benefits, assessments, adjustments = RULES[programme]
    return assessment_schedule(
        benefits,
        assessments,
        events,
        until=date.fromisoformat(until) if until else None,
        adjustments=adjustments,
    )


def total(rows) -> Decimal:
    return sum((p.amount for p in rows), Decimal("0.00"))


def periods(rows, kind: str | None = None) -> list[str]:
    return [p.period for p in rows if kind is None or p.kind == kind]


SJ_NAMED = ev("2024-12-02", "named", document_number="沪松人社〔2024〕88号")
SZ_NAMED = ev("2021-12-20", "named")
QP_NAMED = ev("2021-06-15", "named")
TB_NAMED = ev("2024-06-20", "named")


# --- the rule models -----------------------------------------------------------------------


def monthly(**change) -> dict:
    return {**SONGJIANG["benefits"]["schedules"][0], **change}


def benefits_with(*schedules, **change) -> dict:
    return {**SONGJIANG["benefits"], "schedules": list(schedules), **change}


def test_money_is_a_decimal_with_two_places():
    assert parse_money("1000") == Decimal("1000.00")
    assert str(parse_money("1000.5")) == "1000.50"
    assert str(parse_money(80000)) == "80000.00"
    benefits = BenefitRules.model_validate(benefits_with(monthly(amount=1000)))
    assert benefits.schedules[0].amount == Decimal("1000.00")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (1000.5, "带引号的字符串"),
        (1000.0, "浮点数"),
        ("1000.555", "两位小数"),
        ("0", "大于 0"),
        ("-5.00", "大于 0"),
        ("1,000", "不是金额"),
        ("NaN", "不是金额"),
        (True, "带引号的字符串"),
        (None, "不是金额"),
    ],
)
def test_money_that_is_not_a_quoted_decimal_is_refused(amount, message):
    with pytest.raises(ValidationError, match=message):
        BenefitRules.model_validate(benefits_with(monthly(amount=amount)))


def test_a_yaml_float_asks_for_a_quoted_string():
    data = yaml.safe_load("amount: 1000.5")
    with pytest.raises(ValidationError, match=r'"1000\.50"'):
        BenefitRules.model_validate(benefits_with(monthly(**data)))


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        (monthly(kind="weekly"), "does not match any of the expected tags"),
        (monthly(colour="red"), "Extra inputs are not permitted"),
        (monthly(payee="family"), "'person' or 'unit'"),
        (monthly(funding="lottery"), "talent_development_fund"),
        (monthly(code="Monthly Allowance"), "pattern"),
        (
            {**SONGJIANG["benefits"]["schedules"][1], "max_times": 0},
            "greater than or equal to 1",
        ),
        (
            {**SONGJIANG["benefits"]["schedules"][1], "amount": "1000.00"},
            "amount 或 amounts_by_level",
        ),
        (
            {**SONGJIANG["benefits"]["schedules"][1], "amounts_by_level": None},
            "amount 或 amounts_by_level",
        ),
        (
            {**QINGPU["benefits"]["schedules"][1], "results": ["pass", "brilliant"]},
            "'pass', 'fail', 'excellent' or 'good'",
        ),
        ({**QINGPU["benefits"]["schedules"][1], "results": ["pass", "pass"]}, "重复"),
        ({**QINGPU["benefits"]["schedules"][1], "results": []}, "at least 1"),
        ({**QINGPU["benefits"]["schedules"][1], "max_times": 0}, "greater than or equal to 1"),
        ({**SHIZHONG["benefits"]["schedules"][0], "pay_month": 13}, "less than or equal to 12"),
    ],
)
def test_schedules_are_validated(schedule, message):
    with pytest.raises(ValidationError, match=message):
        BenefitRules.model_validate(benefits_with(schedule))


def test_schedule_codes_are_unique():
    with pytest.raises(ValidationError, match="重复"):
        BenefitRules.model_validate(benefits_with(monthly(), monthly()))


def test_term_months_needed_by_monthly_payments_only():
    with pytest.raises(ValidationError, match="term_months"):
        BenefitRules.model_validate(benefits_with(monthly(), term_months=None))
    one_time = QINGPU["benefits"]["schedules"][0]
    assert BenefitRules.model_validate(benefits_with(one_time, term_months=None))
    with pytest.raises(ValidationError, match="term_months"):
        BenefitRules.model_validate(
            benefits_with({**one_time, "at": "term_start"}, term_months=None)
        )


def assessment(**change) -> dict:
    return {**SHIZHONG["assessments"][1], **change}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (assessment(results=["pass", "meh"]), "'pass', 'fail', 'excellent' or 'good'"),
        (assessment(effects={"fail": ["shame"]}), "stop_benefits"),
        (assessment(effects={"good": ["stop_benefits"]}), "不在 results 之列"),
        (assessment(effects={"fail": []}), "effects 为空"),
        (assessment(effects={"fail": ["none", "revoke_title"]}), "none 不能与其他效果同列"),
        (assessment(kind="weekly"), "routine"),
        (assessment(organiser="mayor"), "district_office"),
        (assessment(due={"rule": "months_after_start"}), "months"),
        (assessment(due={"rule": "whenever"}), "does not match any of the expected tags"),
        (assessment(extra=1), "Extra inputs are not permitted"),
    ],
)
def test_assessments_are_validated(data, message):
    with pytest.raises(ValidationError, match=message):
        AssessmentRule.model_validate(data)


def test_adjustments_are_validated_and_default():
    with pytest.raises(ValidationError):
        AdjustmentRules.model_validate({"suspended": {"title": "paused", "source": "x"}})
    with pytest.raises(ValidationError):
        AdjustmentRules.model_validate({"suspended": {"title": "held", "benefits": "halve"}})
    with pytest.raises(ValidationError, match="Extra inputs"):
        AdjustmentRules.model_validate({"promoted": {"title": "held", "source": "x"}})
    rules = AdjustmentRules.model_validate({})
    assert rules.rule_for("suspended").title == "suspended"
    assert rules.rule_for("revoked").title == "revoked"
    assert rules.rule_for("left_post").title == "held"
    assert {r.benefits for r in map(rules.rule_for, ("suspended", "revoked", "left_post"))} == {
        "stop_next_month"
    }


@pytest.mark.parametrize("name", ["songjiang", "qingpu", "training_base", "shizhong", "craftsman"])
def test_models_round_trip_through_json(name):
    benefits, assessments, adjustments = RULES[name]
    assert BenefitRules.model_validate(benefits.model_dump(mode="json")) == benefits
    assert ASSESSMENTS.validate_python(ASSESSMENTS.dump_python(assessments, mode="json")) == (
        assessments
    )
    assert AdjustmentRules.model_validate(adjustments.model_dump(mode="json")) == adjustments
    assert check_references(benefits, assessments) == []


def test_check_references_names_the_path():
    benefits, _, _ = RULES["training_base"]
    assessments = ASSESSMENTS.validate_python(
        [TRAINING_BASE["assessments"][0], TRAINING_BASE["assessments"][0]]
    )
    problems = dict(check_references(benefits, assessments))
    assert "重复" in problems["assessments[1].code"]
    assert "end_of_term" in problems["benefits.schedules[1].assessment"]
    narrow = ASSESSMENTS.validate_python(
        [{**a, "results": ["fail"]} | {"effects": {}} for a in TRAINING_BASE["assessments"]]
    )
    problems = dict(check_references(benefits, narrow))
    assert "不会有这些结果" in problems["benefits.schedules[0].results"]
    assert "不会有这些结果" in problems["benefits.schedules[1].requires[0].results"]


# --- events --------------------------------------------------------------------------------


def test_scenario_events_become_award_events():
    event = ev("2025-12-15", "assessment", kind="mid_term", result="pass")
    assert (event.assessment_kind, event.assessment, event.result) == ("mid_term", None, "pass")
    event = ev(
        "2025-12-15",
        "assessment",
        kind="annual",
        code="annual",
        result="fail",
        after_rectification=True,
    )
    assert event.assessment == "annual" and event.after_rectification is True
    event = ev("2025-06-15", "other_benefit", name="chief_teacher", monthly_amount="500")
    assert event.monthly_amount == Decimal("500.00")


@pytest.mark.parametrize(
    ("event", "fields", "message"),
    [
        ("teleported", {}, "未知的事件"),
        ("named", {"colour": "red"}, "不认识字段"),
        ("assessment", {"kind": "weekly", "result": "pass"}, "考核类型"),
        ("assessment", {"kind": "annual", "result": "meh"}, "考核结果"),
        ("assessment", {"result": "pass"}, "指明考核"),
        ("studio_established", {"level": "national"}, "city 或 district"),
        ("other_benefit", {"name": "chief_teacher"}, "monthly_amount"),
        ("other_benefit", {"name": "chief_teacher", "monthly_amount": 500.5}, "浮点数"),
        ("other_benefit", {"name": "chief_teacher", "monthly_amount": "-1"}, "不能为负"),
        ("other_title", {}, "name"),
        (
            "assessment",
            {"kind": "annual", "result": "fail", "unit_at_fault": "yes"},
            "true 或 false",
        ),
    ],
)
def test_malformed_events_are_refused(event, fields, message):
    with pytest.raises(ScheduleError, match=message):
        ev("2025-01-01", event, **fields)


def test_an_assessment_the_rule_set_does_not_define_is_an_error():
    with pytest.raises(ScheduleError, match="tracking"):
        pay(
            "songjiang",
            [SJ_NAMED, ev("2025-12-01", "assessment", kind="tracking", result="pass")],
            "2026-01-01",
        )
    with pytest.raises(ScheduleError, match="nonsense"):
        pay(
            "songjiang",
            [
                SJ_NAMED,
                ev("2025-12-01", "assessment", kind="mid_term", code="nonsense", result="pass"),
            ],
            "2026-01-01",
        )


def test_two_assessments_of_one_kind_need_a_code():
    data = {
        **SONGJIANG,
        "assessments": [
            *SONGJIANG["assessments"],
            {**SONGJIANG["assessments"][1], "code": "mid_term_review", "label": "复核"},
            {**SONGJIANG["assessments"][1], "code": "mid_term_park", "label": "园区考核"},
        ],
    }
    benefits, assessments, adjustments = parse(data)
    only_kind = [SJ_NAMED, ev("2026-06-01", "assessment", kind="mid_term", result="fail")]
    # the assessment whose code is the kind is chosen
    rows = payments_due(benefits, assessments, adjustments, only_kind, until=date(2027, 12, 31))
    assert len(rows) == 17
    del data["assessments"][1]
    benefits, assessments, adjustments = parse(data)
    with pytest.raises(ScheduleError, match="请写明 code"):
        payments_due(benefits, assessments, adjustments, only_kind, until=date(2027, 12, 31))


def test_events_out_of_order_are_read_in_date_order():
    events = [ev("2026-01-15", "suspended", reason="unit_unqualified"), SJ_NAMED]
    assert len(pay("songjiang", events, "2027-12-31")) == 13


# --- the term ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("named", "start", "end"),
    [
        ("2024-12-02", "2025-01-01", "2027-12-31"),
        ("2024-12-01", "2025-01-01", "2027-12-31"),
        ("2024-12-31", "2025-01-01", "2027-12-31"),
        ("2024-01-31", "2024-02-01", "2027-01-31"),
        ("2024-02-29", "2024-03-01", "2027-02-28"),
    ],
)
def test_the_term_starts_the_month_after_naming(named, start, end):
    benefits = RULES["songjiang"][0]
    assert term(benefits, date.fromisoformat(named)) == (
        date.fromisoformat(start),
        date.fromisoformat(end),
    )


def test_a_programme_without_a_term_has_no_end():
    assert term(RULES["craftsman"][0], date(2024, 11, 20)) == (date(2024, 12, 1), None)


# --- Songjiang: monthly allowance, studio grant, suspension ----------------------------------


def test_songjiang_full_term():
    rows = pay("songjiang", [SJ_NAMED], "2028-06-30")
    assert len(rows) == 36
    assert total(rows) == Decimal("36000.00")
    first, last = rows[0], rows[-1]
    assert (first.date, first.period, first.payee, first.kind) == (
        date(2025, 1, 1),
        "2025-01",
        "person",
        "monthly_allowance",
    )
    assert (first.amount, first.funding) == (Decimal("1000.00"), "talent_development_fund")
    assert (last.date, last.period) == (date(2027, 12, 1), "2027-12")
    assert status("songjiang", [SJ_NAMED], "2028-06-30") == ("expired", "completed")


def test_songjiang_half_way():
    rows = pay("songjiang", [SJ_NAMED], "2026-06-30")
    assert len(rows) == 18
    assert status("songjiang", [SJ_NAMED], "2026-06-30") == ("held", "paying")


def test_suspension_mid_month_pays_that_month_only():
    events = [SJ_NAMED, ev("2026-01-15", "suspended", reason="unit_unqualified")]
    rows = pay("songjiang", events, "2027-12-31")
    assert len(rows) == 13
    assert rows[-1].period == "2026-01"
    assert status("songjiang", events, "2027-12-31") == ("suspended", "stopped")
    assert status("songjiang", events, "2026-01-14") == ("held", "paying")
    assert status("songjiang", events, "2026-01-15") == ("suspended", "stopped")


def test_suspension_dated_the_first_stops_that_month_too():
    events = [SJ_NAMED, ev("2026-02-01", "suspended", reason="violation")]
    assert periods(pay("songjiang", events, "2027-12-31"))[-1] == "2026-01"
    events = [SJ_NAMED, ev("2026-01-31", "suspended", reason="violation")]
    assert periods(pay("songjiang", events, "2027-12-31"))[-1] == "2026-01"
    events = [SJ_NAMED, ev("2026-02-02", "suspended", reason="violation")]
    assert periods(pay("songjiang", events, "2027-12-31"))[-1] == "2026-02"


def test_suspension_before_the_term_starts_pays_nothing():
    events = [SJ_NAMED, ev("2024-12-20", "suspended", reason="violation")]
    assert pay("songjiang", events, "2027-12-31") == []
    assert status("songjiang", events, "2025-06-01") == ("suspended", "stopped")


def test_revocation_pays_up_to_its_month():
    events = [SJ_NAMED, ev("2025-08-20", "revoked", reason="violation")]
    rows = pay("songjiang", events, "2027-12-31")
    assert len(rows) == 8 and total(rows) == Decimal("8000.00")
    assert status("songjiang", events, "2027-12-31") == ("revoked", "stopped")
    # a revoked title stays revoked, and does not become `expired` after the term
    assert status("songjiang", events, "2030-01-01") == ("revoked", "stopped")


def test_revocation_after_suspension_is_revocation():
    events = [
        SJ_NAMED,
        ev("2025-03-10", "suspended", reason="violation"),
        ev("2025-05-10", "revoked", reason="violation"),
    ]
    assert status("songjiang", events, "2025-04-01") == ("suspended", "stopped")
    assert status("songjiang", events, "2025-06-01") == ("revoked", "stopped")
    assert len(pay("songjiang", events, "2027-12-31")) == 3


def test_leaving_the_district_stops_the_allowance():
    events = [SJ_NAMED, ev("2025-03-10", "left_post")]
    rows = pay("songjiang", events, "2027-12-31")
    assert total(rows) == Decimal("3000.00") and len(rows) == 3
    assert status("songjiang", events, "2027-12-31")[1] == "stopped"


def test_a_failed_mid_term_stops_benefits_from_the_next_month():
    events = [SJ_NAMED, ev("2026-06-20", "assessment", kind="mid_term", result="fail")]
    rows = pay("songjiang", events, "2027-12-31")
    assert periods(rows)[-1] == "2026-06"
    assert status("songjiang", events, "2026-07-01") == ("held", "stopped")


@pytest.mark.parametrize(
    ("level", "amount"), [("city", Decimal("80000.00")), ("district", Decimal("50000.00"))]
)
def test_studio_grant_by_level(level, amount):
    events = [SJ_NAMED, ev("2025-06-10", "studio_established", level=level)]
    rows = pay("songjiang", events, "2025-12-31")
    grants = [p for p in rows if p.kind == "studio_grant"]
    assert len(grants) == 1
    grant = grants[0]
    assert (grant.date, grant.period, grant.payee, grant.amount) == (
        date(2025, 6, 10),
        "once",
        "unit",
        amount,
    )
    assert len(rows) == 13 and total(rows) == amount + Decimal("12000.00")
    # in date order: the grant of 10 June comes after the allowance of 1 June
    assert [p.kind for p in rows[5:8]] == ["monthly_allowance", "studio_grant", "monthly_allowance"]


def test_studio_on_the_first_day_of_a_month_sorts_by_kind():
    events = [SJ_NAMED, ev("2026-03-01", "studio_established", level="district")]
    rows = pay("songjiang", events, "2026-03-31")
    assert len(rows) == 16 and total(rows) == Decimal("65000.00")
    assert [(p.date, p.kind) for p in rows[-2:]] == [
        (date(2026, 3, 1), "monthly_allowance"),
        (date(2026, 3, 1), "studio_grant"),
    ]


@pytest.mark.parametrize(
    ("when", "paid"),
    [
        ("2024-12-20", False),  # named, but the term has not started
        ("2025-01-01", True),  # the term's first day
        ("2027-12-31", True),  # its last day
        ("2028-01-01", False),
        ("2028-02-01", False),
    ],
)
def test_studio_grant_only_within_the_term(when, paid):
    events = sorted([SJ_NAMED, ev(when, "studio_established", level="city")], key=lambda e: e.date)
    rows = pay("songjiang", events, "2028-06-30")
    assert ("studio_grant" in {p.kind for p in rows}) is paid
    assert len([p for p in rows if p.kind == "monthly_allowance"]) == 36


def test_studio_grant_once_and_not_after_a_suspension():
    events = [
        SJ_NAMED,
        ev("2025-06-10", "studio_established", level="district"),
        ev("2025-09-10", "studio_established", level="city"),
    ]
    grants = [p for p in pay("songjiang", events, "2027-12-31") if p.kind == "studio_grant"]
    assert [(g.date, g.amount) for g in grants] == [(date(2025, 6, 10), Decimal("50000.00"))]
    events = [
        SJ_NAMED,
        ev("2025-05-10", "suspended", reason="violation"),
        ev("2025-06-10", "studio_established", level="city"),
    ]
    assert "studio_grant" not in {p.kind for p in pay("songjiang", events, "2027-12-31")}


def test_studio_grant_up_to_max_times_has_numbered_periods():
    data = {
        **SONGJIANG,
        "benefits": benefits_with(
            monthly(), {**SONGJIANG["benefits"]["schedules"][1], "max_times": 2}
        ),
    }
    benefits, assessments, adjustments = parse(data)
    events = [SJ_NAMED] + [
        ev(f"2025-0{m}-10", "studio_established", level="district") for m in (3, 4, 5)
    ]
    rows = payments_due(benefits, assessments, adjustments, events, until=date(2027, 12, 31))
    assert periods(rows, "studio_grant") == ["once-1", "once-2"]


def test_a_level_without_an_amount_earns_nothing():
    data = {
        **SONGJIANG,
        "benefits": benefits_with(
            {**SONGJIANG["benefits"]["schedules"][1], "amounts_by_level": {"city": "80000.00"}}
        ),
    }
    benefits, assessments, adjustments = parse(data)
    events = [
        SJ_NAMED,
        ev("2025-03-10", "studio_established", level="district"),
        ev("2025-04-10", "studio_established", level="city"),
    ]
    rows = payments_due(benefits, assessments, adjustments, events, until=date(2027, 12, 31))
    assert [(p.date, p.amount) for p in rows] == [(date(2025, 4, 10), Decimal("80000.00"))]


# --- no double benefit ---------------------------------------------------------------------


def other(when: str, name: str, amount: str) -> AwardEvent:
    return ev(when, "other_benefit", name=name, monthly_amount=amount)


def test_a_higher_comparable_benefit_stops_ours_from_the_next_month():
    events = [SJ_NAMED, other("2025-06-15", "district_leading_talent", "2000.00")]
    rows = pay("songjiang", events, "2025-12-31")
    assert len(rows) == 6 and rows[-1].period == "2025-06"
    # the award is not stopped: the allowance is withheld while the higher one is held
    assert status("songjiang", events, "2025-12-31") == ("held", "paying")


def test_a_lower_comparable_benefit_changes_nothing():
    events = [SJ_NAMED, other("2025-06-15", "chief_teacher", "500.00")]
    assert len(pay("songjiang", events, "2025-12-31")) == 12


def test_an_equal_comparable_benefit_withholds_ours():
    events = [SJ_NAMED, other("2025-06-15", "chief_doctor", "1000.00")]
    assert periods(pay("songjiang", events, "2025-12-31"))[-1] == "2025-06"


def test_a_comparable_benefit_from_the_first_of_a_month_withholds_that_month():
    events = [SJ_NAMED, other("2025-07-01", "young_talent", "3000.00")]
    assert periods(pay("songjiang", events, "2025-12-31"))[-1] == "2025-06"


def test_a_comparable_benefit_held_before_naming_withholds_every_month():
    events = [other("2023-01-01", "district_top_talent", "1500.00"), SJ_NAMED]
    assert pay("songjiang", events, "2028-06-30") == []


def test_a_benefit_that_is_not_comparable_is_ignored():
    events = [SJ_NAMED, other("2025-06-15", "city_lottery_prize", "9000.00")]
    assert len(pay("songjiang", events, "2025-12-31")) == 12


def test_the_higher_of_several_other_benefits_counts():
    events = [
        SJ_NAMED,
        other("2025-03-15", "chief_teacher", "500.00"),
        other("2025-09-15", "district_leading_talent", "1200.00"),
    ]
    assert periods(pay("songjiang", events, "2025-12-31"))[-1] == "2025-09"


def test_no_double_benefit_leaves_unit_payments_alone():
    events = [
        SJ_NAMED,
        other("2025-01-15", "district_leading_talent", "2000.00"),
        ev("2025-06-10", "studio_established", level="city"),
    ]
    rows = pay("songjiang", events, "2025-12-31")
    assert [p.kind for p in rows] == ["monthly_allowance", "studio_grant"]


def test_no_double_benefit_applies_to_arrears_months():
    data = {
        **SHIZHONG,
        "benefits": {
            **SHIZHONG["benefits"],
            "no_double_benefit": {"comparable": ["city_allowance"], "source": "x"},
        },
    }
    benefits, assessments, adjustments = parse(data)
    events = [SZ_NAMED, other("2022-04-10", "city_allowance", "300.00")]
    rows = payments_due(benefits, assessments, adjustments, events, until=date(2026, 6, 30))
    assert [(p.period, p.amount) for p in rows] == [("2022", Decimal("800.00"))]


# --- Shizhong: annual in arrears -----------------------------------------------------------


def test_shizhong_arrears_over_the_full_term():
    rows = pay("shizhong", [SZ_NAMED], "2026-06-30")
    assert [(p.date, p.period, p.amount) for p in rows] == [
        (date(2023, 1, 1), "2022", Decimal("2400.00")),
        (date(2024, 1, 1), "2023", Decimal("2400.00")),
        (date(2025, 1, 1), "2024", Decimal("2400.00")),
        (date(2026, 1, 1), "2025", Decimal("2400.00")),
    ]
    assert {p.payee for p in rows} == {"person"}
    assert status("shizhong", [SZ_NAMED], "2026-06-30") == ("expired", "completed")


def test_shizhong_last_year_is_paid_after_the_term():
    # the term ended on 2025-12-31; its last year is paid on 2026-01-01
    assert status("shizhong", [SZ_NAMED], "2025-12-31") == ("held", "paying")
    assert status("shizhong", [SZ_NAMED], "2026-01-01") == ("expired", "completed")


def test_shizhong_selection_year_months_are_paid_the_next_january():
    rows = pay("shizhong", [ev("2021-10-20", "named")], "2026-06-30")
    assert [(p.date, p.period, p.amount) for p in rows] == [
        (date(2022, 1, 1), "2021", Decimal("400.00")),
        (date(2023, 1, 1), "2022", Decimal("2400.00")),
        (date(2024, 1, 1), "2023", Decimal("2400.00")),
        (date(2025, 1, 1), "2024", Decimal("2400.00")),
        (date(2026, 1, 1), "2025", Decimal("2000.00")),
    ]
    assert total(rows) == Decimal("9600.00")


def test_shizhong_city_chief_technician_stops_the_district_allowance():
    events = [SZ_NAMED, ev("2023-06-10", "other_title", name="city_chief_technician")]
    rows = pay("shizhong", events, "2026-06-30")
    assert [(p.period, p.amount) for p in rows] == [
        ("2022", Decimal("2400.00")),
        ("2023", Decimal("1200.00")),
    ]
    assert status("shizhong", events, "2026-06-30") == ("held", "stopped")


def test_another_title_not_listed_changes_nothing():
    events = [SZ_NAMED, ev("2023-06-10", "other_title", name="national_model_worker")]
    assert total(pay("shizhong", events, "2026-06-30")) == Decimal("9600.00")


def test_shizhong_leaving_the_post_keeps_the_title_and_ends_benefits():
    events = [SZ_NAMED, ev("2024-03-15", "left_post")]
    rows = pay("shizhong", events, "2026-06-30")
    assert [(p.date, p.period, p.amount) for p in rows] == [
        (date(2023, 1, 1), "2022", Decimal("2400.00")),
        (date(2024, 1, 1), "2023", Decimal("2400.00")),
        (date(2025, 1, 1), "2024", Decimal("600.00")),
    ]
    assert status("shizhong", events, "2026-06-30") == ("held", "stopped")


def test_shizhong_end_of_term_fail_revokes_the_title():
    events = [SZ_NAMED, ev("2026-01-10", "assessment", kind="end_of_term", result="fail")]
    assert status("shizhong", events, "2026-06-30")[0] == "revoked"
    assert status("shizhong", events, "2026-01-09")[0] == "expired"
    # the last year was paid on 1 January, before the evaluation
    assert total(pay("shizhong", events, "2026-06-30")) == Decimal("9600.00")
    state = award_state(*RULES["shizhong"], events, on=date(2026, 6, 30))
    assert state.unit_loses_nomination is False


def test_the_unit_loses_nomination_only_when_at_fault():
    events = [
        SZ_NAMED,
        ev("2026-01-10", "assessment", kind="end_of_term", result="fail", unit_at_fault=True),
    ]
    state = award_state(*RULES["shizhong"], events, on=date(2026, 6, 30))
    assert state.unit_loses_nomination is True
    assert state.title == "revoked"


def test_months_earned_before_a_revocation_are_still_paid_in_arrears():
    events = [SZ_NAMED, ev("2024-05-20", "revoked", reason="violation")]
    rows = pay("shizhong", events, "2026-06-30")
    assert [(p.period, p.amount) for p in rows][-1] == ("2024", Decimal("1000.00"))


def test_a_failed_tracking_evaluation_stops_the_allowance():
    events = [SZ_NAMED, ev("2023-12-20", "assessment", kind="tracking", result="fail")]
    rows = pay("shizhong", events, "2026-06-30")
    assert [(p.period, p.amount) for p in rows] == [
        ("2022", Decimal("2400.00")),
        ("2023", Decimal("2400.00")),
    ]


def test_cancelled_funding_also_cancels_arrears_not_yet_paid():
    data = {
        **SHIZHONG,
        "assessments": [
            {**SHIZHONG["assessments"][0], "effects": {"fail": ["cancel_funding"]}},
            SHIZHONG["assessments"][1],
        ],
    }
    benefits, assessments, adjustments = parse(data)
    events = [SZ_NAMED, ev("2023-12-20", "assessment", kind="tracking", result="fail")]
    rows = payments_due(benefits, assessments, adjustments, events, until=date(2026, 6, 30))
    assert [p.period for p in rows] == ["2022"]


def test_pay_month_moves_the_arrears_date():
    data = {
        **SHIZHONG,
        "benefits": {
            **SHIZHONG["benefits"],
            "schedules": [{**SHIZHONG["benefits"]["schedules"][0], "pay_month": 3}],
        },
    }
    benefits, assessments, adjustments = parse(data)
    rows = payments_due(benefits, assessments, adjustments, [SZ_NAMED], until=date(2026, 12, 31))
    assert rows[0].date == date(2023, 3, 1) and rows[0].period == "2022"


# --- Qingpu: unit grant, leader's yearly payments, rectification, additional funding ----------


def annual(when: str, result: str, **fields) -> AwardEvent:
    return ev(when, "assessment", kind="annual", result=result, **fields)


def test_qingpu_unit_grant_on_naming():
    rows = pay("qingpu", [QP_NAMED], "2021-11-30")
    assert [(p.date, p.period, p.payee, p.amount, p.funding) for p in rows] == [
        (date(2021, 6, 15), "once", "unit", Decimal("100000.00"), "local_education_surcharge_fund")
    ]
    # paid before the term starts: the benefits have started
    assert status("qingpu", [QP_NAMED], "2021-06-20") == ("held", "paying")
    assert status("qingpu", [QP_NAMED], "2021-06-14") == ("none", "not_started")


def test_qingpu_leader_paid_for_each_passed_year_at_most_three():
    events = [
        QP_NAMED,
        annual("2021-12-20", "pass"),
        annual("2022-12-20", "pass"),
        annual("2023-12-20", "pass"),
        annual("2024-12-20", "pass"),
    ]
    rows = pay("qingpu", events, "2024-12-31")
    assert len(rows) == 4 and total(rows) == Decimal("160000.00")
    leader = [p for p in rows if p.kind == "leader_allowance"]
    assert [(p.date, p.period, p.payee) for p in leader] == [
        (date(2021, 12, 20), "2021", "person"),
        (date(2022, 12, 20), "2022", "person"),
        (date(2023, 12, 20), "2023", "person"),
    ]
    assert {p.funding for p in leader} == {"talent_development_fund"}


def test_qingpu_a_failed_year_is_skipped_and_a_later_pass_paid():
    events = [
        QP_NAMED,
        annual("2021-12-20", "pass"),
        annual("2022-12-20", "fail"),
        annual("2023-12-20", "pass"),
    ]
    rows = pay("qingpu", events, "2024-12-31")
    assert len(rows) == 3 and total(rows) == Decimal("140000.00")
    assert status("qingpu", events, "2024-12-31") == ("expired", "completed")


def test_qingpu_failing_again_after_rectification_cancels_funding():
    events = [
        QP_NAMED,
        annual("2021-12-20", "fail"),
        annual("2022-03-20", "fail"),  # the check after rectification
        annual("2022-12-20", "pass"),
        ev("2024-05-10", "assessment", kind="end_of_term", result="excellent"),
    ]
    rows = pay("qingpu", events, "2024-12-31")
    assert [p.kind for p in rows] == ["unit_grant"]
    state = award_state(*RULES["qingpu"], events, on=date(2024, 12, 31))
    assert (state.title, state.benefits) == ("held", "stopped")
    assert state.funding_cancelled_on == date(2022, 3, 20)


def test_qingpu_a_fail_marked_after_rectification_cancels_at_once():
    events = [
        QP_NAMED,
        annual("2021-12-20", "fail", after_rectification=True),
        annual("2022-12-20", "pass"),
    ]
    assert [p.kind for p in pay("qingpu", events, "2024-12-31")] == ["unit_grant"]


def test_qingpu_rectified_within_the_year_earns_that_year_once():
    events = [
        QP_NAMED,
        annual("2021-12-10", "fail"),
        annual("2021-12-28", "pass"),  # rectified
        annual("2022-12-20", "fail"),  # a new failure, not confirmed
        annual("2023-12-20", "pass"),
        annual("2023-12-27", "pass"),  # recorded twice: paid once
    ]
    leader = [p for p in pay("qingpu", events, "2024-12-31") if p.kind == "leader_allowance"]
    assert [(p.date, p.period) for p in leader] == [
        (date(2021, 12, 28), "2021"),
        (date(2023, 12, 20), "2023"),
    ]


def test_qingpu_additional_funding_for_a_good_or_excellent_end_of_term():
    for result, paid in (("excellent", True), ("good", True), ("pass", False), ("fail", False)):
        events = [QP_NAMED, ev("2024-05-10", "assessment", kind="end_of_term", result=result)]
        rows = pay("qingpu", events, "2024-12-31")
        extra = [p for p in rows if p.kind == "additional_funding"]
        assert bool(extra) is paid, result
        if paid:
            assert (extra[0].date, extra[0].payee, extra[0].amount) == (
                date(2024, 5, 10),
                "unit",
                Decimal("100000.00"),
            )
            # nothing more for the leader (青人社〔2020〕54号 五(一)3)
            assert not [p for p in rows if p.payee == "person"]


# --- the training base: two tranches -------------------------------------------------------


def assessed(when: str, kind: str, result: str) -> AwardEvent:
    return ev(when, "assessment", kind=kind, result=result)


def test_training_base_both_tranches():
    events = [
        TB_NAMED,
        assessed("2025-12-15", "mid_term", "pass"),
        assessed("2027-06-10", "end_of_term", "pass"),
    ]
    rows = pay("training_base", events, "2027-12-31")
    assert [(p.date, p.kind, p.payee, p.amount, p.period) for p in rows] == [
        (date(2025, 12, 15), "first_tranche", "unit", Decimal("100000.00"), "once"),
        (date(2027, 6, 10), "second_tranche", "unit", Decimal("100000.00"), "once"),
    ]


def test_training_base_failed_mid_term_stops_all_funding():
    events = [
        TB_NAMED,
        assessed("2025-12-15", "mid_term", "fail"),
        assessed("2027-06-10", "end_of_term", "pass"),
    ]
    assert pay("training_base", events, "2027-12-31") == []
    assert status("training_base", events, "2026-01-01") == ("held", "stopped")


def test_training_base_mid_term_failed_then_passed_pays_nothing_more():
    events = [
        TB_NAMED,
        assessed("2025-12-15", "mid_term", "fail"),
        assessed("2026-02-15", "mid_term", "pass"),
        assessed("2027-06-10", "end_of_term", "pass"),
    ]
    assert pay("training_base", events, "2027-12-31") == []


def test_training_base_end_of_term_fail_keeps_the_first_tranche_only():
    events = [
        TB_NAMED,
        assessed("2025-12-15", "mid_term", "pass"),
        assessed("2027-06-10", "end_of_term", "fail"),
    ]
    rows = pay("training_base", events, "2027-12-31")
    assert [p.kind for p in rows] == ["first_tranche"]


def test_training_base_no_second_tranche_without_a_mid_term_pass():
    events = [TB_NAMED, assessed("2027-06-10", "end_of_term", "pass")]
    assert pay("training_base", events, "2027-12-31") == []


def test_training_base_before_any_assessment():
    assert pay("training_base", [TB_NAMED], "2025-06-30") == []
    assert status("training_base", [TB_NAMED], "2025-06-30") == ("held", "paying")
    assert status("training_base", [TB_NAMED], "2024-06-25") == ("held", "not_started")


def test_a_tranche_is_paid_once():
    events = [
        TB_NAMED,
        assessed("2025-12-15", "mid_term", "pass"),
        assessed("2026-01-15", "mid_term", "pass"),
    ]
    assert periods(pay("training_base", events, "2027-12-31")) == ["once"]


# --- the craftsman: a title, no scheduled money ----------------------------------------------


def test_craftsman_title_held_nothing_scheduled():
    events = [ev("2024-11-20", "named")]
    assert pay("craftsman", events, "2025-12-31") == []
    assert status("craftsman", events, "2025-12-31") == ("held", "completed")
    assert status("craftsman", events, "2040-01-01")[0] == "held"


def test_nothing_before_naming():
    events = [ev("2024-09-27", "publicity_start"), ev("2024-10-08", "objection", upheld=True)]
    assert pay("songjiang", events, "2025-12-31") == []
    assert status("songjiang", events, "2025-12-31") == ("none", "not_started")
    assert due("songjiang", events) == []


def test_before_the_term_starts_benefits_have_not_started():
    assert status("songjiang", [SJ_NAMED], "2024-12-15") == ("held", "not_started")
    assert status("songjiang", [SJ_NAMED], "2025-01-01") == ("held", "paying")


# --- assessments falling due ---------------------------------------------------------------


def test_songjiang_mid_term_and_end_of_term_fall_due():
    rows = due("songjiang", [SJ_NAMED])
    assert [(a.code, a.kind, a.due, a.organiser, a.result) for a in rows] == [
        ("mid_term", "mid_term", date(2026, 6, 30), "industry_authority", None),
        ("end_of_term", "end_of_term", date(2027, 12, 31), "district_office", None),
    ]
    assert due("songjiang", [SJ_NAMED], until="2026-12-31")[-1].code == "mid_term"


def test_a_recorded_assessment_fills_the_nearest_due_date():
    events = [SJ_NAMED, ev("2026-07-20", "assessment", kind="mid_term", result="pass")]
    rows = due("songjiang", events, until="2026-12-31")
    assert [(a.due, a.result, a.decided_on) for a in rows] == [
        (date(2026, 6, 30), "pass", date(2026, 7, 20))
    ]
    # before it is decided it is listed without a result
    assert due("songjiang", events, until="2026-07-19")[0].result is None


def test_an_assessment_decided_early_is_listed_with_its_result():
    events = [TB_NAMED, assessed("2025-12-15", "mid_term", "pass")]
    rows = due("training_base", events, until="2025-12-20")
    assert [(a.code, a.due, a.result) for a in rows] == [("mid_term", date(2025, 12, 31), "pass")]


def test_year_end_assessments_within_the_term():
    rows = due("qingpu", [QP_NAMED])
    assert [(a.code, a.due) for a in rows] == [
        ("annual", date(2021, 12, 31)),
        ("annual", date(2022, 12, 31)),
        ("annual", date(2023, 12, 31)),
        ("end_of_term", date(2024, 6, 30)),
    ]


def test_the_last_of_several_results_decides_a_due_date():
    events = [QP_NAMED, annual("2021-12-10", "fail"), annual("2021-12-28", "pass")]
    rows = due("qingpu", events, until="2021-12-31")
    assert [(a.due, a.result, a.decided_on) for a in rows] == [
        (date(2021, 12, 31), "pass", date(2021, 12, 28))
    ]


def test_no_more_assessments_fall_due_after_suspension_or_revocation():
    events = [SJ_NAMED, ev("2026-01-15", "suspended", reason="violation")]
    assert due("songjiang", events) == []
    events = [
        SJ_NAMED,
        ev("2026-06-10", "assessment", kind="mid_term", result="pass"),
        ev("2026-09-01", "revoked", reason="violation"),
    ]
    assert [(a.code, a.result) for a in due("songjiang", events)] == [("mid_term", "pass")]


def test_leaving_the_post_with_the_title_kept_leaves_assessments_due():
    events = [SZ_NAMED, ev("2024-03-15", "left_post")]
    assert [a.due for a in due("shizhong", events) if a.code == "end_of_term"] == [
        date(2025, 12, 31)
    ]


def test_assessment_schedule_defaults_to_the_scenario_adjustments():
    benefits, assessments, _ = RULES["songjiang"]
    events = [SJ_NAMED, ev("2026-01-15", "revoked", reason="violation")]
    assert assessment_schedule(benefits, assessments, events) == []


# --- the payment run's views ---------------------------------------------------------------


def test_payments_in_a_month_for_the_payment_run():
    events = [SJ_NAMED, ev("2025-06-10", "studio_established", level="city")]
    rows = payments_in_month(*RULES["songjiang"], events, month="2025-06")
    assert [(p.date, p.kind, p.period) for p in rows] == [
        (date(2025, 6, 1), "monthly_allowance", "2025-06"),
        (date(2025, 6, 10), "studio_grant", "once"),
    ]
    january = payments_in_month(*RULES["shizhong"], [SZ_NAMED], month="2026-01")
    assert [(p.period, p.amount) for p in january] == [("2025", Decimal("2400.00"))]
    assert payments_in_month(*RULES["shizhong"], [SZ_NAMED], month="2026-02") == []


def test_payments_of_one_ledger_period():
    rows = payments_for_period(
        *RULES["shizhong"], [SZ_NAMED], period="2023", until=date(2030, 1, 1)
    )
    assert [(p.date, p.amount) for p in rows] == [(date(2024, 1, 1), Decimal("2400.00"))]
    rows = payments_for_period(
        *RULES["shizhong"], [SZ_NAMED], period="2023", until=date(2023, 12, 31)
    )
    assert rows == []


# --- properties ----------------------------------------------------------------------------

DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
MONEY = st.decimals(min_value=Decimal("1"), max_value=Decimal("99999"), places=2)


@st.composite
def rule_sets(draw):
    """A rule set with every schedule kind, drawn amounts, term and caps."""
    data = {
        "benefits": {
            "term_months": draw(st.integers(1, 60)),
            "source": "x",
            "no_double_benefit": {"comparable": ["other_a", "other_b"], "source": "x"},
            "stops_on_other_title": {"titles": ["city_chief_technician"], "source": "x"},
            "schedules": [
                monthly(amount=str(draw(MONEY))),
                {
                    **SHIZHONG["benefits"]["schedules"][0],
                    "amount": str(draw(MONEY)),
                    "pay_month": draw(st.integers(1, 12)),
                },
                {
                    **QINGPU["benefits"]["schedules"][0],
                    "at": draw(st.sampled_from(["naming", "term_start"])),
                },
                {
                    **SONGJIANG["benefits"]["schedules"][1],
                    "max_times": draw(st.integers(1, 3)),
                    "within_term": draw(st.booleans()),
                },
                {
                    **QINGPU["benefits"]["schedules"][1],
                    "max_times": draw(st.integers(1, 4)),
                },
                {**TRAINING_BASE["benefits"]["schedules"][0], "assessment": "annual"},
                {
                    **TRAINING_BASE["benefits"]["schedules"][1],
                    "requires": [{"assessment": "annual", "results": ["pass"]}],
                },
            ],
        },
        "assessments": [
            {
                **QINGPU["assessments"][0],
                "effects": {
                    "fail": [
                        draw(
                            st.sampled_from(
                                ["cancel_funding", "stop_benefits", "revoke_title", "none"]
                            )
                        )
                    ]
                },
                "rectification": draw(st.booleans()),
            },
            {**SONGJIANG["assessments"][1], "effects": {}},
            {**SHIZHONG["assessments"][1], "results": ["pass", "fail"]},
        ],
        "adjustments": {
            "left_post": {
                "title": "held",
                "benefits": draw(st.sampled_from(["stop_next_month", "none"])),
                "source": "x",
            }
        },
    }
    return parse(data)


@st.composite
def award_events(draw):
    named = draw(DAYS)
    events = [AwardEvent(named, "named")]
    for _ in range(draw(st.integers(0, 8))):
        # mostly during the term, some before naming and some after the term
        when = named + timedelta(days=draw(st.integers(-90, 6 * 366)))
        kind = draw(
            st.sampled_from(
                [
                    "assessment",
                    "assessment",
                    "assessment",
                    "studio_established",
                    "other_benefit",
                    "other_title",
                    "suspended",
                    "revoked",
                    "left_post",
                ]
            )
        )
        if kind == "assessment":
            code = draw(st.sampled_from(["annual", "mid_term", "end_of_term"]))
            event = AwardEvent(
                when,
                kind,
                assessment=code,
                result=draw(st.sampled_from(["pass", "fail"])),
                after_rectification=draw(st.booleans()),
            )
        elif kind == "studio_established":
            event = AwardEvent(when, kind, level=draw(st.sampled_from(["city", "district"])))
        elif kind == "other_benefit":
            event = AwardEvent(
                when,
                kind,
                name=draw(st.sampled_from(["other_a", "not_comparable"])),
                monthly_amount=draw(MONEY),
            )
        elif kind == "other_title":
            event = AwardEvent(
                when, kind, name=draw(st.sampled_from(["city_chief_technician", "other"]))
            )
        else:
            event = AwardEvent(when, kind, reason="x")
        events.append(event)
    return sorted(events, key=lambda e: e.date)


@settings(max_examples=150, deadline=None)
@given(rule_sets(), award_events(), DAYS, DAYS)
def test_payments_up_to_a_later_date_extend_those_up_to_an_earlier_one(rules, events, a, b):
    early, late = sorted((a, b))
    before = payments_due(*rules, events, until=early)
    after = payments_due(*rules, events, until=late)
    assert after[: len(before)] == before
    assert all(p.date > early for p in after[len(before) :])
    # and events after a date change nothing up to it
    known = [e for e in events if e.date <= early]
    assert payments_due(*rules, known, until=early) == before


@settings(max_examples=150, deadline=None)
@given(rule_sets(), award_events())
def test_payment_invariants(rules, events):
    benefits, assessments, adjustments = rules
    rows = payments_due(benefits, assessments, adjustments, events, until=date(2040, 1, 1))
    # one ledger row per kind and period, in date order, money with two places
    assert len({(p.kind, p.period) for p in rows}) == len(rows)
    assert rows == sorted(rows, key=lambda p: (p.date, p.kind, p.period))
    for p in rows:
        assert p.amount > 0 and p.amount.as_tuple().exponent == -2
        assert p.payee in ("person", "unit")
    named = next(e for e in events if e.kind == "named")
    start, end = term(benefits, named.date)
    by_kind = {}
    for p in rows:
        by_kind.setdefault(p.kind, []).append(p)
    months = by_kind.get("monthly_allowance", [])
    assert len(months) <= benefits.term_months
    for p in months:
        assert p.date.day == 1 and start <= p.date <= end
        assert p.period == p.date.strftime("%Y-%m")
    arrears = by_kind.get("district_allowance", [])
    rate = benefits.schedule("district_allowance").amount
    assert sum(p.amount for p in arrears) <= rate * benefits.term_months
    for p in arrears:
        assert int(p.period) == p.date.year - 1
    leader = by_kind.get("leader_allowance", [])
    assert len(leader) <= benefits.schedule("leader_allowance").max_times
    studio = by_kind.get("studio_grant", [])
    assert len(studio) <= benefits.schedule("studio_grant").max_times
    assert len(by_kind.get("unit_grant", [])) <= 1
    assert len(by_kind.get("first_tranche", [])) <= 1
    # the payment run's month-by-month view gives the same rows
    by_month = []
    if rows:
        month = rows[0].date.replace(day=1)
        while month <= rows[-1].date:
            by_month += payments_in_month(
                benefits, assessments, adjustments, events, month=month.strftime("%Y-%m")
            )
            month = (month + timedelta(days=32)).replace(day=1)
    assert by_month == rows


@settings(max_examples=100, deadline=None)
@given(rule_sets(), award_events(), DAYS)
def test_status_values_and_stops(rules, events, on):
    benefits, assessments, adjustments = rules
    state = award_state(benefits, assessments, adjustments, events, on=on)
    assert state.title in ("held", "suspended", "revoked", "expired", "none")
    assert state.benefits in ("not_started", "paying", "stopped", "completed")
    if state.title == "none":
        assert state.benefits == "not_started"
    stopped = min(
        (d for d in (state.benefits_stopped_on, state.funding_cancelled_on) if d), default=None
    )
    if stopped is not None:
        assert state.benefits == "stopped"
        # nothing dated on or after a stop is paid, except arrears earned before it
        rows = payments_due(benefits, assessments, adjustments, events, until=date(2040, 1, 1))
        for p in rows:
            if p.date >= stopped:
                assert p.kind == "district_allowance"
                assert date(int(p.period), 1, 1) < stopped


@settings(max_examples=100, deadline=None)
@given(rule_sets(), award_events(), DAYS)
def test_assessments_listed_are_sorted_and_within_limits(rules, events, until):
    benefits, assessments, adjustments = rules
    rows = assessment_schedule(benefits, assessments, events, until=until, adjustments=adjustments)
    assert rows == sorted(rows, key=lambda a: (a.due, a.code))
    assert len({(a.code, a.due) for a in rows}) == len(rows)
    for a in rows:
        assert a.due <= until or a.result is not None
        assert (a.result is None) == (a.decided_on is None)
        assert a.decided_on is None or a.decided_on <= until


# --- the rule-set files, when they exist ---------------------------------------------------

RULESET_FILES = sorted((ROOT / "fixtures" / "programmes").glob("*.yaml"))


@pytest.mark.skipif(not RULESET_FILES, reason="no rule-set files yet")
@pytest.mark.parametrize("path", RULESET_FILES, ids=[p.stem for p in RULESET_FILES])
def test_rule_set_files_have_valid_benefits_sections(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    benefits = BenefitRules.model_validate(data["benefits"])
    assessments = ASSESSMENTS.validate_python(data.get("assessments") or [])
    AdjustmentRules.model_validate(data.get("adjustments") or {})
    assert check_references(benefits, assessments) == []
