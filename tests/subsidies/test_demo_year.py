"""`load_demo --year` (issue 17, item 8): a year's applications in every stage, through the
real services; deterministic and idempotent."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction

from applications.models import Application, ApplicationEvent
from programmes.models import Round
from reviews import workflow
from reviews.models import Assignment, Objection, Publicity, ScoreSheet
from subsidies.demo_year import PLANS, load_demo_year
from subsidies.models import Award, Payment

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

CHIEF = [plan.code for plan in PLANS]


class Rollback(Exception):
    pass


def fingerprint() -> list:
    """Everything a run makes, without primary keys (sequences do not roll back)."""
    apps = Application.objects.filter(applicant__username__startswith="demo_y").order_by(
        "applicant__username"
    )
    rows = [
        (
            a.applicant.username,
            a.applicant.real_name,
            a.applicant.id_number,
            a.unit.name if a.unit else "",
            a.street.code if a.street else "",
            a.status,
            a.stage,
        )
        for a in apps.select_related("applicant", "unit", "street")
    ]
    rows += sorted(
        (s.assignment.application.applicant.username, s.assignment.expert.username, str(s.total))
        for s in ScoreSheet.objects.select_related(
            "assignment__application__applicant", "assignment__expert"
        )
    )
    return rows


def test_the_demo_year(settings):
    call_command("load_demo", stdout=io.StringIO())
    # Deterministic: a first run, rolled back, makes what the second one makes.
    try:
        with transaction.atomic():
            load_demo_year(io.StringIO())
            first = fingerprint()
            raise Rollback
    except Rollback:
        pass
    assert not Application.objects.filter(applicant__username__startswith="demo_y").exists()
    load_demo_year(io.StringIO())
    assert fingerprint() == first

    for code in CHIEF:
        round_ = Round.objects.get(version__programme__code=code, name__contains="演示")
        ruleset = round_.version.ruleset
        kinds = {s.code: s.kind for s in ruleset.workflow.stages}
        apps = Application.objects.filter(round=round_, applicant__username__startswith="demo_y")
        assert 30 <= apps.count() <= 60, code
        # Across units and streets.
        assert apps.values("unit").distinct().count() >= 8, code
        assert apps.values("unit__street").distinct().count() >= 5, code
        statuses = Counter(apps.values_list("status", flat=True))
        for status in ("draft", "returned", "rejected", "in_review"):
            assert statuses[status] >= 1, (code, status)
        # Every stage of the workflow was reached (the open round's not yet at its last two).
        reached = set(
            ApplicationEvent.objects.filter(application__round=round_).values_list(
                "to_stage", flat=True
            )
        )
        missing = {code_ for code_ in kinds if code_ not in reached}
        if round_.status == Round.Status.OPEN:
            assert missing <= {"final_approval", "naming"}, (code, missing)
        else:
            assert not missing, (code, missing)
            assert statuses["named"] >= 1, code
        # Waiting now at several stages, the experts' one with sheets missing and complete.
        waiting = Counter(kinds[a.stage] for a in apps.filter(status=Application.Status.IN_REVIEW))
        assert len(waiting) >= 2, (code, waiting)
        expert_stage = next(s for s in ruleset.workflow.stages if s.kind in workflow.EXPERT_KINDS)
        at_experts = apps.filter(stage=expert_stage.code, status=Application.Status.IN_REVIEW)
        complete = [
            not Assignment.objects.filter(application=a, sheet__submitted_at=None).exists()
            for a in at_experts
        ]
        assert any(complete) and not all(complete), code

    # One publicity with an objection, running today (Songjiang's).
    assert Objection.objects.filter(publicity__closed_at=None).exists()
    assert Publicity.objects.filter(closed_at=None).count() >= 1
    # Named awards with their ledger, which audit_ledger finds consistent.
    named = Award.objects.filter(application__applicant__username__startswith="demo_y")
    assert named.count() >= 10
    assert Payment.objects.filter(award__in=named).exists()
    out = io.StringIO()
    call_command("audit_ledger", stdout=out)
    assert "无法说明的差额 0 处" in out.getvalue()

    # Idempotent: a second run adds nothing.
    counts = (Application.objects.count(), Award.objects.count(), Payment.objects.count())
    call_command("load_demo", "--year", stdout=io.StringIO())
    assert (Application.objects.count(), Award.objects.count(), Payment.objects.count()) == counts
