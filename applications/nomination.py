"""The unit's nomination: its collective discussion (within the per-unit cap) and its internal
publicity, each the decision at a unit stage of the workflow (四(二); 市中 第九条(二)).

Part of the declaration's services (applications.services re-exports them).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from applications import hooks
from applications.errors import ApplicationError
from applications.models import Application, Nomination
from applications.selectors import locked, nominated_count, ruleset_of
from portal.models import Role, Unit
from portal.roles import has_role, scopes
from programmes.calendar import UnknownCalendarYear
from programmes.paths import publicity_end
from programmes.selectors import working_day_calendar

__all__ = [
    "awaits_unit",
    "can_nominate_for",
    "is_unit_hr",
    "nominated_count",
    "publicity_long_enough",
    "record_discussion",
    "record_internal_publicity",
    "unit_stages",
]


def unit_stages(ruleset, channel: str) -> list:
    """The unit-side stages (unit HR acts) that apply to this channel, in order."""
    return [
        s
        for s in ruleset.workflow.stages
        if s.role == "unit_hr"
        and s.kind in ("unit_review", "internal_publicity")
        and (s.channels is None or channel in s.channels)
    ]


def awaits_unit(application: Application) -> bool:
    """Whether the application waits for its unit's HR (a unit-side stage of its channel)."""
    stages = unit_stages(ruleset_of(application), application.channel)
    return application.status == Application.Status.IN_REVIEW and application.stage in {
        s.code for s in stages
    }


def can_nominate_for(user, application: Application) -> bool:
    return application.unit_id is not None and any(
        u.pk == application.unit_id for u in scopes(user, Role.UNIT_HR, "unit")
    )


def record_discussion(
    *, application: Application, by, discussed_on: date, note: str, outcome: str, today=None
):
    """The unit's collective discussion: pass (within the per-unit cap), return or reject."""
    today = today or timezone.localdate()
    if not can_nominate_for(by, application):
        raise ApplicationError("只能办理本单位的推荐。")
    if discussed_on > today:
        raise ApplicationError("讨论日期不能晚于今天。", field="discussed_on")
    ruleset = ruleset_of(application)
    stage = _unit_stage(ruleset, application, "unit_review")
    with transaction.atomic():
        application = locked(application)
        if application.stage != stage.code:
            raise ApplicationError("该申报当前不在单位推荐环节，可能已由他人办理，请刷新。")
        channel = next(
            (c for c in ruleset.eligibility.channels if c.code == application.channel), None
        )
        if outcome == "pass" and channel and channel.cap_per_unit:
            # Lock the unit so two HR staff cannot both take its last place.
            Unit.objects.select_for_update().get(pk=application.unit_id)
            used = nominated_count(application)
            if used >= channel.cap_per_unit:
                raise ApplicationError(
                    f"每个单位限推荐{channel.cap_per_unit}人，本单位在本批次已推荐{used}人，不能再推荐。",
                    field="outcome",
                )
        nomination, _ = Nomination.objects.get_or_create(application=application)
        if outcome == "pass":
            nomination.discussed_on = discussed_on
            nomination.discussion_note = note
            nomination.save(update_fields=["discussed_on", "discussion_note"])
        # In the same transaction: a refused decision leaves no nomination behind (the cap
        # counts nominations).
        _decide_unit_stage(
            application, stage, outcome, by, note=f"集体讨论（{discussed_on}）：{note}"
        )
    return nomination


def _decide_unit_stage(application, stage, outcome: str, by, *, note: str) -> None:
    """The decision at a unit stage of the workflow, by the review's engine (applications.hooks):
    in the caller's transaction, so a refused decision leaves no nomination behind."""
    hooks.decide_stage(application=application, stage=stage.code, outcome=outcome, by=by, note=note)


def publicity_long_enough(ruleset, starts_on: date, ends_on: date) -> str | None:
    """The problem with the unit's internal publicity dates, or None (四(二); 第九条(二)).

    The end the text asks for is programmes.paths.publicity_end, the function `simulate` and
    the office's publicity use too."""
    rule = ruleset.eligibility.internal_publicity
    if ends_on < starts_on:
        return "公示结束日期不能早于开始日期。"
    if rule is None or not (rule.days or rule.working_days):
        return None
    calendar = working_day_calendar()
    try:
        needed = publicity_end(rule, starts_on, calendar)
        if ends_on >= needed:
            return None
        count = calendar.working_days_between(starts_on, ends_on)
    except UnknownCalendarYear as exc:
        return str(exc)
    if rule.days:
        return f"内部公示不少于{rule.days}天（{rule.source}），{starts_on} 至 {ends_on} 只有{(ends_on - starts_on).days + 1}天。"
    return (
        f"内部公示不少于{rule.working_days}个工作日（{rule.source}），所填期间只有{count}个工作日。"
    )


def record_internal_publicity(
    *,
    application: Application,
    by,
    starts_on: date,
    ends_on: date,
    objections: str,
    outcome: str,
    today=None,
):
    """The publicity inside the unit, once it is over: pass on to the street, or reject."""
    today = today or timezone.localdate()
    if not can_nominate_for(by, application):
        raise ApplicationError("只能办理本单位的推荐。")
    ruleset = ruleset_of(application)
    problem = publicity_long_enough(ruleset, starts_on, ends_on)
    if problem:
        raise ApplicationError(problem, field="ends_on")
    if ends_on >= today:
        raise ApplicationError("公示期结束后才能办理（结束日期应早于今天）。", field="ends_on")
    stage = _unit_stage(ruleset, application, "internal_publicity")
    with transaction.atomic():
        application = locked(application)
        if application.stage != stage.code:
            raise ApplicationError("该申报当前不在单位公示环节，可能已由他人办理，请刷新。")
        nomination, _ = Nomination.objects.get_or_create(application=application)
        nomination.publicity_starts_on = starts_on
        nomination.publicity_ends_on = ends_on
        nomination.objections = objections
        nomination.nominated_by = by
        nomination.nominated_at = timezone.now()
        nomination.save()
        _decide_unit_stage(
            application,
            stage,
            outcome,
            by,
            note=f"单位内部公示 {starts_on} 至 {ends_on}；异议：{objections or '无'}",
        )
    return nomination


def _unit_stage(ruleset, application, kind: str):
    for stage in unit_stages(ruleset, application.channel):
        if stage.kind == kind:
            return stage
    raise ApplicationError("本项目的这种推荐方式没有这一环节。")


def is_unit_hr(user) -> bool:
    return has_role(user, Role.UNIT_HR)
