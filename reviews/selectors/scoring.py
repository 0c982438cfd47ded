"""Reads of the experts' stages: the score sheet's items, review groups, the pool, the sheets
and their aggregate, and the ranking against the quota."""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from applications.models import Application
from programmes.ruleset import ScoreItem
from reviews.aggregation import aggregate
from reviews.models import Assignment, ExpertProfile, ScoreSheet
from reviews.permissions import ruleset_of
from reviews.ranking import Candidate, rank, tie_preferred


def sheet_items(ruleset) -> list:
    """The items of the rule set's score sheet; where the text sets no points (qualitative
    review) one overall score out of 100, so that the competitive review can rank."""
    if ruleset.scoring and ruleset.scoring.items:
        return list(ruleset.scoring.items)
    return [
        ScoreItem(
            code="T1", title="综合评价", max_points=100, guidance="按评审标准综合评价后给出总分"
        )
    ]


def group_of(application: Application, ruleset) -> str:
    """The review group (上海工匠 附件1注1) the applicant chose, '' where there are none."""
    if not (ruleset.scoring and ruleset.scoring.groups):
        return ""
    codes = {g.code for g in ruleset.scoring.groups.items}
    for section in ruleset.form.sections:
        if section.kind != "fields":
            continue
        for item in section.items:
            choices = {c.code for c in (item.choices or [])}
            if choices and choices <= codes | {""} and choices & codes:
                value = (application.data.get(section.code) or {}).get(item.code)
                if value in codes:
                    return value
    return ""


def expert_pool(application: Application) -> list[int]:
    """Active experts of the pool without a conflict and not yet on this application."""
    taken = set(
        Assignment.objects.filter(application=application).values_list("expert_id", flat=True)
    )
    profiles = (
        ExpertProfile.objects.filter(
            active=True,
            user__roles__role="expert",
        )
        .filter(
            # the authority's own pool (an expert put in no pool yet is in every one)
            Q(authority_id=application.round.version.programme.authority_id)
            | Q(authority__isnull=True)
        )
        .distinct()
    )
    if application.unit_id:
        profiles = profiles.exclude(unit_id=application.unit_id)
    return sorted(set(profiles.values_list("user_id", flat=True)) - taken)


def tie_preference(application: Application, ruleset, on) -> bool | None:
    """The rule set's tie rule applied to the candidate (e.g. aged 45 or under), for the office."""
    rule = ruleset.scoring.tie_rule if ruleset.scoring else None
    if rule is None:
        return None
    birth = None
    for section in ruleset.form.sections:
        if section.kind != "fields":
            continue
        for item in section.items:
            if item.fact == "birth_date":
                raw = (application.data.get(section.code) or {}).get(item.code)
                try:
                    birth = date.fromisoformat(str(raw)[:10]) if raw else None
                except ValueError:
                    birth = None
    return tie_preferred(rule.code, rule.params, birth=birth, on=on)


def scores_of(applications, stage: str) -> dict[int, list]:
    """{application id: [submitted sheets]} of the experts not recused, at `stage`."""
    sheets = (
        ScoreSheet.objects.filter(
            assignment__application__in=applications,
            assignment__panel__stage=stage,
            assignment__status="assigned",
            submitted_at__isnull=False,
        )
        .select_related("assignment__expert")
        .prefetch_related("rows")
        .order_by("assignment__expert__username")
    )
    out: dict[int, list] = {}
    for sheet in sheets:
        out.setdefault(sheet.assignment.application_id, []).append(sheet)
    return out


def aggregate_for(ruleset, sheets):
    scoring = ruleset.scoring
    return aggregate(
        [s.total for s in sheets],
        method=(scoring.aggregation if scoring else None) or "mean",
        trim_when_at_least=scoring.trim_when_at_least if scoring else None,
        outlier_points=scoring.outlier_points if scoring else None,
        sheet_total=sum(i.max_points for i in sheet_items(ruleset)),
    )


def ranking_for(round_, stage: str, group: str = "", quota: int | None = None):
    """The candidates at an expert stage of a round, ranked against the quota:
    (ranking, {application id: (application, aggregate, sheets)})."""
    applications = list(
        Application.objects.filter(round=round_, stage=stage, status=Application.Status.IN_REVIEW)
        .select_related("round__version", "applicant", "unit")
        .order_by("pk")
    )
    if not applications:
        return rank([], quota), {}
    ruleset = ruleset_of(applications[0])
    if group:
        applications = [a for a in applications if group_of(a, ruleset) == group]
    sheets = scores_of(applications, stage)
    info = {}
    for app in applications:
        agg = aggregate_for(ruleset, sheets.get(app.pk, []))
        info[app.pk] = (app, agg, sheets.get(app.pk, []))
    places = quota if quota is not None else (round_.quota if not group else None)
    ranking = rank([Candidate(pk, info[pk][1].value) for pk in info], places)
    return ranking, info
