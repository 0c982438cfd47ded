"""Naming creates the award through the handler subsidies registers (reviews.hooks.on_named):
inside the naming transaction, so a failing award rolls the naming back; with no handler
registered naming refuses before it changes anything (an application named without its award
would never be paid, unnoticed)."""

from __future__ import annotations

from datetime import date

import pytest

from applications.models import Application, ApplicationEvent
from reviews import hooks, services, workflow
from reviews.models import Naming
from reviews.permissions import route_of
from subsidies import services as subsidies_services
from subsidies.models import Award

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(make_round, make_application, persona):
    """An application approved at the naming stage, its earlier stages recorded as passed."""
    round_ = make_round("songjiang-chief-technician")
    application = make_application(round_, stage="street_review")
    ruleset = application.round.version.ruleset
    path = workflow.path(ruleset.workflow, route_of(application))
    naming = next(s for s in path if s.kind == "naming")
    for stage in path:
        if stage.kind not in ("nomination", "naming"):
            ApplicationEvent.objects.create(
                application=application,
                actor=persona("chen_office"),
                action="passed",
                from_stage=stage.code,
                to_stage=stage.code,
            )
    application.stage = naming.code
    application.status = Application.Status.APPROVED
    application.save(update_fields=["stage", "status"])
    return round_, application


def _name(round_, by):
    return services.name_candidates(
        round_=round_, document_number="沪松人社〔2026〕88号", named_on=date(2026, 6, 1), by=by
    )


def test_subsidies_registers_create_award():
    assert subsidies_services.create_award in hooks.named_handlers()


def test_naming_creates_the_award(approved, persona):
    round_, application = approved
    naming = _name(round_, persona("chen_office"))
    application.refresh_from_db()
    assert application.status == Application.Status.NAMED
    assert list(naming.applications.all()) == [application]
    award = Award.objects.get(application=application)
    assert award.document_number == "沪松人社〔2026〕88号"


def test_a_failing_award_rolls_the_naming_back(approved, persona, monkeypatch):
    round_, application = approved

    def broken(**kwargs):
        raise RuntimeError("award refused")

    monkeypatch.setattr(hooks, "_named", [broken])
    with pytest.raises(RuntimeError):
        _name(round_, persona("chen_office"))
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert not Naming.objects.exists()
    assert not application.events.filter(action="named").exists()


def test_without_a_handler_naming_refuses_and_changes_nothing(approved, persona, monkeypatch):
    round_, application = approved
    monkeypatch.setattr(hooks, "_named", [])
    with pytest.raises(hooks.NoNamingHandler):
        _name(round_, persona("chen_office"))
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert not Naming.objects.exists()
    assert not Award.objects.filter(application=application).exists()


def test_registering_twice_keeps_one(monkeypatch):
    monkeypatch.setattr(hooks, "_named", [])
    hooks.on_named(subsidies_services.create_award)
    hooks.on_named(subsidies_services.create_award)
    assert hooks.named_handlers() == [subsidies_services.create_award]
