"""The applicant's pages: thin views over applications.services (the unit HR's pages:
applications.nomination_views)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from applications import declaration, hooks, services
from applications.display import readable
from applications.forms import AttachmentForm, StartForm
from applications.models import Application, Attachment
from applications.pdf import render_application_pdf
from applications.permissions import (
    can_edit,
    can_open_attachment,
    can_view,
    own_applications,
)
from portal import audit
from portal.flash import run_step
from portal.models import Unit
from portal.scope import may_see_full_identity
from programmes import selectors as programme_selectors
from programmes.models import Round

RESULT_STYLE = {"pass": "success", "warn": "warning", "fail": "danger"}
RESULT_LABEL = {"pass": "符合", "warn": "需说明", "fail": "不符合"}
ACTION_LABELS = {
    "created": "创建申报草稿",
    "submitted": "提交申报",
    "resubmitted": "修改后重新提交",
    "attachment": "材料变更",
    "withdrawn": "撤回申报",
    "passed": "审核通过",
    "returned": "退回修改",
    "rejected": "审核未通过",
    "expert_assigned": "分配评审专家",
    "experts_drawn": "随机抽取评审专家",
    "expert_recused": "专家申明回避",
    "sheet_reopened": "评分表退回重评",
}


def _application(request, pk: int, *, edit: bool = False, lean: bool = False) -> Application:
    """The application the user may view (or edit); 404 otherwise.

    `lean`: without the form's and the rule set's JSON (a service reads the row again, locked).
    """
    found = Application.objects.select_related(
        "round__version__programme", "unit", "street", "department", "applicant"
    )
    if lean:
        found = found.defer("data", "round__version__data")
    application = get_object_or_404(found, pk=pk)
    allowed = can_edit(request.user, application) if edit else can_view(request.user, application)
    if not allowed:
        # Not found rather than forbidden: nobody learns which numbers exist.
        raise Http404("没有找到该申报")
    return application


@login_required
def mine(request):
    applications = (
        own_applications(request.user)
        .select_related("round__version__programme", "unit")
        .order_by("-updated_at")
    )
    return render(request, "applications/mine.html", {"applications": applications})


@login_required
def start(request, round_id: int):
    round = get_object_or_404(Round.objects.select_related("version__programme"), pk=round_id)
    ruleset = round.version.ruleset
    existing = own_applications(request.user).filter(round=round).exclude(status="withdrawn")
    if existing.exists():
        return redirect("applications:edit", pk=existing.first().pk)
    query = request.GET.get("unit_q", "").strip()[:50]
    if ruleset.identity.applicant_kind in ("organisation", "project"):
        units = Unit.objects.filter(pk__in=[u.pk for u in services.applicant_units(request.user)])
        searching = False
    else:
        # Only the programme's district's units (the craftsman: the city's), found by search.
        units = programme_selectors.programme_units(round, query=query)
        searching = True
    streets = None
    if ruleset.identity.applicant_kind == "person" and programme_selectors.needs_residence_street(
        ruleset
    ):
        streets = programme_selectors.programme_streets(round)
    shown = units
    if searching and request.method != "POST":
        shown = units.filter(pk__in=units.values("pk")[: programme_selectors.UNIT_CHOICES_LIMIT])
    form = StartForm(request.POST or None, ruleset=ruleset, units=shown, streets=streets)
    if request.method == "POST":
        form.fields["unit"].queryset = units
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        street = form.cleaned_data.get("street")
        channel = form.cleaned_data["channel"]
        if (
            unit is None
            and streets is not None
            and street is None
            and programme_selectors.needs_residence_street(ruleset, channel)
        ):
            form.add_error("street", "没有工作单位的，请选择户籍或居住地所在街道（镇）。")
    if request.method == "POST" and form.is_valid():
        try:
            application = services.start_application(
                round=round,
                by=request.user,
                channel=channel,
                unit=unit,
                street=street if unit is None else None,
            )
        except services.ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, "已创建申报草稿，填写内容会自动保存。")
            return redirect("applications:edit", pk=application.pk)
    return render(
        request,
        "applications/start.html",
        {
            "round": round,
            "ruleset": ruleset,
            "form": form,
            "searching": searching,
            "unit_q": query,
            "unit_count": units.count() if searching else None,
            "unit_limit": programme_selectors.UNIT_CHOICES_LIMIT,
        },
    )


def _checks_context(application, today):
    checks = services.precheck(application, on=today)
    return [
        {
            "code": c.code,
            "result": c.result,
            "style": RESULT_STYLE[c.result],
            "label": RESULT_LABEL[c.result],
            "message": c.message,
            "source": c.source,
            "reason": application.warn_reasons.get(c.code, ""),
        }
        for c in checks
    ]


def _edit_context(application, bound, errors, *, today, problems=None):
    ruleset = services.ruleset_of(application)
    attachments = list(application.attachments.order_by("item", "uploaded_at"))
    uploaded = {a.item for a in attachments}
    # The latest return's reasons by input name ("person-name", "work_history", "material-x"),
    # each shown beside its field, table or material.
    reasons = (
        {
            key.replace(".", "-", 1): [reason]
            for key, reason in hooks.return_reasons(application).items()
        }
        if application.status == Application.Status.RETURNED
        else {}
    )
    checklist = [
        {
            "item": item,
            "files": [a for a in attachments if a.item == item.code],
            "done": item.code in uploaded,
            "problems": (problems or {}).get(f"material-{item.code}", []),
            "reasons": reasons.get(f"material-{item.code}", []),
        }
        for item in ruleset.form.checklist
    ]
    return {
        "application": application,
        "ruleset": ruleset,
        "sections": bound.sections,
        "errors": errors,
        "checks": _checks_context(application, today),
        "checklist": checklist,
        "missing": [c for c in checklist if c["item"].required and not c["done"]],
        "attachment_form": AttachmentForm(ruleset=ruleset),
        "problems": problems or {},
        "problem_list": declaration.problem_list(ruleset, problems or {}),
        "form_title": ruleset.form.cover.title_for(year=application.round.year)
        if ruleset.form.cover
        else ruleset.identity.name_zh,
        "max_upload_mb": f"{settings.MAX_UPLOAD_BYTES / 1024 / 1024:g}",
        "max_upload_bytes": settings.MAX_UPLOAD_BYTES,
        "returned": application.events.filter(action="returned").order_by("at", "id").last()
        if application.status == Application.Status.RETURNED
        else None,
        "reasons": reasons,
    }


@login_required
def edit(request, pk: int):
    application = _application(request, pk, edit=True)
    today = timezone.localdate()
    if application.status not in services.EDITABLE:
        return redirect("applications:detail", pk=application.pk)
    ruleset = services.ruleset_of(application)
    problems = None
    if request.method == "POST":
        try:
            application, errors = services.save_draft(
                application=application, post=request.POST, by=request.user
            )
        except services.ApplicationError as exc:
            messages.error(request, str(exc))
            return redirect("applications:detail", pk=application.pk)
        bound = declaration.Declaration.from_post(ruleset, request.POST, today=today)
        if request.POST.get("action") == "submit":
            try:
                services.submit_application(application=application, by=request.user)
            except services.ApplicationError as exc:
                problems = exc.errors
                messages.error(request, str(exc))
                bound = declaration.Declaration.from_post(
                    ruleset, request.POST, strict=True, today=today
                )
                errors = bound.errors()
                # Problems found beyond the form's own checks (another person's name or ID
                # number) are shown beside their field too.
                for name, found in problems.items():
                    if name and found:
                        errors.setdefault(name, [])
                        errors[name] += [m for m in found if m not in errors[name]]
            else:
                messages.success(request, "申报已提交，请留意办理进度。")
                return redirect("applications:detail", pk=application.pk)
        else:
            messages.success(request, "草稿已保存。")
    else:
        bound = declaration.Declaration.from_data(ruleset, application.data, today=today)
        errors = bound.errors()
    context = _edit_context(application, bound, errors, today=today, problems=problems)
    context["upload_error"] = request.session.pop("upload_error", "")
    status = 400 if problems else 200
    return render(request, "applications/edit.html", context, status=status)


@require_POST
def autosave(request, pk: int):
    """Save what the page holds; JSON for the page's script (401 when the login expired)."""
    if not request.user.is_authenticated:
        return JsonResponse(
            {"ok": False, "error": "登录已过期，内容已暂存在本机浏览器中，请重新登录后继续。"},
            status=401,
        )
    application = _application(request, pk, edit=True, lean=True)
    try:
        application, errors, checks_changed = services.autosave_draft(
            application=application, post=request.POST, by=request.user
        )
    except services.ApplicationError as exc:
        return JsonResponse({"ok": False, "error": str(exc)}, status=409)
    # null: the facts the checks read did not change, the page keeps the checks it shows.
    checks_html = None
    if checks_changed or request.POST.get("checks") == "1":
        checks_html = render_to_string(
            "applications/_checks.html",
            {
                "checks": _checks_context(application, timezone.localdate()),
                "application": application,
            },
            request=request,
        )
    return JsonResponse(
        {
            "ok": True,
            "revision": application.revision,
            "saved_at": timezone.localtime(application.updated_at).strftime("%H:%M:%S"),
            "errors": errors,
            "checks_html": checks_html,
        }
    )


@login_required
@require_POST
def upload(request, pk: int):
    application = _application(request, pk, edit=True)
    ruleset = services.ruleset_of(application)
    form = AttachmentForm(request.POST, request.FILES, ruleset=ruleset)
    if form.is_valid():
        try:
            attachment = services.add_attachment(
                application=application,
                item=form.cleaned_data["item"],
                upload=form.cleaned_data["file"],
                by=request.user,
            )
        except services.ApplicationError as exc:
            # shown beside the upload form, where the file was chosen
            request.session["upload_error"] = str(exc)
        else:
            messages.success(request, f"已上传“{attachment.original_name}”。")
    else:
        request.session["upload_error"] = " ".join(
            str(error) for field_errors in form.errors.values() for error in field_errors
        )
    return redirect(f"{_edit_url(application)}#upload-form")


def _edit_url(application):
    return reverse("applications:edit", kwargs={"pk": application.pk})


@login_required
@require_POST
def delete_attachment(request, pk: int, attachment_id: int):
    application = _application(request, pk, edit=True)
    attachment = get_object_or_404(Attachment, pk=attachment_id, application=application)
    run_step(
        request,
        lambda: services.remove_attachment(attachment=attachment, by=request.user),
        "已删除该材料。",
        services.ApplicationError,
    )
    return redirect(f"{_edit_url(application)}#materials")


@login_required
def attachment(request, attachment_id: int):
    """Serve an uploaded file to those who may see the application: as a download, nosniff."""
    item = get_object_or_404(
        Attachment.objects.select_related("application__round__version"), pk=attachment_id
    )
    if not can_open_attachment(request.user, item):
        raise Http404("没有找到该材料")
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=f"{item.item}-{item.pk}{_suffix(item.content_type)}",
        content_type=item.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def _suffix(content_type: str) -> str:
    return {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}.get(
        content_type, ""
    )


@login_required
def detail(request, pk: int):
    application = _application(request, pk)
    ruleset = services.ruleset_of(application)
    is_owner = application.applicant_id == request.user.pk
    events = hooks.applicant_history(application) if is_owner else None
    if events is None:
        events = [
            {
                "at": e.at,
                "actor": e.actor.display_name if e.actor else "",
                "action": e.action,
                "to_stage": "",
                "note": e.note,
                "internal_note": e.internal_note,
            }
            for e in application.events.select_related("actor").order_by("at", "id")
        ]
    for event in events:
        event["label"] = event["note"] or ACTION_LABELS.get(event["action"], event["action"])
    stage = next((s for s in ruleset.workflow.stages if s.code == application.stage), None)
    returned = None
    if application.status == Application.Status.RETURNED:
        returned = application.events.filter(to_status="returned").order_by("-at").first()
    return render(
        request,
        "applications/detail.html",
        {
            "application": application,
            "ruleset": ruleset,
            "stage": stage,
            "events": events,
            "versions": application.versions.order_by("-number"),
            "is_owner": is_owner,
            "returned": returned,
            "editable": is_owner and application.status in services.EDITABLE,
        },
    )


@login_required
def version(request, pk: int, number: int):
    application = _application(request, pk)
    frozen = get_object_or_404(
        application.versions.select_related("ruleset_version"), number=number
    )
    ruleset = frozen.ruleset_version.ruleset
    return render(
        request,
        "applications/version.html",
        {
            "application": application,
            "frozen": frozen,
            "rows": readable(ruleset, frozen.data, user=request.user, application=application),
            "checks": [
                {**c, "reason": frozen.warn_reasons.get(c["code"], "")} for c in frozen.checks
            ],
            # the return of this version, if it was returned: its reasons stay with it
            "return_reasons": frozen.return_reasons.select_related("event__actor").order_by(
                "event__at", "id"
            ),
        },
    )


@login_required
@require_POST
def withdraw(request, pk: int):
    application = _application(request, pk, edit=True)
    reason = request.POST.get("reason", "")
    run_step(
        request,
        lambda: services.withdraw_application(
            application=application, by=request.user, reason=reason
        ),
        "申报已撤回。",
        services.ApplicationError,
    )
    return redirect("applications:detail", pk=pk)


@login_required
def pdf(request, pk: int):
    application = _application(request, pk)
    mask = not may_see_full_identity(request.user, application)
    if not mask and application.applicant_id != request.user.pk:
        audit.record("view_full_id", obj=application, detail="pdf")
    content = render_application_pdf(application, mask_id=mask)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="application-{application.pk}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
