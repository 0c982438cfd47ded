"""Issue 14, property: random facts recorded with random delays against months already run.

For each of the five programmes, hypothesis draws an award's naming date and a handful of facts
the rule set can take (assessments with any of their results, studios, other benefits and
titles, suspensions, revocations, leaving the post), each recorded 1 to 18 months after its
date. The months are run as beat runs them (the monthly run on the 1st, the annual run in
January), the facts recorded through the services when their delay is up. After every run:
`audit_ledger`'s comparison finds no unexplained difference, and the ledger's payments minus its
recovery claims (pending, confirmed and approved alike) equal the total `simulate` lists for
the same facts (the award's `award_scenario` file) up to the same day.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import yaml
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programmes.benefit_rules import AdjustmentRules
from programmes.selectors import working_day_calendar
from programmes.simulation import parse_scenario, simulate
from subsidies import ledger, scenario_export, services
from subsidies.models import Payment

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

PROGRAMMES = [
    "songjiang-chief-technician",
    "qingpu-chief-technician-subsidy",
    "songjiang-training-base",
    "shanghai-craftsman",
    "shizhong-chief-technician",
]
LAST_MONTH = date(2026, 11, 1)  # the services refuse facts dated after today


def _add_months(first: date, months: int) -> date:
    years, month0 = divmod(first.month - 1 + months, 12)
    return date(first.year + years, month0 + 1, 1)


def _fact(ruleset, named_on: date, span_days: int):
    """A strategy of (kind, date, fields, delay in months) the rule set accepts."""
    options = []
    for rule in ruleset.assessments:
        options.append(
            st.tuples(
                st.just("assessment"),
                st.fixed_dictionaries(
                    {
                        "code": st.just(rule.code),
                        "result": st.sampled_from(rule.results),
                        "unit_at_fault": st.booleans(),
                        "after_rectification": st.booleans(),
                    }
                ),
            )
        )
    options.append(
        st.tuples(
            st.just("studio"),
            st.fixed_dictionaries({"level": st.sampled_from(["city", "district"])}),
        )
    )
    names = list(services.OTHER_BENEFITS)
    if ruleset.benefits.no_double_benefit is not None:
        names = [*ruleset.benefits.no_double_benefit.comparable, *names]
    options.append(
        st.tuples(
            st.just("other_benefit"),
            st.fixed_dictionaries(
                {
                    "name": st.sampled_from(names),
                    "monthly_amount": st.sampled_from(["150.00", "200.00", "1000.00", "2500.00"]),
                }
            ),
        )
    )
    options.append(
        st.tuples(
            st.just("other_title"),
            st.fixed_dictionaries({"name": st.just("city_chief_technician")}),
        )
    )
    for kind in ("suspended", "revoked", "left_post"):
        reasons = list((ruleset.adjustments or AdjustmentRules()).rule_for(kind).reasons)
        options.append(
            st.tuples(
                st.just(kind),
                st.fixed_dictionaries({"reason": st.sampled_from(reasons or ["other"])}),
            )
        )
    return st.tuples(
        st.one_of(options),
        st.integers(min_value=-60, max_value=span_days),  # before the naming: other benefits only
        st.integers(min_value=1, max_value=18),
    )


def _record(award, kind: str, on: date, fields: dict, by) -> None:
    if kind == "assessment":
        services.record_assessment(award=award, on=on, by=by, **fields)
    elif kind == "studio":
        services.record_studio(award=award, on=on, by=by, **fields)
    elif kind == "other_benefit":
        services.record_other_benefit(award=award, on=on, by=by, **fields)
    elif kind == "other_title":
        services.record_other_title(award=award, on=on, by=by, **fields)
    else:
        services.adjust_award(
            award=award, kind=kind, reason=fields["reason"], on=on, by=by, note="性质测试"
        )


def _check(award) -> None:
    audit = ledger.audit_award(award)
    assert audit.unexplained == [], audit.unexplained
    held = sum(Payment.objects.filter(award=award).values_list("amount", flat=True), Decimal(0))
    assert held == audit.net
    data = scenario_export.scenario_of(award)
    scenario = parse_scenario(yaml.safe_load(yaml.safe_dump(data, allow_unicode=True)))
    version = award.ruleset_version
    result = simulate(scenario, version.ruleset, working_day_calendar(), version=version.number)
    assert held == sum((Decimal(p["amount"]) for p in result["payments"]), Decimal(0))


@pytest.mark.parametrize("code", PROGRAMMES)
def test_the_ledger_follows_facts_recorded_late(code, versions, award_for, persona):
    ruleset = versions[code].ruleset
    office = persona("chen_office")
    term = ruleset.benefits.term_months or 6
    # the naming early enough that the term and its arrears lie in months already past
    latest = _add_months(LAST_MONTH, -(term + 13))

    @settings(
        max_examples=5,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        derandomize=True,
    )
    @given(
        named_on=st.dates(min_value=_add_months(latest, -24), max_value=latest),
        facts=st.lists(_fact(ruleset, latest, (term + 13) * 30), min_size=1, max_size=5),
    )
    def run(named_on, facts):
        with transaction.atomic():
            award = award_for(code, named_on)
            end = min(_add_months(named_on.replace(day=1), term + 13), LAST_MONTH)
            pending = []
            for (kind, fields), offset, delay in facts:
                on = named_on + timedelta(days=offset)
                if on < named_on and kind != "other_benefit":
                    on = named_on
                record_on = _add_months(on.replace(day=1), delay)
                pending.append((min(record_on, end), on, kind, fields))
            pending.sort(key=lambda p: p[0])
            month = _add_months(named_on.replace(day=1), 1)
            while month <= end:
                while pending and pending[0][0] <= month:
                    _record_on, on, kind, fields = pending.pop(0)
                    if on <= month:
                        _record(award, kind, on, fields, office)
                        _check(award)
                services.run_payments(period=month.strftime("%Y-%m"))
                if month.month == 1:
                    services.run_annual(year=month.year)
                _check(award)
                month = _add_months(month, 1)
            for _record_on, on, kind, fields in pending:
                if on <= end:
                    _record(award, kind, on, fields, office)
                    _check(award)
            transaction.set_rollback(True)

    run()
