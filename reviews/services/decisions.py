"""Decisions at a stage: the start of the review, the resubmission, pass / return / reject.

Each runs in `transaction.atomic()`, locks the row (`select_for_update`), writes the audit row
(applications.ApplicationEvent) in the same transaction and sends mail after commit
(portal.notifications.notify).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import gate
from applications.models import Application, ApplicationEvent, Nomination
from reviews import display, workflow
from reviews.models import FieldReason
from reviews.permissions import can_decide_at, route_of, ruleset_of
from reviews.selectors.history import stage_title
from reviews.services.base import (
    ReviewError,
    StaleDecision,
    _locked,
    _move,
    _notify_applicant,
    _sync,
    _tell_stage_actors,
)

OUTCOME_LABELS = {"pass": "通过", "return": "退回修改", "reject": "不通过"}
ACTIONS = {"pass": "passed", "return": "returned", "reject": "rejected"}


@dataclass(frozen=True)
class Decision:
    event: ApplicationEvent
    application: Application


RETURN_NEEDS_A_FIELD = _("退回修改须写明理由：请至少指明一项需修改的字段或材料，并写明修改理由。")
SMS_TEMPLATES = {"pass": "passed", "return": "returned", "reject": "rejected"}


def _sms_reason(note: str) -> str:
    """The reason as one sentence for a text message (the whole of it, never cut)."""
    text = "；".join(line.strip() for line in note.splitlines() if line.strip())
    return (text.rstrip("。；") + "。") if text else ""


@transaction.atomic
def start_review(*, application: Application, by) -> Application:
    """Put a just-submitted application on the first stage of its path (called by
    applications.services.submit_application in its transaction)."""
    locked = _locked(application)
    ruleset = ruleset_of(locked)
    stage = workflow.first_stage(ruleset.workflow, route_of(locked))
    filled_in = ruleset.stage(locked.stage) if locked.stage else None
    _move(
        locked,
        status=workflow.status_on_entering(stage),
        stage=stage.code,
        leaving=filled_in
        and gate.Leaving(stage=filled_in, ruleset=ruleset, on=timezone.localdate()),
        by=by,
        action="review_started",
        note=_("进入“%(stage)s”") % {"stage": stage.title},
    )
    _tell_stage_actors(locked, stage)
    _sync(application, locked)
    return application


@transaction.atomic
def resume_after_revision(*, application: Application, by) -> Application:
    """The applicant resubmitted after a return: back to the stage that returned it."""
    locked = _locked(application)
    if locked.status not in (Application.Status.RETURNED, Application.Status.IN_REVIEW):
        raise ReviewError(_("该申报不在退回修改状态，无法重新提交审核。"))
    ruleset = ruleset_of(locked)
    _move(
        locked,
        status=Application.Status.IN_REVIEW,
        by=by,
        action="resubmitted",
        note=_("修改后重新提交，回到“%(stage)s”") % {"stage": stage_title(ruleset, locked.stage)},
    )
    if ruleset.stage(locked.stage) is not None:
        _tell_stage_actors(locked, ruleset.stage(locked.stage))
    _sync(application, locked)
    return application


def _field_label(ruleset, key: str) -> str:
    section_code, _sep, field_code = key.partition(".")
    if section_code == "material":
        for material in ruleset.form.checklist:
            if material.code == field_code:
                return f"申报材料·{material.title}"
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
    meeting: str = "",
    publicity_dates=(None, None),
    on=None,
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
                "stage": stage_title(ruleset, locked.stage),
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
    if outcome == "return":
        # A return points at what to fix: at least one field, table or material, each with its
        # reason, shown beside it to the applicant (issue 17).
        targets = dict(display.field_choices(ruleset))
        unknown = [key for key in reasons if key not in targets]
        if unknown:
            raise ReviewError(
                _("退回的字段或材料不在本申报表中：%(keys)s。") % {"keys": "、".join(unknown)}
            )
        if not reasons:
            raise ReviewError(RETURN_NEEDS_A_FIELD)
    if outcome == "reject" and not note.strip():
        raise ReviewError(_("不通过须写明理由。"))

    labelled = {key: (_field_label(ruleset, key), reason) for key, reason in reasons.items()}
    full_note = note.strip()
    if labelled:
        lines = [f"{label}：{reason}" for label, reason in labelled.values()]
        full_note = "\n".join(([full_note] if full_note else []) + lines)
    if outcome == "pass":
        following = workflow.next_stage(ruleset.workflow, route_of(locked), stage)
        if following is None:
            raise ReviewError(_("该阶段之后没有下一阶段。"))
        starts_on, ends_on = publicity_dates or (None, None)
        if current.kind == "internal_publicity" and starts_on and ends_on:
            # the dates given with the decision are the record the gate reads (rolled back
            # with the decision when the gate refuses)
            nomination, _created = Nomination.objects.get_or_create(application=locked)
            nomination.publicity_starts_on, nomination.publicity_ends_on = starts_on, ends_on
            nomination.save(update_fields=["publicity_starts_on", "publicity_ends_on"])
        leaving = gate.Leaving(
            stage=current, ruleset=ruleset, on=on or timezone.localdate(), meeting=meeting
        )
        target = {
            "status": workflow.status_on_entering(following),
            "stage": following.code,
            "leaving": leaving,
        }
    elif outcome == "return":
        target = {"status": Application.Status.RETURNED}
    else:
        target = {"status": Application.Status.REJECTED}
    event = _move(
        locked,
        **target,
        by=by,
        action=ACTIONS[outcome],
        note=full_note,
        internal_note=internal_note,
    )
    returned_version = locked.versions.order_by("-number").first()
    FieldReason.objects.bulk_create(
        FieldReason(event=event, version=returned_version, field=key, label=label, reason=reason)
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
    _notify_applicant(
        locked,
        subject,
        body,
        sms_template=SMS_TEMPLATES[outcome],
        sms_params={
            "round": locked.round.name,
            "stage": current.title,
            "reason": _sms_reason(full_note),
        },
    )
    if outcome == "pass":
        _tell_stage_actors(locked, following)
    _sync(application, locked)
    return Decision(event=event, application=application)
