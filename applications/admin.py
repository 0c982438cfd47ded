"""The applications in the Django admin, as district HR staff are used to reviewing them.

Read-only: the declaration, its versions, materials and history are shown, never edited here.
The review extends this admin (reviews.application_admin registers a subclass in its place):
its stage filter, its actions (pass, return for revision, reject, assign experts, findings) on
the same services as the staff pages, and a list cut to the programmes the user's office runs
and the user's own stages.
"""

from __future__ import annotations

from django.contrib import admin
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

from applications.display import present
from applications.models import (
    Application,
    ApplicationEvent,
    ApplicationVersion,
    Attachment,
    PdfBatch,
)
from applications.resources import CandidateListResource
from applications.selectors import ruleset_of
from portal import scope
from portal.admin_scope import ListColumns, ReadOnlyAdmin, ScopedAdmin, ScopedInline
from portal.scope import may_see_full_identity
from programmes.models import Programme


class ReadOnlyInline(ScopedInline, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class VersionInline(ReadOnlyInline):
    model = ApplicationVersion
    fields = ["number", "submitted_at", "submitted_by", "ruleset_version"]
    readonly_fields = fields


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = ["item", "file_link", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description=_("文件"))
    def file_link(self, obj):
        try:
            url = reverse("applications:attachment", args=[obj.pk])
        except NoReverseMatch:
            return obj.original_name
        return format_html('<a href="{}">{}</a>', url, obj.original_name)


class EventInline(ReadOnlyInline):
    model = ApplicationEvent
    fields = [
        "at",
        "actor",
        "action",
        "from_stage",
        "to_stage",
        "to_status",
        "note",
        "internal_note",
    ]
    readonly_fields = fields


class ProgrammeFilter(admin.SimpleListFilter):
    title = _("人才项目")
    parameter_name = "programme"

    def lookups(self, request, model_admin):
        programmes = scope.visible(request.user, Programme.objects.order_by("code"))
        return list(programmes.values_list("code", "name"))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(round__version__programme__code=self.value())
        return queryset


LIST_DEFERRED = (
    "data",
    "warn_reasons",
    "applicant__password",
    "applicant__phone",
    "applicant__email",
    "applicant__id_number",
)


@admin.register(Application)
class ApplicationAdmin(ListColumns, ScopedAdmin, ReadOnlyAdmin, ExportMixin, admin.ModelAdmin):
    resource_classes = [CandidateListResource]
    list_display = [
        "applicant_name",
        "round",
        "stage_title",
        "status",
        "street",
        "unit",
        "submitted_at",
    ]
    # No filter by unit: it would list every unit (hundreds, growing with the data) on each
    # page; the search finds an application by its unit's name.
    list_filter = [ProgrammeFilter, "round", "status", "street"]
    search_fields = ["applicant__real_name", "applicant__username", "unit__name"]
    list_select_related = ["applicant", "round__version", "street", "unit"]
    inlines = [VersionInline, AttachmentInline, EventInline]
    exclude = ["data", "warn_reasons"]
    readonly_fields = ["declaration"]

    # No count of the whole table beside the filtered one (a second scan of every row).
    show_full_result_count = False
    # the list shows none of the declaration's JSON (nor the applicant's encrypted fields),
    # which would be read and decoded for every row of the page
    list_deferred = LIST_DEFERRED

    def get_queryset(self, request):
        return super().get_queryset(request).defer("round__version__data")

    @admin.display(description=_("申报人"), ordering="applicant__real_name")
    def applicant_name(self, obj):
        return obj.applicant.display_name

    @admin.display(description=_("当前阶段"), ordering="stage")
    def stage_title(self, obj):
        stage = ruleset_of(obj).stage(obj.stage)
        return stage.title if stage else obj.stage

    @admin.display(description=_("申报内容"))
    def declaration(self, obj):
        request = getattr(self, "_request", None)
        sections = present(
            ruleset_of(obj),
            obj.data,
            for_expert=False,
            full_identity=bool(request and may_see_full_identity(request.user, obj)),
        )
        return render_to_string("reviews/_declaration.html", {"sections": sections})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._request = request
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(PdfBatch)
class PdfBatchAdmin(ScopedAdmin, admin.ModelAdmin):
    """The PDF batches, read-only: they are started and downloaded on /pdf-batches/."""

    list_display = ["round", "street", "requested_by", "status", "done", "total"]
    list_filter = ["status", "round"]
    list_select_related = ["round", "street", "requested_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
