from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from import_export.admin import ImportExportModelAdmin

from portal.admin_scope import ScopedAdmin, ScopedInline
from programmes.models import CalendarDay, CalendarYear, Programme, ProgrammeVersion, Round
from programmes.resources import CalendarDayResource
from programmes.versions import as_yaml, version_diff


class VersionInline(ScopedInline, admin.TabularInline):
    model = ProgrammeVersion
    fields = ["number", "source_file", "loaded_at", "digest"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Programme)
class ProgrammeAdmin(ScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "code", "version_count", "rules_link"]
    readonly_fields = ["code", "name"]
    inlines = [VersionInline]

    @admin.display(description="版本数")
    def version_count(self, obj):
        return obj.versions.count()

    @admin.display(description="规则管理")
    def rules_link(self, obj):
        url = reverse("programmes:rules", kwargs={"code": obj.code})
        return format_html('<a href="{}">上传、比较、试算、审核</a>', url)

    def has_add_permission(self, request):
        return False  # programmes come from rule-set files (load_programmes)


@admin.register(ProgrammeVersion)
class ProgrammeVersionAdmin(ScopedAdmin, admin.ModelAdmin):
    """Versions are read-only; the change page shows the rule set and a diff to another version."""

    list_display = ["programme", "number", "state", "source_file", "loaded_at", "compare_link"]
    list_filter = ["programme", "state"]
    readonly_fields = ["programme", "number", "digest", "source_file", "loaded_at", "rules_yaml"]
    exclude = ["data"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="规则内容")
    def rules_yaml(self, obj):
        return format_html("<pre style='white-space:pre-wrap'>{}</pre>", as_yaml(obj.data))

    @admin.display(description="比较")
    def compare_link(self, obj):
        previous = obj.programme.versions.filter(number__lt=obj.number).order_by("-number").first()
        if previous is None:
            return "—"
        url = reverse("admin:programmes_programmeversion_diff", args=[previous.pk, obj.pk])
        return format_html('<a href="{}">与第{}版比较</a>', url, previous.number)

    def get_urls(self):
        return [
            path(
                "diff/<int:old_id>/<int:new_id>/",
                self.admin_site.admin_view(self.diff_view),
                name="programmes_programmeversion_diff",
            ),
            *super().get_urls(),
        ]

    def diff_view(self, request, old_id: int, new_id: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        # Only versions the office may open (another authority's answer 404, as the change page).
        versions = self.get_queryset(request)
        old = get_object_or_404(versions, pk=old_id)
        new = get_object_or_404(versions, pk=new_id, programme=old.programme)
        lines = version_diff(old.data, new.data, old_label=str(old), new_label=str(new))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{old.programme.name}：第{old.number}版与第{new.number}版的差异",
            "lines": lines,
            "old": old,
            "new": new,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/programmes/version_diff.html", context)


@admin.register(Round)
class RoundAdmin(ScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "programme_name", "version", "opens_on", "closes_on", "quota", "status"]
    list_filter = ["status", "version__programme"]
    search_fields = ["name"]
    list_select_related = ["version__programme"]

    @admin.display(description="人才项目")
    def programme_name(self, obj):
        return obj.version.programme.name

    def get_readonly_fields(self, request, obj=None):
        # a round's version is pinned once applications may exist
        return ["version"] if obj and obj.pk else []


@admin.register(CalendarYear)
class CalendarYearAdmin(ScopedAdmin, admin.ModelAdmin):
    list_display = ["year", "complete", "notice"]


@admin.register(CalendarDay)
class CalendarDayAdmin(ScopedAdmin, ImportExportModelAdmin):
    resource_classes = [CalendarDayResource]
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name"]
