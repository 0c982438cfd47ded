"""The live ledger, run month by month with the facts recorded as they happen, equals `simulate`.

Every scenario file with a naming (fixtures/scenarios) is replayed: the award is named, each
month's run is made on its first day (the annual run in January), and each fact is recorded
through the services on its date (a fact dated the 1st before that day's run). What the facts
make due in a month already run is inserted by the recording service. At the end the ledger up
to the scenario's `until` is exactly the payments `manage.py simulate` lists.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.utils import timezone

from programmes.selectors import working_day_calendar
from programmes.simulation import parse_scenario, simulate
from subsidies import services
from subsidies.models import Award, Payment

pytestmark = pytest.mark.django_db

SCENARIO_DIR = Path(settings.BASE_DIR) / "fixtures" / "scenarios"
TODAY = date.today()


def _replayable(path: Path) -> bool:
    data = yaml.safe_load(path.read_text())
    events = data.get("events") or []
    if not any(e["event"] == "named" for e in events):
        return False
    if any(e["event"] == "objection" and e.get("upheld") for e in events):
        return False
    return all(date.fromisoformat(str(e["date"])) <= TODAY for e in events)


SCENARIOS = sorted(p for p in SCENARIO_DIR.glob("*.yaml") if _replayable(p))


def _next_month(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1)


def _record(award: Award, event, by) -> None:
    fields = event.fields
    ruleset = award.ruleset_version.ruleset
    if event.event == "assessment":
        code = fields.get("code")
        if code is None:
            matching = [a for a in ruleset.assessments if a.code == fields["kind"]] or [
                a for a in ruleset.assessments if a.kind == fields["kind"]
            ]
            code = matching[0].code
        services.record_assessment(
            award=award,
            code=code,
            result=fields["result"],
            on=event.date,
            by=by,
            unit_at_fault=fields.get("unit_at_fault", False),
            after_rectification=fields.get("after_rectification", False),
        )
    elif event.event == "studio_established":
        services.record_studio(award=award, level=fields["level"], on=event.date, by=by)
    elif event.event == "other_benefit":
        services.record_other_benefit(
            award=award,
            name=fields["name"],
            monthly_amount=str(fields["monthly_amount"]),
            on=event.date,
            by=by,
        )
    elif event.event == "other_title":
        services.record_other_title(award=award, name=fields["name"], on=event.date, by=by)
    elif event.event in ("suspended", "revoked", "left_post"):
        reasons = services.adjustment_reasons(award, event.event)
        reason = fields.get("reason")
        if reasons and reason not in reasons:
            reason = next(iter(reasons))
        services.adjust_award(
            award=award,
            kind=event.event,
            reason=reason or "",
            on=event.date,
            by=by,
            note="情景回放",
        )


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_the_ledger_equals_simulate(path, versions, award_for, persona):
    scenario = parse_scenario(yaml.safe_load(path.read_text()))
    version = versions[scenario.programme]
    expected = simulate(scenario, version.ruleset, working_day_calendar(), version=version.number)
    office = persona("chen_office")
    named = next(e for e in scenario.events if e.event == "named")
    award = award_for(scenario.programme, named.date)
    pending = [
        e for e in scenario.events if e.event not in ("named", "publicity_start", "objection")
    ]
    month = named.date.replace(day=1)
    last = scenario.until.replace(day=1)
    while month <= last:
        while pending and pending[0].date <= month:
            _record(award, pending.pop(0), office)
        services.run_payments(period=month.strftime("%Y-%m"))
        if month.month == 1:
            services.run_annual(year=month.year)
        following = _next_month(month)
        while pending and pending[0].date < following:
            _record(award, pending.pop(0), office)
        month = following

    rows = Payment.objects.filter(award=award, due_on__lte=scenario.until).order_by(
        "due_on", "kind", "period"
    )
    ledger = [
        {
            "date": p.due_on.isoformat(),
            "period": p.period,
            "payee": p.payee,
            "kind": p.kind,
            "amount": f"{p.amount:.2f}",
            "funding": p.funding,
        }
        for p in rows
    ]
    assert ledger == expected["payments"]
    assessments = [
        {"kind": a.kind, "due": a.due_on.isoformat(), "result": a.result or None}
        for a in award.assessments.filter(active=True).order_by("due_on", "code")
        if a.due_on <= scenario.until or a.result
    ]
    assert assessments == expected["assessments"]
    if scenario.until <= timezone.localdate():
        award.refresh_from_db()
        assert award.title in {expected["title"], "held" if expected["title"] == "expired" else ""}


def test_there_are_scenarios_of_every_programme_with_payments():
    programmes = {yaml.safe_load(p.read_text())["programme"] for p in SCENARIOS}
    assert {
        "songjiang-chief-technician",
        "qingpu-chief-technician-subsidy",
        "songjiang-training-base",
        "shizhong-chief-technician",
    } <= programmes
