"""Reads of the organising office's pages: its rounds, each round's applications, experts and
publicities, and the public publicity pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from applications.models import Application
from programmes.models import Round
from reviews import workflow
from reviews.expert_panels import (
    DrawOffer,
    SheetCount,
    draw_offer,
    draw_pools,
    eligible_experts,
    sheet_counts,
)
from reviews.models import Assignment, Publicity
from reviews.permissions import organises_round
from reviews.selectors.scoring import group_of, ranking_for, tie_preference


def office_rounds(user) -> list:
    """The rounds whose programme this user's office runs, newest first."""
    rounds = Round.objects.select_related("version__programme").defer("version__data")
    return [r for r in rounds.order_by("-opens_on", "name") if organises_round(user, r)]


def round_applications(round) -> QuerySet:
    return (
        Application.objects.filter(round=round)
        .exclude(status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN])
        .select_related("applicant", "unit", "round__version")
        .defer("round__version__data")
        .order_by("pk")
    )


def expert_assignments(applications, stage: str) -> dict[int, list]:
    out: dict[int, list] = {}
    for a in (
        Assignment.objects.filter(application__in=applications, panel__stage=stage)
        .select_related("expert", "sheet")
        .order_by("expert__username")
    ):
        out.setdefault(a.application_id, []).append(a)
    return out


def open_publicities(today: date):
    """Publicities running today, for the public page."""
    return (
        Publicity.objects.filter(starts_on__lte=today, ends_on__gte=today, closed_at__isnull=True)
        .select_related("round__version__programme")
        .defer("round__version__data")
        .order_by("ends_on")
    )


def publicity_listing(publicity) -> list:
    """The candidates still listed: name, unit and programme only."""
    return list(
        publicity.applications.filter(status=Application.Status.IN_REVIEW, stage=publicity.stage)
        .select_related("applicant", "unit")
        .only("id", "applicant__real_name", "applicant__username", "unit__name")
        .order_by("pk")
    )


@dataclass(frozen=True)
class BoardRow:
    """One candidate at an expert stage: its experts, aggregate and place against the line."""

    application: Application
    assignments: list
    aggregate: object
    rank: int | None
    inside: bool
    tied: bool
    preferred: bool | None  # the rule set's tie rule, for the tied only
    # who may still be assigned or drawn (no conflicted, recused or assigned expert), what the
    # draw offers, and the submitted sheets against the panel's (reviews.expert_panels)
    eligible: list = field(default_factory=list)
    draw: DrawOffer | None = None
    sheets: SheetCount | None = None


@dataclass(frozen=True)
class StageBoard:
    """One stage of the round: what waits there and, by the stage's kind, its ranking (expert
    stages with candidates) or its publicity."""

    stage: object
    applications: list
    rows: list[BoardRow] = field(default_factory=list)
    ranking: object = None
    tied: list[tuple[int, str]] = field(default_factory=list)  # (id, name) at the cut line
    publicity: Publicity | None = None
    balanced: DrawOffer | None = None  # the balanced assignment's experts per application

    @property
    def short_of_sheets(self) -> list[BoardRow]:
        """The candidates ranked on fewer submitted sheets than their panel asks."""
        return [row for row in self.rows if row.sheets is not None and row.sheets.short]


@dataclass(frozen=True)
class RoundBoard:
    """The organising office's view of one round, stage by stage (the office round page)."""

    round: Round
    ruleset: object
    groups: list[tuple[str, str]]
    group: str
    stages: list[StageBoard]
    approved: list
    named: list


def round_board(round, *, group: str = "", today: date | None = None) -> RoundBoard:
    """The round stage by stage: the applications in review at each, the experts' stages ranked
    against the quota (within the review `group` when one of the rule set's groups is given),
    the publicity of each publicity stage; the approved and the named."""
    today = today or timezone.localdate()
    ruleset = round.version.ruleset
    groups = (
        [(g.code, g.label) for g in ruleset.scoring.groups.items]
        if ruleset.scoring and ruleset.scoring.groups
        else []
    )
    if group not in {code for code, _label in groups}:
        group = ""
    apps = list(round_applications(round))
    by_stage: dict[str, list] = {}
    for app in apps:
        if app.status == Application.Status.IN_REVIEW:
            by_stage.setdefault(app.stage, []).append(app)
    stages = []
    for stage in ruleset.workflow.stages:
        waiting = by_stage.get(stage.code, [])
        expert_stage = stage.kind in workflow.EXPERT_KINDS
        if group and expert_stage:
            waiting = [a for a in waiting if group_of(a, ruleset) == group]
        extra: dict = {}
        if expert_stage and waiting:
            ranking, info = ranking_for(round, stage.code, group)
            assignments = expert_assignments(waiting, stage.code)
            ranks = {r.key: r.rank for r in ranking.ranked}
            eligible = eligible_experts(waiting, stage.code)
            pools = draw_pools(waiting)
            sheets = sheet_counts(ruleset, assignments, [a.pk for a in waiting])
            required = ruleset.scoring.experts_required if ruleset.scoring else None
            active = {
                app.pk: sum(1 for a in assignments.get(app.pk, []) if a.status == "assigned")
                for app in waiting
            }
            extra["rows"] = [
                BoardRow(
                    application=app,
                    assignments=assignments.get(app.pk, []),
                    aggregate=info[app.pk][1],
                    rank=ranks.get(app.pk),
                    inside=app.pk in ranking.selected,
                    tied=app.pk in ranking.tied,
                    preferred=tie_preference(app, ruleset, today)
                    if app.pk in ranking.tied
                    else None,
                    eligible=eligible[app.pk],
                    draw=draw_offer(pools[app.pk], required=required, assigned=active[app.pk]),
                    sheets=sheets[app.pk],
                )
                for app in waiting
            ]
            # the balanced assignment gives each application the same number: at most what the
            # smallest pool (with the experts it already has) allows
            extra["balanced"] = draw_offer(
                min(pools[a.pk] + active[a.pk] for a in waiting), required=required
            )
            extra["ranking"] = ranking
            extra["tied"] = [(k, info[k][0].applicant.display_name) for k in ranking.tied]
        if stage.kind == "publicity":
            extra["publicity"] = (
                Publicity.objects.filter(round=round, stage=stage.code)
                .prefetch_related("objections__application__applicant", "applications__applicant")
                .first()
            )
        stages.append(StageBoard(stage=stage, applications=waiting, **extra))
    return RoundBoard(
        round=round,
        ruleset=ruleset,
        groups=groups,
        group=group,
        stages=stages,
        approved=[a for a in apps if a.status == Application.Status.APPROVED],
        named=[a for a in apps if a.status == Application.Status.NAMED],
    )
