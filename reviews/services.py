"""State changes of review: one function per change, each locking the application it moves.

Each runs in `transaction.atomic()`, locks the row (`select_for_update`), writes the audit row
(applications.ApplicationEvent) in the same transaction and sends mail after commit
(portal.notifications.notify). Views, admin actions and the declaration side call these.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, ApplicationEvent
from portal.notifications import notify
from reviews import workflow
from reviews.models import FieldReason
from reviews.permissions import can_decide_at, route_of, ruleset_of

OUTCOME_LABELS = {"pass": "通过", "return": "退回修改", "reject": "不通过"}
ACTIONS = {"pass": "passed", "return": "returned", "reject": "rejected"}


class ReviewError(Exception):
    """A review action that cannot be done; the message is for the user (Chinese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class StaleDecision(ReviewError):
    """The application moved on (another person decided) since the decider saw it."""


@dataclass(frozen=True)
class Decision:
    event: ApplicationEvent
    application: Application


def _locked(application: Application) -> Application:
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("round__version", "unit", "applicant")
        .get(pk=application.pk)
    )
    return locked


def _sync(target: Application, source: Application) -> None:
    for name in ("status", "stage", "stage_entered_at"):
        setattr(target, name, getattr(source, name))


def _stage_title(ruleset, code: str) -> str:
    stage = ruleset.stage(code)
    return stage.title if stage else code


def _notify_applicant(application: Application, subject: str, body: str) -> None:
    notify(recipients=[application.applicant.email or ""], subject=subject, body=body)


@transaction.atomic
def start_review(*, application: Application, by) -> Application:
    """Put a just-submitted application on the first stage of its path (called by
    applications.services.submit_application in its transaction)."""
    locked = _locked(application)
    ruleset = ruleset_of(locked)
    stage = workflow.first_stage(ruleset.workflow, route_of(locked))
    previous_status, previous_stage = locked.status, locked.stage
    locked.status = workflow.status_on_entering(stage)
    locked.stage = stage.code
    locked.stage_entered_at = timezone.now()
    locked.save(update_fields=["status", "stage", "stage_entered_at", "updated_at"])
    ApplicationEvent.objects.create(
        application=locked,
        actor=by,
        action="review_started",
        from_status=previous_status,
        to_status=locked.status,
        from_stage=previous_stage,
        to_stage=stage.code,
        note=_("进入“%(stage)s”") % {"stage": stage.title},
    )
    _sync(application, locked)
    return application


@transaction.atomic
def resume_after_revision(*, application: Application, by) -> Application:
    """The applicant resubmitted after a return: back to the stage that returned it."""
    locked = _locked(application)
    if locked.status not in (Application.Status.RETURNED, Application.Status.IN_REVIEW):
        raise ReviewError(_("该申报不在退回修改状态，无法重新提交审核。"))
    ruleset = ruleset_of(locked)
    previous_status = locked.status
    locked.status = Application.Status.IN_REVIEW
    locked.stage_entered_at = timezone.now()
    locked.save(update_fields=["status", "stage_entered_at", "updated_at"])
    ApplicationEvent.objects.create(
        application=locked,
        actor=by,
        action="resubmitted",
        from_status=previous_status,
        to_status=locked.status,
        from_stage=locked.stage,
        to_stage=locked.stage,
        note=_("修改后重新提交，回到“%(stage)s”") % {"stage": _stage_title(ruleset, locked.stage)},
    )
    _sync(application, locked)
    return application


def _field_label(ruleset, key: str) -> str:
    section_code, _sep, field_code = key.partition(".")
    for section in ruleset.form.sections:
        if section.code != section_code:
            continue
        if not field_code:
            return section.title
        for item in section.items:
            if item.code == field_code:
                return f"{section.title}·{item.label}"
    return key


@transaction.atomic
def decide(
    *,
    application: Application,
    stage: str,
    outcome: str,
    by,
    note: str = "",
    field_reasons: dict[str, str] | None = None,
    internal_note: str = "",
) -> Decision:
    """Record a decision at `stage` (the stage the decider saw).

    pass -> the next stage on the application's path (approved when that is naming); return ->
    status returned, the field reasons kept with the event, the stage kept so that the
    resubmission comes back to it; reject -> status rejected. Raises StaleDecision when the
    application is no longer at `stage` (someone else decided first), PermissionDenied when `by`
    may not decide there, ReviewError for an outcome the stage does not allow.
    """
    locked = _locked(application)
    ruleset = ruleset_of(locked)
    if locked.stage != stage or locked.status != Application.Status.IN_REVIEW:
        last = locked.events.exclude(actor=None).order_by("-at", "-id").first()
        who = last.actor.display_name if last and last.actor else ""
        raise StaleDecision(
            _(
                "该申报已被处理（%(who)s），当前为“%(status)s·%(stage)s”，您的“%(outcome)s”决定未生效。"
            )
            % {
                "who": who or _("他人"),
                "status": locked.get_status_display(),
                "stage": _stage_title(ruleset, locked.stage),
                "outcome": OUTCOME_LABELS.get(outcome, outcome),
            }
        )
    current = ruleset.stage(stage)
    if current is None:
        raise ReviewError(_("流程中没有该阶段。"))
    if outcome not in workflow.allowed_outcomes(current):
        raise ReviewError(
            _("“%(stage)s”不允许“%(outcome)s”。")
            % {"stage": current.title, "outcome": OUTCOME_LABELS.get(outcome, outcome)}
        )
    if not can_decide_at(by, locked, current):
        raise PermissionDenied(_("您无权在该阶段作出决定。"))
    reasons = {k: v.strip() for k, v in (field_reasons or {}).items() if v and v.strip()}
    if outcome == "return" and not (reasons or note.strip()):
        raise ReviewError(_("退回修改须写明理由（至少一项字段的理由或总体意见）。"))
    if outcome == "reject" and not note.strip():
        raise ReviewError(_("不通过须写明理由。"))

    previous_status, previous_stage = locked.status, locked.stage
    now = timezone.now()
    if outcome == "pass":
        following = workflow.next_stage(ruleset.workflow, route_of(locked), stage)
        if following is None:
            raise ReviewError(_("该阶段之后没有下一阶段。"))
        locked.status = workflow.status_on_entering(following)
        locked.stage = following.code
    elif outcome == "return":
        locked.status = Application.Status.RETURNED
    else:
        locked.status = Application.Status.REJECTED
    locked.stage_entered_at = now
    locked.save(update_fields=["status", "stage", "stage_entered_at", "updated_at"])

    labelled = {key: (_field_label(ruleset, key), reason) for key, reason in reasons.items()}
    full_note = note.strip()
    if labelled:
        lines = [f"{label}：{reason}" for label, reason in labelled.values()]
        full_note = "\n".join(([full_note] if full_note else []) + lines)
    event = ApplicationEvent.objects.create(
        application=locked,
        actor=by,
        action=ACTIONS[outcome],
        from_status=previous_status,
        to_status=locked.status,
        from_stage=previous_stage,
        to_stage=locked.stage,
        note=full_note,
        internal_note=internal_note,
    )
    FieldReason.objects.bulk_create(
        FieldReason(event=event, field=key, label=label, reason=reason)
        for key, (label, reason) in labelled.items()
    )
    subject = _("【%(programme)s】您的申报：%(stage)s %(outcome)s") % {
        "programme": locked.round.name,
        "stage": current.title,
        "outcome": OUTCOME_LABELS[outcome],
    }
    body = _("您的申报在“%(stage)s”阶段的结果：%(outcome)s。\n%(note)s\n请登录平台查看详情。") % {
        "stage": current.title,
        "outcome": OUTCOME_LABELS[outcome],
        "note": full_note,
    }
    _notify_applicant(locked, subject, body)
    _sync(application, locked)
    return Decision(event=event, application=application)


def return_reasons(application: Application) -> dict[str, str]:
    """The field reasons of the latest return, for the applicant's form ({field key: reason})."""
    event = application.events.filter(action="returned").order_by("-at", "-id").first()
    if event is None:
        return {}
    return {row.field: row.reason for row in event.field_reasons.all()}
