"""The public-credit check of a candidate (pass moves on, fail rejects)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from applications.models import Application
from reviews.models import CreditCheck
from reviews.permissions import ruleset_of
from reviews.services.base import ReviewError, _at_stage_kind, _locked, _require_organiser, _sync
from reviews.services.decisions import decide


@transaction.atomic
def record_credit_check(*, application: Application, result: str, reference: str, by):
    """The office records a candidate's public-credit result: pass moves on, fail rejects."""
    locked = _locked(application)
    _require_organiser(by, locked)
    ruleset = ruleset_of(locked)
    stage = _at_stage_kind(locked, ruleset, "credit_check")
    if result not in (CreditCheck.Result.PASS, CreditCheck.Result.FAIL):
        raise ReviewError(_("核查结果应为“通过”或“不通过”。"))
    check = CreditCheck.objects.create(
        application=locked, result=result, reference=reference.strip(), checked_by=by
    )
    note = _("信用核查%(result)s（%(ref)s）") % {
        "result": check.get_result_display(),
        "ref": check.reference or _("无编号"),
    }
    decide(
        application=locked,
        stage=stage.code,
        outcome="pass" if result == CreditCheck.Result.PASS else "reject",
        by=by,
        note=note,
    )
    _sync(application, locked)
    return check
