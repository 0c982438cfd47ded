"""Publicity of the candidates, the objections anyone may lodge, and the close of publicity."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, ApplicationEvent
from portal.notifications import notify
from programmes import paths
from programmes.selectors import working_day_calendar
from reviews.models import Objection, Publicity
from reviews.permissions import ruleset_of
from reviews.selectors.actors import organisers
from reviews.services.base import ReviewError, _at_stage_kind, _require_organiser
from reviews.services.decisions import decide

DEFAULT_PUBLICITY_WORKING_DAYS = paths.DEFAULT_PUBLICITY_WORKING_DAYS


publicity_end = paths.publicity_end


@transaction.atomic
def start_publicity(*, round_, stage: str, starts_on, by):
    """The office starts the publicity of the round's candidates at `stage`; the end date is
    computed by the working-day calendar."""
    applications = list(
        Application.objects.select_for_update(of=("self",))
        .filter(round=round_, stage=stage, status=Application.Status.IN_REVIEW)
        .select_related("round__version", "applicant", "unit")
        .order_by("pk")
    )
    if not applications:
        raise ReviewError(_("没有处于公示阶段的人选。"))
    _require_organiser(by, applications[0])
    ruleset = ruleset_of(applications[0])
    stage_obj = _at_stage_kind(applications[0], ruleset, "publicity")
    if Publicity.objects.filter(round=round_, stage=stage).exists():
        raise ReviewError(_("该批次的公示已经开始。"))
    try:
        ends_on = publicity_end(stage_obj, starts_on, working_day_calendar())
    except ValueError as exc:
        raise ReviewError(_("无法计算公示结束日期：%(e)s") % {"e": exc}) from None
    publicity = Publicity.objects.create(
        round=round_, stage=stage, starts_on=starts_on, ends_on=ends_on, started_by=by
    )
    publicity.applications.set(applications)
    for app in applications:
        ApplicationEvent.record(
            app,
            by=by,
            action="publicity_started",
            note=_("公示期 %(start)s 至 %(end)s") % {"start": starts_on, "end": ends_on},
        )
    return publicity


@transaction.atomic
def lodge_objection(
    *, publicity, application: Application, name: str, contact: str, text: str, today=None
):
    """Anyone lodges an objection to a candidate during the publicity period."""
    today = today or timezone.localdate()
    if publicity.closed_at or not (publicity.starts_on <= today <= publicity.ends_on):
        raise ReviewError(_("不在公示期内，不能提出异议。"))
    if not publicity.applications.filter(pk=application.pk).exists():
        raise ReviewError(_("该人选不在本次公示名单中。"))
    if not name.strip() or not contact.strip():
        # An anonymous objection cannot be verified, yet each open one holds the publicity.
        raise ReviewError(_("请填写姓名和联系方式，以便核实。"))
    objection = Objection.objects.create(
        publicity=publicity,
        application=application,
        name=name.strip(),
        contact=contact.strip(),
        text=text.strip(),
    )
    notify(
        recipients=organisers(application),
        subject=_("【公示异议】%(round)s") % {"round": publicity.round.name},
        body=_("收到对 %(name)s 的公示异议，请登录平台处理。")
        % {"name": application.applicant.display_name},
    )
    return objection


@transaction.atomic
def resolve_objection(*, objection, by, upheld: bool, resolution: str):
    """The office resolves an objection; an upheld one removes the candidate."""
    objection_row = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("publicity", "application__round__version")
        .get(pk=objection.pk)
    )
    _require_organiser(by, objection_row.application)
    if objection_row.status != Objection.Status.OPEN:
        raise ReviewError(_("该异议已处理。"))
    if not resolution.strip():
        raise ReviewError(_("请填写处理意见。"))
    objection_row.status = Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED
    objection_row.resolution = resolution.strip()
    objection_row.resolved_by = by
    objection_row.resolved_at = timezone.now()
    objection_row.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    if upheld:
        decide(
            application=objection_row.application,
            stage=objection_row.publicity.stage,
            outcome="reject",
            by=by,
            note=_("公示异议经核实成立：%(r)s") % {"r": objection_row.resolution},
        )
    return objection_row


@transaction.atomic
def close_publicity(*, publicity, by, today=None):
    """After the last day, with every objection resolved, the candidates still listed pass."""
    locked = Publicity.objects.select_for_update().get(pk=publicity.pk)
    today = today or timezone.localdate()
    apps = list(locked.applications.select_related("round__version", "applicant", "unit"))
    _require_organiser(by, apps[0])
    if locked.closed_at:
        raise ReviewError(_("公示已结束。"))
    if today <= locked.ends_on:
        raise ReviewError(_("公示期至 %(end)s，期满后才能结束公示。") % {"end": locked.ends_on})
    if locked.objections.filter(status=Objection.Status.OPEN).exists():
        raise ReviewError(_("尚有未处理的公示异议。"))
    for app in apps:
        app.refresh_from_db(fields=["status", "stage"])
        if app.status == Application.Status.IN_REVIEW and app.stage == locked.stage:
            decide(
                application=app,
                stage=locked.stage,
                outcome="pass",
                by=by,
                note=_("公示期满无异议（或异议不成立）"),
                on=today,
            )
    locked.closed_at = timezone.now()
    locked.closed_by = by
    locked.save(update_fields=["closed_at", "closed_by"])
    return locked
