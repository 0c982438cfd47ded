"""Review records in the admin: the expert pool, panels, credit checks (with xlsx import),
publicity, objections, tie decisions and naming. State changes go through reviews.services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from openpyxl import load_workbook

from applications.models import Application
from portal.admin_scope import ScopedAdmin, ScopedInline
from reviews import (
    application_admin,  # noqa: F401  (the review's ApplicationAdmin, registered)
    services,
)
from reviews.credit_import import parse_rows
from reviews.models import (
    CreditCheck,
    ExpertProfile,
    Naming,
    Objection,
    Panel,
    Publicity,
    TieDecision,
)
from reviews.resources import ExpertProfileResource


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ExpertProfile)
class ExpertProfileAdmin(ScopedAdmin, ImportExportModelAdmin):
    resource_classes = [ExpertProfileResource]
    list_display = ["user", "title", "fields_of_expertise", "unit", "active"]
    list_filter = ["active"]
    search_fields = ["user__real_name", "user__username", "fields_of_expertise"]
    autocomplete_fields = ["unit"]
    raw_id_fields = ["user"]


@admin.register(Panel)
class PanelAdmin(ScopedAdmin, ReadOnlyAdmin):
    list_display = ["round", "stage", "group", "draw_seed", "created_by", "created_at"]
    list_filter = ["round", "stage"]


class CreditImportForm(forms.Form):
    file = forms.FileField(
        label=_("信用核查结果（xlsx）"),
        help_text=_("列：申报编号、核查结果（通过/不通过）、查询编号"),
        error_messages={"required": _("请选择文件。")},
    )


@admin.register(CreditCheck)
class CreditCheckAdmin(ScopedAdmin, ReadOnlyAdmin):
    list_display = ["application", "result", "reference", "checked_by", "checked_at"]
    list_filter = ["result"]
    change_list_template = "reviews/admin_credit_changelist.html"

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="reviews_creditcheck_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Import results from xlsx; each row goes through record_credit_check."""
        form = CreditImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                sheet = load_workbook(form.cleaned_data["file"], read_only=True).active
                rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
            except Exception:
                form.add_error("file", _("无法读取该文件，请上传 xlsx 格式的表格。"))
            else:
                good, problems = parse_rows(rows)
                done = 0
                for row in good:
                    app = Application.objects.filter(pk=row.application_id).first()
                    if app is None:
                        problems.append(f"第{row.line}行：没有编号为 {row.application_id} 的申报")
                        continue
                    try:
                        services.record_credit_check(
                            application=app,
                            result=row.result,
                            reference=row.reference,
                            by=request.user,
                        )
                        done += 1
                    except (services.ReviewError, PermissionDenied) as exc:
                        message = getattr(exc, "message", None) or str(exc)
                        problems.append(f"第{row.line}行：{message}")
                for problem in problems:
                    messages.error(request, problem)
                messages.success(request, f"已导入 {done} 条信用核查结果。")
                return redirect("admin:reviews_creditcheck_changelist")
        return TemplateResponse(
            request,
            "reviews/admin_action.html",
            {
                **self.admin_site.each_context(request),
                "title": "导入信用核查结果",
                "form": form,
                "queryset": [],
                "upload": True,
                "opts": self.model._meta,
            },
        )


class ObjectionInline(ScopedInline, admin.TabularInline):
    model = Objection
    extra = 0
    can_delete = False
    fields = ["application", "name", "contact", "text", "status", "resolution", "resolved_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Publicity)
class PublicityAdmin(ScopedAdmin, ReadOnlyAdmin):
    list_display = ["round", "stage", "starts_on", "ends_on", "closed_at"]
    inlines = [ObjectionInline]


@admin.register(Objection)
class ObjectionAdmin(ScopedAdmin, ReadOnlyAdmin):
    list_display = ["application", "name", "contact", "status", "lodged_at", "resolved_at"]
    list_filter = ["status"]


@admin.register(TieDecision)
class TieDecisionAdmin(ScopedAdmin, ReadOnlyAdmin):
    list_display = ["round", "stage", "group", "reason", "decided_by", "decided_at"]


@admin.register(Naming)
class NamingAdmin(ScopedAdmin, ReadOnlyAdmin):
    list_display = ["round", "document_number", "named_on", "named_by"]
