"""Admin for awards, the ledger (read-only), assessments, batches and runs.

State changes go through the services (the office pages); the admin shows, exports and, for
awards, imports bank accounts. The ledger is never edited or deleted here.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from import_export.admin import ExportMixin, ImportExportModelAdmin

from portal.admin_scope import ListColumns, ScopedAdmin, ScopedInline
from subsidies.models import Assessment, Award, AwardEvent, Payment, PaymentBatch, PaymentRun
from subsidies.resources import (
    AssessmentResource,
    AwardResource,
    PaymentBatchResource,
    PaymentResource,
)

AWARD_LIST_COLUMNS = (
    "name",
    "document_number",
    "named_on",
    "term_end",
    "title",
    "ruleset_version__programme__name",
)
# The award's payee fields (收款人), encrypted ones among them.
PAYEES = (
    "person_name",
    "person_id_number",
    "person_bank",
    "person_account",
    "unit_bank",
    "unit_account",
)
PAYEE_FIELDS = tuple(f"award__{name}" for name in PAYEES)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EventInline(ScopedInline, ReadOnlyMixin, admin.TabularInline):
    model = AwardEvent
    fields = ["date", "kind", "fields", "reason", "recorded_by", "recorded_at"]
    readonly_fields = fields
    extra = 0


@admin.register(Award)
class AwardAdmin(ListColumns, ScopedAdmin, ImportExportModelAdmin):
    resource_classes = [AwardResource]
    list_display = ["name", "programme", "document_number", "named_on", "term_end", "title", "page"]
    list_filter = ["district", "title", "ruleset_version__programme"]
    search_fields = ["name", "document_number", "unit__name"]
    readonly_fields = [
        "application",
        "ruleset_version",
        "district",
        "name",
        "person",
        "unit",
        "document_number",
        "named_on",
        "term_start",
        "term_end",
        "title",
    ]
    # The payees may be completed here (收款人); the ledger's facts are recorded on the award's page.
    fields = [*readonly_fields, *PAYEES]
    inlines = [EventInline]
    # The list reads the programme's name, never the rule set's JSON or the payee's encrypted
    # fields; no count of the whole table beside the filtered one.
    list_select_related = ["ruleset_version__programme"]
    show_full_result_count = False
    list_only = AWARD_LIST_COLUMNS

    @admin.display(description="项目")
    def programme(self, obj):
        return obj.ruleset_version.programme.name

    @admin.display(description="待遇明细")
    def page(self, obj):
        return format_html('<a href="{}">查看</a>', reverse("subsidies:award", args=[obj.pk]))

    def has_add_permission(self, request):
        return False  # awards are made by naming

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ListColumns, ScopedAdmin, ReadOnlyMixin, ExportMixin, admin.ModelAdmin):
    resource_classes = [PaymentResource]
    list_display = [
        "award",
        "kind",
        "period",
        "seq",
        "due_on",
        "payee",
        "amount",
        "funding",
        "batch",
        "origin",
        "claim_status",
    ]
    list_filter = ["funding", "payee", "origin", "claim_status", "kind"]
    search_fields = ["award__name", "period"]
    # A row shows its award's name and number and its batch (with the paying authority): read
    # in the list's one query, without the award's encrypted payee fields.
    list_select_related = ["award", "batch__authority"]
    show_full_result_count = False
    list_deferred = PAYEE_FIELDS


@admin.register(Assessment)
class AssessmentAdmin(ScopedAdmin, ReadOnlyMixin, ExportMixin, admin.ModelAdmin):
    resource_classes = [AssessmentResource]
    list_display = ["award", "code", "due_on", "organiser", "result", "decided_on", "active"]
    list_filter = ["code", "result", "active"]
    search_fields = ["award__name"]
    list_select_related = ["award"]


@admin.register(PaymentBatch)
class PaymentBatchAdmin(ScopedAdmin, ReadOnlyMixin, ExportMixin, admin.ModelAdmin):
    resource_classes = [PaymentBatchResource]
    list_display = ["period", "funding", "status", "drafted_by", "approved_by", "approved_at"]
    list_filter = ["status", "funding"]


@admin.register(PaymentRun)
class PaymentRunAdmin(ScopedAdmin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "kind",
        "period",
        "status",
        "awards_done",
        "awards_total",
        "created",
        "existing",
    ]
    list_filter = ["kind", "status"]
