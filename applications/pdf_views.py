"""Pages for PDF batches: start one (a round, or one street's applications), watch its
progress, download the zip. The office sees every batch; a street reviewer their street's."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from applications.models import PdfBatch
from applications.pdf_batches import (
    exportable_streets,
    may_start_batch,
    may_use_batches,
    start_pdf_batch,
    visible_batches,
)
from portal import scope
from portal.models import Role
from portal.roles import has_role
from programmes.models import Round


class PdfBatchForm(forms.Form):
    round = forms.ModelChoiceField(
        label=_("申报批次"),
        queryset=Round.objects.none(),
        empty_label=_("请选择申报批次"),
        error_messages={"required": _("请选择申报批次。"), "invalid_choice": _("请选择申报批次。")},
    )
    street = forms.ModelChoiceField(
        label=_("街道/镇/园区"),
        queryset=None,
        required=False,
        empty_label=_("全部（整个批次）"),
        error_messages={"invalid_choice": _("您只能导出本街镇的申报。")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["round"].queryset = scope.visible(
            user,
            Round.objects.exclude(status=Round.Status.DRAFT)
            .select_related("version__programme")
            .order_by("-opens_on", "name"),
        )
        self.fields["street"].queryset = exportable_streets(user)
        if not has_role(user, Role.DISTRICT_OFFICE, Role.SYSTEM_ADMIN):
            self.fields["street"].required = True
            self.fields["street"].empty_label = None
            self.fields["street"].error_messages["required"] = _("请选择本街镇。")

    def clean(self):
        cleaned = super().clean()
        if "street" in cleaned and not may_start_batch(
            self.user, street=cleaned.get("street"), round=cleaned.get("round")
        ):
            self.add_error("street", _("您只能导出本街镇的申报。"))
        return cleaned


def _visible(request, pk: int) -> PdfBatch:
    if not may_use_batches(request.user):
        raise PermissionDenied(_("只有区人社局经办和街镇审核员可以导出申报表。"))
    batch = get_object_or_404(visible_batches(request.user), pk=pk)
    return batch


@login_required
def batches(request):
    if not may_use_batches(request.user):
        raise PermissionDenied(_("只有区人社局经办和街镇审核员可以导出申报表。"))
    form = PdfBatchForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        batch = start_pdf_batch(
            round=form.cleaned_data["round"], street=form.cleaned_data["street"], by=request.user
        )
        messages.success(request, _("已开始生成申报表压缩包，共 %(n)d 份。") % {"n": batch.total})
        return redirect("pdf_batches:detail", pk=batch.pk)
    return render(
        request,
        "applications/pdf/batches.html",
        {"form": form, "batches": visible_batches(request.user)[:50]},
    )


@login_required
@require_GET
def detail(request, pk: int):
    batch = _visible(request, pk)
    return render(request, "applications/pdf/batch_detail.html", {"batch": batch})


@login_required
@require_GET
def progress(request, pk: int):
    batch = _visible(request, pk)
    return JsonResponse(
        {
            "status": batch.status,
            "status_label": batch.get_status_display(),
            "done": batch.done,
            "total": batch.total,
            "percent": batch.percent,
            "error": batch.error,
        }
    )


@login_required
@require_GET
def download(request, pk: int):
    batch = _visible(request, pk)
    if batch.status != PdfBatch.Status.DONE or not batch.file:
        raise Http404(_("压缩包尚未生成"))
    where = f"-{batch.street.name}" if batch.street_id else ""
    response = FileResponse(
        batch.file.open("rb"),
        as_attachment=True,
        filename=f"申报表-{batch.round.name}{where}.zip",
        content_type="application/zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
