"""`load_demo --year` (issue 17, item 8): a year's applications in every stage, through the
real services; deterministic and idempotent."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from applications.models import Application, ApplicationEvent
from programmes.models import Round
from reviews import workflow
from reviews.models import Assignment, Objection, Publicity, ScoreSheet
from subsidies.demo_year import PLANS, load_round
from subsidies.ledger.awards import due_for_award
from subsidies.models import Award, Payment

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

CHIEF = {
    "songjiang-chief-technician",
    "qingpu-chief-technician-subsidy",
    "shizhong-chief-technician",
}
# Each one's plan stands for the others in the determinism check (the smallest round).
SAMPLE = next(plan for plan in PLANS if plan.code == "songjiang-training-base")


class Rollback(Exception):
    pass


def fingerprint(series: int) -> list:
    """Everything a round's load makes, without primary keys (sequences do not roll back)."""
    prefix = f"demo_y_{series}_"
    apps = Application.objects.filter(applicant__username__startswith=prefix).order_by(
        "applicant__username"
    )
    rows = [
        (
            a.applicant.username,
            a.applicant.real_name,
            a.applicant.id_number,
            a.unit.name if a.unit else "",
            a.unit.credit_code if a.unit else "",
            a.street.code if a.street else "",
            a.status,
            a.stage,
        )
        for a in apps.select_related("applicant", "unit", "street")
    ]
    rows += sorted(
        (s.assignment.application.applicant.username, s.assignment.expert.username, str(s.total))
        for s in ScoreSheet.objects.filter(
            assignment__application__applicant__username__startswith=prefix
        ).select_related("assignment__application__applicant", "assignment__expert")
    )
    return rows


def demo_rounds():
    for plan in PLANS:
        rounds = Round.objects.filter(version__programme__code=plan.code, name__contains="演示")
        round_ = (
            rounds.get(year=plan.year)
            if plan.year
            else rounds.filter(status__in=["open", "review"]).order_by("-opens_on").first()
        )
        yield plan, round_


def test_the_demo_year():
    call_command("load_demo", stdout=io.StringIO())
    # Deterministic: one round loaded and rolled back makes what the full load makes of it.
    try:
        with transaction.atomic():
            assert load_round(SAMPLE, io.StringIO()) >= 10
            first = fingerprint(SAMPLE.series)
            raise Rollback
    except Rollback:
        pass
    assert not Application.objects.filter(applicant__username__startswith="demo_y").exists()
    out = io.StringIO()
    call_command("load_demo", "--year", stdout=out)
    assert "演示年度：新增申报" in out.getvalue()
    assert fingerprint(SAMPLE.series) == first

    for plan, round_ in demo_rounds():
        name = round_.name
        ruleset = round_.version.ruleset
        stages = list(ruleset.workflow.stages)
        kinds = {s.code: s.kind for s in stages}
        apps = Application.objects.filter(
            round=round_, applicant__username__startswith=f"demo_y_{plan.series}_"
        )
        if plan.code in CHIEF:
            assert 30 <= apps.count() <= 60, name
        else:  # a training base or 追加资助: a smaller round
            assert 10 <= apps.count() < 30, name
        # Across units and streets.
        assert apps.values("unit").distinct().count() >= 8, name
        assert apps.values("unit__street").distinct().count() >= 5, name
        statuses = Counter(apps.values_list("status", flat=True))
        assert statuses["draft"] >= 1, name
        expert_at = next(i for i, s in enumerate(stages) if s.kind in workflow.EXPERT_KINDS)
        if any("return" in s.outcomes for s in stages[1:expert_at]):  # staff before experts
            assert statuses["returned"] >= 1 and statuses["rejected"] >= 1, (name, statuses)
        # Every stage of the workflow was reached (an open round's not yet after its publicity).
        reached = set(
            ApplicationEvent.objects.filter(application__in=apps).values_list("to_stage", flat=True)
        )
        publicity_at = next(i for i, s in enumerate(stages) if s.kind == "publicity")
        after = {s.code for s in stages[publicity_at + 1 :]}
        missing = {code for code in kinds if code not in reached}
        if round_.status == Round.Status.OPEN:
            assert missing <= after, (name, missing)
            # Work waiting at every stage up to the publicity, which runs with an objection.
            waiting = Counter(apps.filter(status="in_review").values_list("stage", flat=True))
            empty = [s.code for s in stages[1 : publicity_at + 1] if not waiting[s.code]]
            assert not empty, (name, empty)
            assert Objection.objects.filter(
                publicity__round=round_, publicity__closed_at=None, status="open"
            ).exists(), name
        else:
            assert not missing, (name, missing)
            assert statuses["named"] >= 1, name
            # Its publicity is over; the objection lodged in it was dealt with.
            assert (
                Objection.objects.filter(publicity__round=round_).exclude(status="open").exists()
            ), name
            assert not Publicity.objects.filter(round=round_, closed_at=None).exists(), name
        if plan.year is not None:  # a round of years ago: every application decided
            assert statuses["in_review"] == 0, (name, statuses)
        elif round_.status != Round.Status.OPEN:
            waiting = Counter(kinds[a.stage] for a in apps.filter(status="in_review"))
            assert len(waiting) >= 2, (name, waiting)
        expert_stage = next(s for s in stages if s.kind in workflow.EXPERT_KINDS)
        at_experts = apps.filter(stage=expert_stage.code, status=Application.Status.IN_REVIEW)
        if plan.year is None:  # the experts' stage with sheets missing and complete
            complete = [
                not Assignment.objects.filter(application=a, sheet__submitted_at=None).exists()
                for a in at_experts
            ]
            assert any(complete) and not all(complete), name
        assert ScoreSheet.objects.filter(
            assignment__application__in=apps, submitted_at__isnull=False
        ).exists(), name
        # Named awards with their ledger where something is due by now.
        awards = Award.objects.filter(application__in=apps)
        if round_.status != Round.Status.OPEN:
            assert awards.count() == statuses["named"] >= 1, name
        for award in awards:
            due = due_for_award(award, until=timezone.localdate())
            assert bool(due) == award.payments.exists(), (name, award.pk)

    rows = Counter(
        Payment.objects.filter(award__application__applicant__username__startswith="demo_y")
        .values_list("award__ruleset_version__programme__code", flat=True)
        .order_by()
    )
    for code in (
        "songjiang-chief-technician",  # the 2024 round: monthly since its naming
        "qingpu-chief-technician-subsidy",
        "qingpu-chief-technician-additional-funding",
    ):
        assert rows[code] >= 1, (code, rows)
    # 市中 pays its allowance once a year in arrears, in January (第十条: 当年评选的于次年发放):
    # the 2025 round's awards (named in January 2026) are first due on 2027-01-01.
    shizhong = Award.objects.filter(
        application__round__version__programme__code="shizhong-chief-technician",
        application__applicant__username__startswith="demo_y",
    ).first()
    first_due = due_for_award(shizhong, until=date(2027, 12, 31))[0]
    assert first_due.date == date(2027, 1, 1) and first_due.period == "2026"
    out = io.StringIO()
    call_command("audit_ledger", stdout=out)
    assert "无法说明的差额 0 处" in out.getvalue()

    # Idempotent: a second run adds nothing.
    counts = (Application.objects.count(), Award.objects.count(), Payment.objects.count())
    call_command("load_demo", "--year", stdout=io.StringIO())
    assert (Application.objects.count(), Award.objects.count(), Payment.objects.count()) == counts
