"""An award's recorded facts as a scenario file (`manage.py award_scenario`, ../shared/SCENARIOS.md).

The naming and every fact the schedule functions read, in date order, and `until` the last day
the payment runs have covered for every run kind the programme uses, so `simulate` lists the
payments the ledger holds up to that day, net of its recovery claims.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from applications.declaration import facts_from_data
from programmes.facts import parse_facts
from subsidies import ledger
from subsidies.models import Award, PaymentRun


def covered_until(award: Award) -> date:
    """The last day every run kind the award's schedules use has covered.

    The day before the naming when a kind has never run: nothing is covered yet.
    """
    ruleset = award.ruleset_version.ruleset
    kinds = {ledger.run_kind_of(ruleset, s.code) for s in ruleset.benefits.schedules} or {
        PaymentRun.Kind.MONTHLY
    }
    limits = [ledger.started_until(kind) for kind in kinds]
    if any(limit is None for limit in limits):
        return award.named_on - timedelta(days=1)
    return min(limits)


def _plain(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def _applicant(award: Award) -> dict:
    """The facts stated on the declaration (empty for an award made without one)."""
    application = award.application
    if application is None:
        return {}
    # Declaration reading lives in applications (a lower layer): imported where it is needed.

    facts = facts_from_data(award.ruleset_version.ruleset, application.data, unit=award.unit)
    try:
        parse_facts(facts)
    except ValueError:
        return {}
    return {k: _plain(v) for k, v in facts.items()}


def scenario_of(award: Award) -> dict:
    """The scenario (as YAML-ready data) of the award's recorded facts."""
    version = award.ruleset_version
    rows = [
        row
        for row in award.events.order_by("date", "pk")
        if row.kind in ledger.SCHEDULE_EVENT_KINDS
    ]
    events = [
        {
            "date": row.date.isoformat(),
            "event": row.kind,
            **{k: _plain(v) for k, v in row.fields.items()},
        }
        for row in rows
    ]
    events.insert(
        0,
        {
            "date": award.named_on.isoformat(),
            "event": "named",
            "document_number": award.document_number,
        },
    )
    events.sort(key=lambda e: (e["date"], e["event"] != "named"))  # stable: as recorded
    first = min([award.named_on, *(row.date for row in rows)])
    return {
        "description": f"待遇 {award.pk} {award.name} 已记录的情况（manage.py award_scenario 生成）",
        "programme": version.programme.code,
        "version": version.number,
        "applied_on": first.isoformat(),
        "applicant": _applicant(award),
        "events": events,
        "until": covered_until(award).isoformat(),
    }
