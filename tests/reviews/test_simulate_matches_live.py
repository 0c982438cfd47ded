"""Every scenario file, run through `simulate` and through a real database application with the
same facts and events, gives the same path, the same deadlines and the same checks.

The application's form data is written from the scenario's facts (each form field that fills a
fact), its unit has the scenario's `unit_kind` and `has_competent_department`; the live side is
the pre-check, reviews.permissions.route_of with the workflow engine, and the office's
start_publicity (or the unit's internal-publicity check). For every scenario with a naming, the
same application is named (subsidies.services.create_award) and its facts are recorded through
the ledger's services month by month, as tests/subsidies/test_ledger_matches_simulate.py
replays them (its recording step is reused, not written twice); the ledger equals the payments.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.utils import timezone

from applications import services as application_services
from applications.declaration import UNIT_KIND_FACT
from applications.models import Application
from portal.models import Department, Region, Unit
from programmes import paths
from programmes.models import Round
from programmes.selectors import working_day_calendar
from programmes.simulation import parse_scenario, simulate
from reviews import services, workflow
from reviews.permissions import route_of

SCENARIOS = sorted((Path(settings.BASE_DIR) / "fixtures" / "scenarios").glob("*.yaml"))
FACT_UNIT_KIND = {fact: kind for kind, fact in UNIT_KIND_FACT.items()}
DISTRICT_OF = {
    "songjiang-chief-technician": "songjiang",
    "songjiang-training-base": "songjiang",
    "qingpu-chief-technician-subsidy": "qingpu",
    "qingpu-chief-technician-additional-funding": "qingpu",
    "shizhong-chief-technician": "shizhong",
    "shanghai-craftsman": "songjiang",
}
_credit = itertools.count(1)


def data_from_facts(ruleset, facts) -> dict:
    """The form data that states `facts` (the inverse of declaration.facts_from_data)."""
    stated = facts.model_dump(exclude_none=True, mode="json")
    organisation = stated.pop("organisation", {}) or {}
    data: dict = {}
    for section in ruleset.form.sections:
        if section.kind == "table":
            codes = {c.code for c in section.columns}
            if section.code == "awards" and {"awarded_on", "level", "kind"} <= codes:
                data[section.code] = [
                    {"awarded_on": a["date"], "level": a["level"], "kind": a["kind"]}
                    for a in stated.get("awards", [])
                ]
            continue
        values = {}
        for item in section.fields:
            if not item.fact:
                continue
            head, _sep, tail = item.fact.partition(".")
            source = organisation if head == "organisation" else stated
            key = tail if head == "organisation" else head
            if key in source:
                values[item.code] = source[key]
        if values:
            data[section.code] = values
    return data


def _unit(scenario) -> Unit | None:
    facts = scenario.applicant
    district = Region.objects.get(code=DISTRICT_OF[scenario.programme])
    street = Region.objects.filter(parent=district).order_by("code").first()
    kind_fact = facts.unit_kind or (facts.organisation.kind if facts.organisation else None)
    via = facts.has_competent_department
    if via is None and facts.organisation is not None:
        via = facts.organisation.via_competent_department
    if kind_fact is None and via is None:
        return None  # the facts name no unit: the application has none (a freelancer, say)
    department = None
    if via:
        department, _created = Department.objects.get_or_create(
            code=f"{district.code}-dept", defaults={"name": "主管部门", "district": district}
        )
    return Unit.objects.create(
        name=f"情景单位{next(_credit)}",
        credit_code=f"91310000{next(_credit):010d}",
        kind=FACT_UNIT_KIND.get(kind_fact or "enterprise", "enterprise"),
        tax_district=district,
        street=street,
        department=department,
    )


def _round(version, scenario, suffix=""):
    day = scenario.applied_on
    return Round.objects.create(
        version=version,
        name=f"情景批次{suffix}{next(_credit)}",
        year=day.year,
        opens_on=day - timedelta(days=30),
        closes_on=day + timedelta(days=30),
        status=Round.Status.OPEN,
    )


def _application(round_, scenario, unit, applicant, stage=None) -> Application:
    from applications.models import ApplicationVersion

    ruleset = round_.version.ruleset
    app = Application.objects.create(
        round=round_,
        applicant=applicant,
        unit=unit,
        channel=scenario.channel or ruleset.eligibility.channels[0].code,
        status=Application.Status.IN_REVIEW,
        data=data_from_facts(ruleset, scenario.applicant),
        street=unit.street if unit else None,
        department=unit.department if unit else None,
        submitted_at=timezone.now(),
    )
    ApplicationVersion.objects.create(
        application=app, number=1, data=app.data, ruleset_version=round_.version,
        submitted_at=app.submitted_at, submitted_by=applicant,
    )  # fmt: skip
    if stage:
        app.stage = stage
        app.save(update_fields=["stage"])
    return app


def _live_deadline(version, scenario, unit, applicant, event, path, admin) -> dict:
    stage = paths.publicity_stage(path, event.fields.get("stage"))
    if stage.kind == "publicity":
        round_ = _round(version, scenario, "公示")
        _application(round_, scenario, unit, applicant, stage=stage.code)
        publicity = services.start_publicity(
            round=round_, stage=stage.code, starts_on=event.date, by=admin
        )
        ends = publicity.ends_on
    else:  # the unit's internal publicity: the first day the gate lets it pass is the day after
        ends = _internal_end(version.ruleset, stage, event.date)
    return {"stage": stage.code, "starts": event.date.isoformat(), "ends": ends.isoformat()}


def _internal_end(ruleset, stage, starts):
    """The last day the live unit-side checks ask for: the shortest end both the unit's form
    (applications.services.publicity_long_enough) and the gate accept."""
    day = starts
    while application_services.publicity_long_enough(ruleset, starts, day) is not None:
        day += timedelta(days=1)
    if stage.days or stage.working_days:
        day = max(day, paths.publicity_end(stage, starts, working_day_calendar()))
    return day


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_simulate_and_the_live_portal_decide_alike(path, programmes, make_applicant, persona):
    scenario = parse_scenario(yaml.safe_load(path.read_text(encoding="utf-8")))
    version = programmes[scenario.programme]
    ruleset = version.ruleset
    expected = simulate(scenario, ruleset, working_day_calendar(), version=version.number)

    unit = _unit(scenario)
    applicant = make_applicant()
    app = _application(_round(version, scenario), scenario, unit, applicant)

    live_path = workflow.path(ruleset.workflow, route_of(app))
    assert [s.code for s in live_path] == [w["stage"] for w in expected["workflow"]]
    assert [paths.publicity_working_days(s) for s in live_path] == [
        w["working_days"] for w in expected["workflow"]
    ]

    live_checks = [
        (c.code, c.result, c.source)
        for c in application_services.precheck(app, on=scenario.applied_on)
    ]
    assert live_checks == [(c["code"], c["result"], c["source"]) for c in expected["checks"]]

    admin = persona("admin")
    live_deadlines = [
        _live_deadline(version, scenario, unit, applicant, event, live_path, admin)
        for event in scenario.events
        if event.event == "publicity_start"
    ]
    assert live_deadlines == expected["deadlines"]


def _replayable(path: Path) -> bool:
    events = yaml.safe_load(path.read_text(encoding="utf-8")).get("events") or []
    return (
        any(e["event"] == "named" for e in events)
        and not any(e["event"] == "objection" and e.get("upheld") for e in events)
        and all(str(e["date"]) <= timezone.localdate().isoformat() for e in events)
    )


NAMED = [p for p in SCENARIOS if _replayable(p)]


@pytest.mark.parametrize("path", NAMED, ids=[p.stem for p in NAMED])
def test_the_named_applications_ledger_equals_simulate(path, programmes, make_applicant, persona):
    # the money engineer's replay of recorded facts (tests/subsidies), reused as it is
    from subsidies import services as subsidies_services
    from subsidies.models import Payment
    from tests.subsidies.test_ledger_matches_simulate import _next_month, _record

    scenario = parse_scenario(yaml.safe_load(path.read_text(encoding="utf-8")))
    version = programmes[scenario.programme]
    expected = simulate(scenario, version.ruleset, working_day_calendar(), version=version.number)
    unit = _unit(scenario)
    app = _application(_round(version, scenario), scenario, unit, make_applicant())
    office = persona("admin")
    named = next(e for e in scenario.events if e.event == "named")
    award = subsidies_services.create_award(
        application=app, document_number="情景〔命名〕1号", named_on=named.date, by=office
    )
    pending = [
        e for e in scenario.events if e.event not in ("named", "publicity_start", "objection")
    ]
    month = named.date.replace(day=1)
    while month <= scenario.until.replace(day=1):
        while pending and pending[0].date <= month:
            _record(award, pending.pop(0), office)
        subsidies_services.run_payments(period=month.strftime("%Y-%m"))
        if month.month == 1:
            subsidies_services.run_annual(year=month.year)
        following = _next_month(month)
        while pending and pending[0].date < following:
            _record(award, pending.pop(0), office)
        month = following
    ledger = [
        {"date": p.due_on.isoformat(), "period": p.period, "payee": p.payee, "kind": p.kind,
         "amount": f"{p.amount:.2f}", "funding": p.funding}
        for p in Payment.objects.filter(award=award, due_on__lte=scenario.until).order_by(
            "due_on", "kind", "period"
        )
    ]  # fmt: skip
    assert ledger == expected["payments"]


def test_every_scenario_file_is_compared():
    assert len(SCENARIOS) >= 60
