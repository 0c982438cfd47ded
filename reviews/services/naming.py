"""Naming: the office enters the naming document and every approved candidate is named."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from applications import gate
from applications.models import Application
from reviews import hooks
from reviews.models import Naming
from reviews.permissions import ruleset_of
from reviews.services.base import ReviewError, _require_organiser


@transaction.atomic
def name_candidates(*, round_, document_number: str, named_on, by):
    """The office enters the naming document: every approved candidate becomes an award, in this
    transaction, by the handlers registered in reviews.hooks (subsidies.services.create_award,
    which tells the applicant and the unit). With none registered it refuses before any change."""
    applications = list(
        Application.objects.select_for_update(of=("self",))
        .filter(round=round_, status=Application.Status.APPROVED)
        .select_related("round__version", "applicant", "unit")
        .order_by("pk")
    )
    if not applications:
        raise ReviewError(_("没有待命名的人选。"))
    _require_organiser(by, applications[0])
    if not document_number.strip():
        raise ReviewError(_("请填写命名文件文号。"))
    handlers = hooks.named_handlers()
    naming = Naming.objects.create(
        round=round_, document_number=document_number.strip(), named_on=named_on, named_by=by
    )
    ruleset = ruleset_of(applications[0])
    for app in applications:
        naming_stage = ruleset.stage(app.stage)
        if naming_stage is None or naming_stage.kind != "naming":
            raise ReviewError(_("%(name)s 不在命名阶段。") % {"name": app.applicant.display_name})
        try:
            gate.move(
                app,
                status=Application.Status.NAMED,
                leaving=gate.Leaving(stage=naming_stage, ruleset=ruleset, on=named_on),
                by=by,
                action="named",
                note=_("%(doc)s（%(date)s）命名")
                % {"doc": naming.document_number, "date": named_on},
            )
        except gate.GateRefused as exc:
            raise ReviewError(
                _("%(name)s 不能命名：%(why)s")
                % {"name": app.applicant.display_name, "why": exc.message}
            ) from None
        for handler in handlers:
            handler(
                application=app, document_number=naming.document_number, named_on=named_on, by=by
            )
    naming.applications.set(applications)
    return naming
