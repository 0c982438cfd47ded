"""Office and finance pages of awards, runs and batches: parse a form, call a service, render.

Permissions from subsidies.permissions (rules), lists from subsidies.selectors with the same
districts. A role the user does not hold answers 403; an award or batch outside the user's
districts answers 404 (the page does not say it exists).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import audit
from portal.flash import run_step
from portal.identity import mask_account, mask_id_number
from portal.models import Authority
from portal.scope import may_see_full_identity
from portal.xlsx import xlsx_response
from subsidies import forms, selectors, services
from subsidies.batch_payees import (  # noqa: F401  (payee_of: its old home)
    months_note,
    payee_lines,
    payee_of,
)
from subsidies.ledger import RunError
from subsidies.models import Award, Funding, Payment, PaymentBatch, PaymentRun
from subsidies.permissions import (
    is_finance,
    is_finance_of,
    is_office,
    may_approve_batches,
    may_approve_recovery,
    may_confirm_recovery,
    may_manage_award,
    may_view_award,
    may_view_batches,
    office_ids,
)

PAGE_SIZE = 50


def _require(predicate, user, *args):
    if not predicate(user, *args):
        raise PermissionDenied(_("您没有访问该页面的权限。"))


def _award(user, pk: int) -> Award:
    award = get_object_or_404(
        Award.objects.select_related("ruleset_version__programme", "person", "unit", "application"),
        pk=pk,
    )
    if not may_view_award(user, award):
        raise Http404
    return award


# --- awards --------------------------------------------------------------------------------


@login_required
def awards(request):
    """命名与待遇: the awards of the office's (or finance's) districts."""
    _require(may_view_batches, request.user)
    form = forms.AwardFilterForm(request.GET or None)
    query = title = ""
    if form.is_bound and form.is_valid():
        query, title = form.cleaned_data["q"], form.cleaned_data["title"]
    page = Paginator(selectors.awards_for(request.user, query=query, title=title), PAGE_SIZE)
    page = page.get_page(request.GET.get("page"))
    page.object_list = selectors.with_paid_totals(page.object_list)  # the page's sums only
    return render(request, "subsidies/awards.html", {"form": form, "page": page})


def _action_forms(award, bound=None):
    made = {
        "adjust": forms.AdjustmentForm(award=award),
        "assess": forms.AssessmentForm(award=award),
        "studio": forms.StudioForm(award=award),
        "other": forms.OtherBenefitForm(award=award),
        "title": forms.OtherTitleForm(award=award),
        "recover": forms.RecoveryForm(award=award),
    }
    if bound is not None:
        made[bound.prefix] = bound
    return made


@login_required
def award_detail(request, pk: int, bound=None, status: int = 200):
    """The award's statement: the ledger, what comes next, assessments, the audit trail."""
    award = _award(request.user, pk)
    manage = may_manage_award(request.user, award)
    full = may_see_full_identity(request.user, award)
    statement = selectors.statement(award, today=timezone.localdate())
    ruleset = award.ruleset_version.ruleset
    if full and (award.person_account or award.unit_account):
        audit.record("view_bank_account", obj=award)
    return render(
        request,
        "subsidies/award_detail.html",
        {
            "award": award,
            "statement": statement,
            "manage": manage,
            "forms": _action_forms(award, bound) if manage else {},
            # the payee's ID number and accounts in full to the office managing the award
            # (portal.scope.may_see_full_identity); finance reads them masked here, in full in
            # the payroll sheet of an approved batch (issue 17)
            "full_identity": full,
            "shows_accounts": full or is_finance_of(request.user, award),
            "accounts": _accounts(award, full=full),
            "schedule_labels": {s.code: s.label for s in ruleset.benefits.schedules},
            "assessment_labels": {a.code: a.label for a in ruleset.assessments},
            "id_number": _id_number(request.user, award),
            "may_confirm": may_confirm_recovery(request.user, award),
            "payee_missing": services.payee_missing(award)
            and any(s.payee == "person" for s in ruleset.benefits.schedules),
            "payee_clause": getattr(ruleset.benefits.person_payee, "source", ""),
            "may_approve": may_approve_recovery(request.user, award),
        },
        status=status,
    )


@login_required
def award_pdf(request, pk: int):
    """The award's statement as a PDF (the same people as the page)."""
    from applications.pdf import render_pdf  # noqa: PLC0415  (the PDF engine loads only when a PDF is asked for)

    award = _award(request.user, pk)
    today = timezone.localdate()
    pdf = render_pdf(
        "subsidies/statement_pdf.html",
        {"award": award, "statement": selectors.statement(award, today=today), "today": today},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="statement-{award.pk}.pdf"'
    return response


def _id_number(user, award) -> str:
    """The payee's ID number: in full to the office that manages the award, masked to anyone
    else (finance reads it in full in the payroll sheet of an approved batch)."""
    number = award.person_id_number or (award.person.id_number if award.person else "") or ""
    if not number:
        return ""
    if may_see_full_identity(user, award):
        audit.record("view_full_id", user=user, obj=award)
        return number
    return mask_id_number(number)


def _accounts(award, *, full: bool) -> dict[str, str]:
    show = (lambda value: value or "") if full else mask_account
    return {"person": show(award.person_account), "unit": show(award.unit_account)}


ACTIONS = {
    "adjust": forms.AdjustmentForm,
    "assess": forms.AssessmentForm,
    "studio": forms.StudioForm,
    "other": forms.OtherBenefitForm,
    "title": forms.OtherTitleForm,
    "recover": forms.RecoveryForm,
}


def _perform(action: str, award, data: dict, by):
    on, note = data["on"], data.get("note", "")
    if action == "adjust":
        return services.adjust_award(
            award=award, kind=data["kind"], reason=data.get("reason", ""), on=on, by=by, note=note
        )
    if action == "assess":
        return services.record_assessment(
            award=award,
            code=data["code"],
            result=data["result"],
            on=on,
            by=by,
            unit_at_fault=data["unit_at_fault"],
            after_rectification=data["after_rectification"],
            note=note,
        )
    if action == "studio":
        return services.record_studio(award=award, level=data["level"], on=on, by=by, note=note)
    if action == "other":
        return services.record_other_benefit(
            award=award,
            name=data["name"],
            monthly_amount=f"{data['monthly_amount']:.2f}",
            on=on,
            by=by,
            note=note,
        )
    if action == "title":
        return services.record_other_title(award=award, name=data["name"], on=on, by=by, note=note)
    payments = Payment.objects.filter(award=award, pk__in=[int(p) for p in data["payments"]])
    return services.order_recovery(award=award, payments=payments, on=on, reason=note, by=by)


@login_required
@require_POST
def award_action(request, pk: int, action: str):
    """Record a fact, an adjustment or a recovery on the award (the office only)."""
    award = _award(request.user, pk)
    _require(may_manage_award, request.user, award)
    form_class = ACTIONS.get(action)
    if form_class is None:
        raise Http404
    form = form_class(request.POST, award=award)
    if form.is_valid():
        try:
            _perform(action, award, form.cleaned_data, request.user)
        except services.AwardError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已记录。"))
            return redirect("subsidies:award", pk=award.pk)
    return award_detail(request, pk, bound=form, status=400)


# --- recovery claims -----------------------------------------------------------------------


@login_required
def recoveries(request):
    """追回: the recovery claims of the office's or finance's districts, with their causes."""
    _require(may_view_batches, request.user)
    status = request.GET.get("status", "")
    if status not in Payment.ClaimStatus.values:
        status = ""
    page = Paginator(selectors.recovery_claims(request.user, status=status), PAGE_SIZE)
    return render(
        request,
        "subsidies/recoveries.html",
        {
            "page": page.get_page(request.GET.get("page")),
            "status": status,
            "statuses": Payment.ClaimStatus.choices,
            "may_confirm": is_office(request.user),
            "may_approve": is_finance(request.user),
        },
    )


def _claim(user, pk: int, predicate) -> Payment:
    """A recovery claim the user may act on with `predicate`; any other answers 404."""
    claim = get_object_or_404(
        Payment.objects.select_related("award"), pk=pk, recovers__isnull=False
    )
    if not predicate(user, claim.award):
        raise Http404
    return claim


def _claim_action(request, pk: int, predicate, service, done: str):
    claim = _claim(request.user, pk, predicate)
    run_step(request, lambda: service(claim=claim, by=request.user), done, services.AwardError)
    back = request.POST.get("next", "")
    if back == "list":
        return redirect("subsidies:recoveries")
    return redirect("subsidies:award", pk=claim.award_id)


@login_required
@require_POST
def claim_confirm(request, pk: int):
    """The office confirms a recovery claim of its district."""
    return _claim_action(
        request, pk, may_confirm_recovery, services.confirm_recovery, _("已确认追回。")
    )


@login_required
@require_POST
def claim_approve(request, pk: int):
    """Finance approves a confirmed recovery claim (not the one who drafted or confirmed it)."""
    return _claim_action(
        request, pk, may_approve_recovery, services.approve_recovery, _("已审批追回。")
    )


# --- assessments ---------------------------------------------------------------------------


@login_required
def assessments(request):
    """考核: overdue ones first, then those coming due."""
    _require(is_office, request.user)
    overdue, soon = selectors.assessments_for(request.user, today=timezone.localdate())
    return render(
        request,
        "subsidies/assessments.html",
        {"overdue": overdue, "soon": soon, "days": selectors.DUE_SOON_DAYS},
    )


# --- runs ----------------------------------------------------------------------------------


@login_required
def runs(request):
    """发放计算: start a run by hand and see the recent ones."""
    _require(is_office, request.user)
    form = forms.RunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.start_run(
                kind=form.cleaned_data["kind"],
                period=form.cleaned_data["period"],
                by=request.user,
                authority=_own_authority(request.user),
            )
        except RunError as exc:
            form.add_error("period", str(exc))
        else:
            return redirect("subsidies:run", pk=run.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "subsidies/runs.html",
        {"form": form, "runs": selectors.runs(request.user)},
        status=status,
    )


def _own_authority(user):
    """The authority an office's run covers (None, every authority, for the system admin)."""
    ids = office_ids(user)
    return None if ids is None else Authority.objects.filter(pk__in=ids).order_by("pk").first()


def _run(user, pk: int) -> PaymentRun:
    _require(is_office, user)
    run = get_object_or_404(PaymentRun, pk=pk)
    if not user.has_perm("subsidies.view_run", run):
        raise Http404
    return run


@login_required
def run_detail(request, pk: int):
    run = _run(request.user, pk)
    return render(request, "subsidies/run_detail.html", {"run": run})


@login_required
def run_status(request, pk: int):
    """The run's progress for the page that polls it."""
    run = _run(request.user, pk)
    return JsonResponse(
        {
            "status": run.status,
            "status_label": run.get_status_display(),
            "percent": run.percent,
            "awards_done": run.awards_done,
            "awards_total": run.awards_total,
            "created": run.created,
            "existing": run.existing,
            "error": run.error,
        }
    )


# --- batches -------------------------------------------------------------------------------


@login_required
def batches(request):
    """发放批次: per period and funding line."""
    _require(may_view_batches, request.user)
    return render(
        request,
        "subsidies/batches.html",
        {
            "batches": selectors.batches_for(request.user),
            "may_run": is_office(request.user),
        },
    )


def _batch(user, pk: int) -> PaymentBatch:
    _require(may_view_batches, user)
    batch = get_object_or_404(
        PaymentBatch.objects.select_related("drafted_by", "approved_by", "authority"), pk=pk
    )
    if not user.has_perm("subsidies.view_batch", batch):
        raise Http404
    return batch


@login_required
def batch_detail(request, pk: int):
    batch = _batch(request.user, pk)
    # one line per payee, the ID number and the account masked: in full only in the payroll
    # sheet of an approved batch (issue 17)
    lines = payee_lines(selectors.batch_rows(request.user, batch))
    return render(
        request,
        "subsidies/batch_detail.html",
        {
            "batch": batch,
            "lines": lines,
            "total": sum((line.amount for line in lines), 0),
            "may_approve": request.user.has_perm("subsidies.approve_batch", batch),
            "may_export": batch.status != PaymentBatch.Status.DRAFT,
        },
    )


def _batch_step(request, pk: int, step, success: str):
    """Approve or mark paid: the approving role (403 without it), the batch's permission
    (404 without it); the service's refusal shown as a message."""
    batch = _batch(request.user, pk)
    _require(may_approve_batches, request.user)  # a role the user lacks: 403
    if not request.user.has_perm("subsidies.approve_batch", batch):
        raise Http404
    run_step(request, lambda: step(batch=batch, by=request.user), success, services.AwardError)
    return redirect("subsidies:batch", pk=batch.pk)


@login_required
@require_POST
def batch_approve(request, pk: int):
    return _batch_step(request, pk, services.approve_batch, _("批次已审核。"))


@login_required
@require_POST
def batch_paid(request, pk: int):
    return _batch_step(request, pk, services.mark_batch_paid, _("批次已标记为已发放。"))


PAYROLL_HEADERS = ["姓名", "身份证号", "单位", "开户银行", "账号", "金额", "资金来源", "期间"]


@login_required
def batch_export(request, pk: int):
    """The payroll sheet (xlsx) with full ID and account numbers, one line per payee with the
    months it covers: finance and the office only, once the batch is approved."""
    batch = _batch(request.user, pk)
    if batch.status == PaymentBatch.Status.DRAFT:
        raise Http404  # a draft batch is not paid from: its payroll sheet is not offered
    funding = str(Funding(batch.funding).label)
    full_identity = may_see_full_identity(request.user, batch)
    rows = [
        [
            line.name,
            line.id_number if full_identity else line.masked_id_number,
            line.unit,
            line.bank,
            line.account,
            line.amount,
            funding,
            months_note(line),
        ]
        for line in payee_lines(selectors.batch_rows(request.user, batch))
    ]
    response = xlsx_response(
        filename=f"payroll-{batch.period}-{batch.funding}.xlsx",
        headers=PAYROLL_HEADERS,
        rows=rows,
        title="发放名单",
        number_formats={6: "#,##0.00"},
    )
    return response
