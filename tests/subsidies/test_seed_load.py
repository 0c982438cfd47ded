"""`manage.py seed_load`: the load-test data set, placed by the gate, consistent by the
project's own checks (`audit_ledger`), refused on a database already seeded."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command

from applications import gate
from applications.models import Application, ApplicationEvent, ApplicationVersion
from reviews.models import ScoreSheet
from subsidies.load_data import PREFIX, seeded_applications
from subsidies.models import Award, Payment

N = 60
TODAY = date(2026, 11, 20)


@pytest.fixture
def seeded(db):
    out = io.StringIO()
    call_command("seed_load", applications=N, seed=7, today=TODAY, stdout=out)
    return out.getvalue()


def test_the_data_set_spreads_over_programmes_stages_and_states(seeded):
    apps = seeded_applications()
    assert apps.count() == N
    statuses = Counter(apps.values_list("status", flat=True))
    assert {"draft", "in_review", "named", "rejected"} <= set(statuses), statuses
    assert len(set(apps.values_list("round__version__programme__code", flat=True))) == 6
    assert apps.values("stage").distinct().count() >= 10
    assert 0.05 <= statuses["named"] / N <= 0.2
    submitted = apps.exclude(status="draft")
    assert ApplicationVersion.objects.filter(application__in=submitted).count() == submitted.count()
    # every submitted application's trail ends where it stands
    for app in submitted.only("pk", "stage"):
        last = ApplicationEvent.objects.filter(application=app).order_by("at", "id").last()
        assert last.to_stage == app.stage
    assert Award.objects.filter(application__in=apps).count() == statuses["named"]
    assert ScoreSheet.objects.filter(assignment__application__in=apps).exists()
    assert Payment.objects.filter(award__application__in=apps).exists()
    assert "申报 60 条" in seeded


def test_the_seeded_ledger_passes_the_audit(seeded):
    out = io.StringIO()
    call_command("audit_ledger", stdout=out)  # exit 1 (SystemExit) on any unexplained difference
    assert Award.objects.filter(application__applicant__username__startswith=PREFIX).exists()


def test_a_second_seed_is_refused_and_changes_nothing(seeded):
    before = Application.objects.count()
    with pytest.raises(CommandError, match="已有压测数据"):
        call_command("seed_load", applications=N, stdout=io.StringIO())
    assert Application.objects.count() == before


def test_the_gate_refuses_a_place_the_workflow_cannot_reach(seeded):
    app = seeded_applications().filter(status="in_review").select_related("round__version").first()
    ruleset = app.round.version.ruleset
    trail = tuple(
        (e.to_stage, e.at)
        for e in ApplicationEvent.objects.filter(application=app).order_by("at", "id")
    )
    fine = gate.Placement(status="in_review", stage=app.stage, trail=trail)
    assert gate.placement_problem(app, fine, ruleset) is None
    naming = next(s.code for s in ruleset.workflow.stages if s.kind == "naming")
    at = trail[-1][1] + timedelta(days=1)
    for wrong in (
        gate.Placement(status="approved", stage=app.stage, trail=trail),  # not at naming
        gate.Placement(status="in_review", stage=naming, trail=(*trail, (naming, at))),  # skips
        gate.Placement(status="in_review", stage="nowhere", trail=trail),
        gate.Placement(status="nomination", stage=app.stage, trail=trail),
        gate.Placement(status="draft", stage=app.stage, trail=trail),
    ):
        assert gate.placement_problem(app, wrong, ruleset), wrong
    copy = Application(round=app.round, applicant=app.applicant, unit=app.unit, channel=app.channel)
    with pytest.raises(gate.GateRefused):
        gate.bulk_place(
            [copy],
            [gate.Placement(status="approved", stage=app.stage, trail=trail)],
            rulesets={app.round_id: ruleset},
        )
    assert copy.pk is None
