"""The experts' score sheets and the close of an expert stage by the ranking."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, ApplicationEvent
from portal.notifications import notify
from reviews.models import ScoreRow, ScoreSheet, StageRanking, TieDecision
from reviews.permissions import ruleset_of
from reviews.ranking import resolve_tie
from reviews.selectors.scoring import ranking_for, sheet_items
from reviews.services.base import ReviewError, _require_organiser
from reviews.services.decisions import decide
from reviews.services.experts import _locked_assignment


@transaction.atomic
def save_scores(*, assignment, by, points: dict, opinion: str = "", submit: bool = False):
    """The expert saves (or submits) the sheet: one row per item, each at most its maximum;
    a submitted sheet is locked until the office reopens it."""
    locked = _locked_assignment(assignment)
    if locked.expert_id != by.pk:
        raise PermissionDenied(_("只能为分配给自己的申报评分。"))
    if locked.status != locked.Status.ASSIGNED:
        raise ReviewError(_("您已申明回避，不能评分。"))
    application = locked.application
    if (
        application.stage != locked.panel.stage
        or application.status != Application.Status.IN_REVIEW
    ):
        raise ReviewError(_("该申报的评审阶段已经结束，不能再评分。"))
    sheet, _created = ScoreSheet.objects.select_for_update().get_or_create(assignment=locked)
    if sheet.submitted:
        raise ReviewError(_("评分已提交，不能修改。如需修改请联系区人社局退回重评。"))
    items = {item.code: item for item in sheet_items(ruleset_of(locked.application))}
    clean: dict[str, Decimal] = {}
    for code, value in points.items():
        if code not in items:
            raise ReviewError(_("评分表中没有项目“%(code)s”。") % {"code": code})
        if value is None or value == "":
            continue
        value = Decimal(str(value))
        if value < 0 or value > items[code].max_points:
            raise ReviewError(
                _("%(code)s 得分不能超过该项满分%(max)s分，也不能为负数。")
                % {"code": code, "max": items[code].max_points}
            )
        clean[code] = value
    if submit and set(clean) != set(items):
        missing = "、".join(code for code in items if code not in clean)
        raise ReviewError(_("提交前须为每一项评分，尚缺：%(items)s。") % {"items": missing})
    sheet.rows.exclude(item__in=clean).delete()
    for code, value in clean.items():
        ScoreRow.objects.update_or_create(sheet=sheet, item=code, defaults={"points": value})
    sheet.total = sum(clean.values(), Decimal(0))
    sheet.opinion = opinion
    if submit:
        sheet.submitted_at = timezone.now()
    sheet.save()
    return sheet


@transaction.atomic
def reopen_sheet(*, sheet, by, reason: str):
    """The office sends one submitted sheet back to its expert, with a reason."""
    locked = (
        ScoreSheet.objects.select_for_update()
        .select_related("assignment__application__round__version", "assignment__expert")
        .get(pk=sheet.pk)
    )
    application = locked.assignment.application
    _require_organiser(by, application)
    if not reason.strip():
        raise ReviewError(_("退回重评须写明理由。"))
    if not locked.submitted:
        raise ReviewError(_("该评分表尚未提交。"))
    locked.submitted_at = None
    locked.reopened_reason = reason.strip()
    locked.save(update_fields=["submitted_at", "reopened_reason", "updated_at"])
    ApplicationEvent.record(
        application,
        by=by,
        action="sheet_reopened",
        internal_note=_("退回专家 %(name)s 重新评分：%(reason)s")
        % {"name": locked.assignment.expert.display_name, "reason": locked.reopened_reason},
    )
    notify(
        recipients=[locked.assignment.expert],
        subject=_("【评分退回】%(round)s") % {"round": application.round.name},
        body=_("您的评分已被退回重评：%(reason)s") % {"reason": locked.reopened_reason},
    )
    return locked


@transaction.atomic
def close_expert_stage(
    *,
    round_,
    stage: str,
    by,
    group: str = "",
    quota: int | None = None,
    tie_chosen=(),
    tie_reason: str = "",
):
    """Apply the ranking: those inside the line pass, the others are not selected. A tie at the
    line needs the office's choice and reason (recorded as a TieDecision)."""
    ranking, info = ranking_for(round_, stage, group, quota)
    if not info:
        raise ReviewError(_("该阶段没有待评审的申报。"))
    any_app = next(iter(info.values()))[0]
    _require_organiser(by, any_app)
    unscored = [a.applicant.display_name for a, agg, _s in info.values() if agg.value is None]
    if unscored:
        raise ReviewError(
            _("以下申报尚无专家提交评分：%(names)s。") % {"names": "、".join(unscored)}
        )
    selected = ranking.selected
    if ranking.tied:
        if not tie_reason.strip():
            names = "、".join(info[k][0].applicant.display_name for k in ranking.tied)
            raise ReviewError(
                _("分数线上有并列人选（%(names)s），须从中选择 %(n)s 人并写明理由。")
                % {"names": names, "n": ranking.places_for_tied}
            )
        try:
            selected = resolve_tie(ranking, [int(k) for k in tie_chosen])
        except ValueError as exc:
            raise ReviewError(str(exc)) from None
        decision = TieDecision.objects.create(
            round=round_, stage=stage, group=group, reason=tie_reason.strip(), decided_by=by
        )
        decision.tied.set(ranking.tied)
        decision.chosen.set([k for k in ranking.tied if k in selected])
    ranks = {r.key: r.rank for r in ranking.ranked}

    StageRanking.objects.create(
        round=round_,
        stage=stage,
        group=group,
        quota=quota if quota is not None else (round_.quota if not group else None),
        ranks={str(k): v for k, v in ranks.items()},
        selected=sorted(int(k) for k in selected),
        closed_by=by,
    )
    for pk, (app, agg, _sheets) in info.items():
        note = _("评审得分 %(score)s，排名第 %(rank)s") % {"score": agg.value, "rank": ranks[pk]}
        if pk in selected:
            decide(application=app, stage=stage, outcome="pass", by=by, note=note)
        else:
            decide(
                application=app, stage=stage, outcome="reject", by=by, note=note + _("，未入选。")
            )
    return selected
