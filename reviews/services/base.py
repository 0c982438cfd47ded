"""What the review services share: their errors, the lock on the application, the gate, and the
notices to the people who act next."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from applications import gate
from applications.models import Application, ApplicationEvent
from portal.notifications import notify
from reviews.permissions import is_organiser_of
from reviews.selectors.actors import stage_actors
from reviews.selectors.history import stage_title


class ReviewError(Exception):
    """A review action that cannot be done; the message is for the user (Chinese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class StaleDecision(ReviewError):
    """The application moved on (another person decided) since the decider saw it."""


def _locked(application: Application) -> Application:
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("round__version", "unit", "applicant")
        .get(pk=application.pk)
    )
    return locked


def _sync(target: Application, source: Application) -> None:
    gate.copy_state(target, source)


def _notify_applicant(application: Application, subject: str, body: str, **sms) -> None:
    """The applicant: in-app, and mail or (with only a phone) SMS (portal.notifications)."""
    notify(
        recipients=[application.applicant],
        subject=subject,
        body=body,
        link=reverse("applications:detail", args=[application.pk]),
        **sms,
    )


def _tell_stage_actors(application: Application, stage) -> None:
    notify(
        recipients=stage_actors(application, stage),
        link=reverse("reviews:detail", args=[application.pk]),
        subject=_("【待办】%(round)s：%(name)s 的申报待您处理")
        % {"round": application.round.name, "name": application.applicant.display_name},
        body=_("%(name)s 的申报已进入“%(stage)s”，请登录平台办理。")
        % {"name": application.applicant.display_name, "stage": stage.title},
    )


def _move(locked: Application, **kwargs) -> ApplicationEvent:
    """Every status or stage change goes through the gate; its refusal is a ReviewError."""
    try:
        return gate.move(locked, **kwargs)
    except gate.GateRefused as exc:
        raise ReviewError(exc.message) from None


def _require_organiser(by, application: Application) -> None:
    if not is_organiser_of(by, application):
        raise PermissionDenied(_("仅项目主办部门可以办理此事项。"))


def _at_stage_kind(application: Application, ruleset, kind: str):
    stage = ruleset.stage(application.stage)
    if stage is None or stage.kind != kind or application.status != Application.Status.IN_REVIEW:
        raise ReviewError(
            _("%(name)s 当前不在该阶段（现为“%(stage)s”）。")
            % {
                "name": application.applicant.display_name,
                "stage": stage_title(ruleset, application.stage),
            }
        )
    return stage
