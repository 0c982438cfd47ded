"""The one gate of an application's status and stage (STYLE.md "one gate per state").

Every change of `Application.status` or `Application.stage` goes through `move`: it holds the
table of allowed moves, and before an application leaves a stage with `pass` it asks the
requirement checks registered for that stage's kind whether the work of the stage is done. A
refusal (`GateRefused`) says in Chinese what is missing and changes nothing: the row is not
written and no event is recorded (the caller's transaction is rolled back by the exception).

Layering: this module is in `applications`; the checks that need the review models (score
sheets, rankings, credit results, publicities) are registered by the reviews app in its
`AppConfig.ready` (`register`), as the workbench panels are. The unit-side checks, which need
only this app's Nomination, are registered below. Nothing here imports reviews.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from applications.models import Application, ApplicationEvent, Nomination
from applications.selectors import nominated_count
from programmes.paths import publicity_end
from programmes.selectors import working_day_calendar

S = Application.Status

# from status -> the statuses it may move to. in_review -> in_review is a move to the next
# stage (or onto the first stage after submission).
MOVES: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.IN_REVIEW, S.WITHDRAWN}),
    S.NOMINATION: frozenset({S.IN_REVIEW, S.WITHDRAWN}),
    S.RETURNED: frozenset({S.IN_REVIEW, S.WITHDRAWN}),
    S.IN_REVIEW: frozenset({S.IN_REVIEW, S.APPROVED, S.RETURNED, S.REJECTED, S.WITHDRAWN}),
    S.APPROVED: frozenset({S.NAMED, S.REJECTED, S.WITHDRAWN}),
    S.NAMED: frozenset(),
    S.REJECTED: frozenset(),
    S.WITHDRAWN: frozenset(),
}


class GateRefused(Exception):
    """A move the gate does not allow; `message` (Chinese) says what is missing."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Leaving:
    """What the gate knows about an application leaving a stage with `pass`.

    `stage` is the rule set's Stage; `on` the day it happens (the checks compare publicity
    ends with it); `meeting` the meeting date or document of a group's or leading office's
    decision recorded with it; `ruleset` the application's parsed rule set."""

    stage: object
    ruleset: object
    on: date
    meeting: str = ""
    extra: dict = field(default_factory=dict)


Requirement = Callable[[Application, Leaving], "str | None"]
_REQUIREMENTS: dict[str, list[Requirement]] = {}


def register(kind: str, check: Requirement) -> None:
    """Add a requirement for leaving a stage of `kind` with pass (idempotent per function)."""
    checks = _REQUIREMENTS.setdefault(kind, [])
    if check not in checks:
        checks.append(check)


def requirements() -> dict[str, list[Requirement]]:
    """The registered checks per stage kind (the README's table is written from these)."""
    return {kind: list(checks) for kind, checks in _REQUIREMENTS.items()}


def missing(application: Application, leaving: Leaving) -> list[str]:
    """What is still to be done before `application` may leave `leaving.stage` with pass."""
    problems = []
    for check in _REQUIREMENTS.get(leaving.stage.kind, []):
        problem = check(application, leaving)
        if problem:
            problems.append(problem)
    return problems


def move(
    application: Application,
    *,
    status: str,
    by,
    action: str,
    stage: str | None = None,
    leaving: Leaving | None = None,
    note: str = "",
    internal_note: str = "",
    stage_entered: bool = True,
) -> ApplicationEvent:
    """Move a locked application to `status` (and `stage`), write the audit row, return it.

    The caller holds the row lock (select_for_update) inside its transaction. A change of
    stage away from a stage the application stands on needs `leaving` for that stage: its
    requirements must all be met. Raises GateRefused, having changed nothing.
    """
    current_status, current_stage = application.status, application.stage
    target_stage = current_stage if stage is None else stage
    if status not in MOVES.get(current_status, frozenset()) and not (
        status == current_status and target_stage == current_stage
    ):
        raise GateRefused(f"申报当前为“{S(current_status).label}”，不能变为“{S(status).label}”。")
    passing_on = target_stage != current_stage and bool(current_stage)
    if status == S.NAMED or passing_on:
        if leaving is None or (leaving.stage.code != current_stage and status != S.NAMED):
            raise GateRefused("申报须办结当前阶段后才能进入下一阶段。")
        problems = missing(application, leaving)
        if problems:
            raise GateRefused("；".join(problems) + "。")
    fields = ["updated_at"]
    if status != current_status:
        application.status = status
        fields.append("status")
    if target_stage != current_stage:
        application.stage = target_stage
        fields.append("stage")
    if stage_entered:
        application.stage_entered_at = timezone.now()
        fields.append("stage_entered_at")
    application.save(update_fields=fields)
    return ApplicationEvent.record(
        application,
        by=by,
        action=action,
        note=note,
        internal_note=internal_note,
        from_status=current_status,
        from_stage=current_stage,
    )


def create_draft(*, ruleset, **fields) -> Application:
    """A new application: a draft standing on its rule set's first stage (the filling-in)."""
    return Application.objects.create(
        status=S.DRAFT, stage=ruleset.workflow.stages[0].code, **fields
    )


def copy_state(target: Application, source: Application) -> None:
    """Copy what the gate wrote on the locked row onto the caller's instance (in memory)."""
    for name in ("status", "stage", "stage_entered_at"):
        setattr(target, name, getattr(source, name))


# --- the unit-side requirements (Nomination lives in this app) -------------------------------


def _nomination(application: Application):
    return Nomination.objects.filter(application=application).first()


def unit_discussion_done(application: Application, leaving: Leaving) -> str | None:
    """unit_review: the collective discussion recorded, within the channel's cap per unit
    (沪松人社规〔2024〕1号 四(二): 每个法人单位推荐1-2人; 上海工匠: the unit's opinion)."""
    nomination = _nomination(application)
    if nomination is None or nomination.discussed_on is None:
        return "单位集体讨论未记录：请先登记集体讨论的日期和情况"
    channel = next(
        (c for c in leaving.ruleset.eligibility.channels if c.code == application.channel), None
    )
    if channel and channel.cap_per_unit and application.unit_id:
        used = nominated_count(application)
        if used >= channel.cap_per_unit:
            return f"每个单位限推荐{channel.cap_per_unit}人（{channel.source}），本单位在本批次已推荐{used}人"
    return None


def internal_publicity_done(application: Application, leaving: Leaving) -> str | None:
    """internal_publicity: the unit's publicity recorded, of the text's length, and over
    (沪松人社规〔2024〕1号 四(二): 一周; 市中政办字〔2020〕33号 第九条(二): 5个工作日)."""
    nomination = _nomination(application)
    if nomination is None or not (nomination.publicity_starts_on and nomination.publicity_ends_on):
        return "内部公示未记录：请先登记公示的起止日期"
    starts, ends = nomination.publicity_starts_on, nomination.publicity_ends_on
    stage = leaving.stage
    rule = leaving.ruleset.eligibility.internal_publicity
    source = stage.source
    if not (stage.days or stage.working_days) and rule is not None:
        stage = stage.model_copy(update={"days": rule.days, "working_days": rule.working_days})
        source = rule.source
    if stage.days or stage.working_days:
        try:
            needed = publicity_end(stage, starts, working_day_calendar())
        except ValueError as exc:
            return str(exc)
        if ends < needed:
            return f"内部公示期不足（{source}）：{starts} 开始，应至少到 {needed}，登记的结束日期为 {ends}"
    if ends >= leaving.on:
        return f"内部公示尚未结束（至 {ends}）"
    return None


register("unit_review", unit_discussion_done)
register("internal_publicity", internal_publicity_done)
