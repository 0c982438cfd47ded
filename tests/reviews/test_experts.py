"""Experts: assignment with conflicts excluded, the reproducible draw, recusal, score sheets
with per-item maxima that lock on submission, the office reopening one, ranking with ties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from reviews import services
from reviews.draw import draw
from reviews.models import Assignment, Panel, TieDecision
from reviews.services import ReviewError

FULL = {
    "A1": 5, "A2": 5, "A3": 10, "B1": 10, "B2": 10, "B3": 10, "C1": 10, "C2": 10,
    "D1": 5, "E1": 5, "F1": 10, "G1": 5, "H1": 5,
}  # fmt: skip


@pytest.fixture
def songjiang(make_round):
    return make_round("songjiang-chief-technician", quota=2)


@pytest.fixture
def at_scoring(songjiang, make_application):
    def make(**kw):
        return make_application(songjiang, stage="expert_scoring", **kw)

    return make


def scores(total_off: int = 0) -> dict:
    points = dict(FULL)
    points["A3"] = 10 - total_off
    return points


def test_conflict_of_unit_is_refused_and_excluded_from_draw(at_scoring, experts, persona):
    app = at_scoring()  # the machinery company, where expert_b works
    office = persona("chen_office")
    with pytest.raises(ReviewError, match="同一单位"):
        services.assign_expert(application=app, expert=persona("expert_b"), by=office)
    assert persona("expert_b").pk not in services.expert_pool(app)
    drawn = services.draw_experts(application=app, count=4, by=office, seed="s1")
    assert persona("expert_b").pk not in {a.expert_id for a in drawn}


def test_draw_is_recorded_and_reproducible(at_scoring, experts, persona):
    app = at_scoring(unit="songjiang_training")
    drawn = services.draw_experts(application=app, count=3, by=persona("chen_office"), seed="x")
    panel = Panel.objects.get(round=app.round, stage="expert_scoring")
    assert panel.draw_seed == "x"
    assert sorted(a.expert_id for a in drawn) == draw(panel.draw_pool, 3, f"x:{app.pk}")
    assert {a.method for a in drawn} == {"draw"}
    assert app.events.filter(action="experts_drawn").exists()


def test_only_the_office_assigns_and_only_at_an_expert_stage(
    songjiang, make_application, experts, persona
):
    app = make_application(songjiang, stage="expert_scoring")
    with pytest.raises(PermissionDenied):
        services.assign_expert(
            application=app, expert=persona("expert_a"), by=persona("zhao_street")
        )
    early = make_application(songjiang, stage="material_review")
    with pytest.raises(ReviewError, match="专家评审阶段"):
        services.assign_expert(
            application=early, expert=persona("expert_a"), by=persona("chen_office")
        )


def test_recusal_tells_the_office(
    at_scoring, experts, persona, mailoutbox, django_capture_on_commit_callbacks
):
    app = at_scoring()
    assignment = services.assign_expert(
        application=app, expert=persona("expert_a"), by=persona("chen_office")
    )
    with pytest.raises(PermissionDenied):
        services.recuse(assignment=assignment, by=persona("expert_b"), reason="x")
    with django_capture_on_commit_callbacks(execute=True):
        services.recuse(assignment=assignment, by=persona("expert_a"), reason="曾为其师傅")
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.RECUSED
    assert any("chen_office@example.cn" in m.to for m in mailoutbox)
    with pytest.raises(ReviewError):
        services.save_scores(assignment=assignment, by=persona("expert_a"), points=FULL)
    with pytest.raises(ReviewError, match="已申明回避"):
        services.assign_expert(
            application=app, expert=persona("expert_a"), by=persona("chen_office")
        )


def test_score_sheet_maxima_submission_lock_and_reopen(at_scoring, experts, persona):
    app = at_scoring()
    expert = persona("expert_a")
    assignment = services.assign_expert(application=app, expert=expert, by=persona("chen_office"))
    with pytest.raises(ReviewError, match="不能超过该项满分5分"):
        services.save_scores(assignment=assignment, by=expert, points={"A1": 6})
    with pytest.raises(PermissionDenied):
        services.save_scores(assignment=assignment, by=persona("expert_b"), points={"A1": 1})
    sheet = services.save_scores(assignment=assignment, by=expert, points={"A1": 4})
    assert sheet.total == 4 and not sheet.submitted
    with pytest.raises(ReviewError, match="尚缺"):
        services.save_scores(assignment=assignment, by=expert, points={"A1": 4}, submit=True)
    sheet = services.save_scores(assignment=assignment, by=expert, points=FULL, submit=True)
    assert sheet.total == 100 and sheet.rows.count() == 13
    with pytest.raises(ReviewError, match="已提交"):
        services.save_scores(assignment=assignment, by=expert, points=FULL)
    with pytest.raises(PermissionDenied):
        services.reopen_sheet(sheet=sheet, by=expert, reason="x")
    with pytest.raises(ReviewError, match="理由"):
        services.reopen_sheet(sheet=sheet, by=persona("chen_office"), reason=" ")
    services.reopen_sheet(sheet=sheet, by=persona("chen_office"), reason="B1 评分依据不足")
    sheet = services.save_scores(assignment=assignment, by=expert, points=scores(2), submit=True)
    assert sheet.total == 98


def test_ranking_with_a_tie_at_the_line(at_scoring, experts, persona):
    office = persona("chen_office")
    apps = [at_scoring(unit="songjiang_training") for _ in range(4)]
    offs = [0, 5, 5, 9]  # totals 100, 95, 95, 91: quota 2 -> a tie at the line
    for app, off in zip(apps, offs, strict=True):
        for expert in (persona("expert_a"), experts[2]):
            assignment = services.assign_expert(application=app, expert=expert, by=office)
            services.save_scores(assignment=assignment, by=expert, points=scores(off), submit=True)
    ranking, info = services.ranking_for(apps[0].round, "expert_scoring")
    assert ranking.selected == (apps[0].pk,)
    assert set(ranking.tied) == {apps[1].pk, apps[2].pk}
    assert info[apps[1].pk][1].value == Decimal("95.00")
    with pytest.raises(ReviewError, match="并列"):
        services.close_expert_stage(round=apps[0].round, stage="expert_scoring", by=office)
    selected = services.close_expert_stage(
        round=apps[0].round,
        stage="expert_scoring",
        by=office,
        tie_chosen=[apps[2].pk],
        tie_reason="同等条件下一线岗位优先",
    )
    assert set(selected) == {apps[0].pk, apps[2].pk}
    for app in apps:
        app.refresh_from_db()
    assert [a.stage for a in apps if a.status == "in_review"] == ["credit_check", "credit_check"]
    assert apps[1].status == "rejected" and apps[3].status == "rejected"
    tie = TieDecision.objects.get()
    assert tie.reason == "同等条件下一线岗位优先"
    assert list(tie.chosen.all()) == [apps[2]]


def test_balanced_assignment_spreads_the_work(at_scoring, experts, persona):
    apps = [at_scoring(unit="songjiang_training") for _ in range(5)]
    made = services.assign_balanced(
        round=apps[0].round, stage="expert_scoring", per_application=2, by=persona("chen_office")
    )
    assert made == 10
    loads = [Assignment.objects.filter(expert=e).count() for e in experts]
    assert max(loads) - min(loads) <= 1
    # running it again assigns nothing more
    assert (
        services.assign_balanced(
            round=apps[0].round,
            stage="expert_scoring",
            per_application=2,
            by=persona("chen_office"),
        )
        == 0
    )


def test_no_scoring_once_the_stage_is_over(at_scoring, experts, persona):
    app = at_scoring()
    expert = persona("expert_a")
    assignment = services.assign_expert(application=app, expert=expert, by=persona("chen_office"))
    app.stage = "credit_check"
    app.save()
    with pytest.raises(ReviewError, match="评审阶段已经结束"):
        services.save_scores(assignment=assignment, by=expert, points=FULL, submit=True)
