from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin, ImportExportModelAdmin

from portal.models import (
    AuditLog,
    Department,
    OutboxMessage,
    Region,
    RoleAssignment,
    Union,
    Unit,
    User,
)
from portal.resources import (
    DepartmentResource,
    RegionResource,
    StaffAccountResource,
    UnionResource,
    UnitResource,
)


@admin.register(Region)
class RegionAdmin(ImportExportModelAdmin):
    resource_classes = [RegionResource]
    list_display = ["name", "code", "kind", "parent"]
    list_filter = ["kind", "parent"]
    search_fields = ["name", "code"]


@admin.register(Department)
class DepartmentAdmin(ImportExportModelAdmin):
    resource_classes = [DepartmentResource]
    list_display = ["name", "code", "district"]
    list_filter = ["district"]
    search_fields = ["name"]


@admin.register(Union)
class UnionAdmin(ImportExportModelAdmin):
    resource_classes = [UnionResource]
    list_display = ["name", "kind", "district", "held_own_selection"]
    list_filter = ["kind", "held_own_selection"]
    search_fields = ["name"]


@admin.register(Unit)
class UnitAdmin(ImportExportModelAdmin):
    resource_classes = [UnitResource]
    list_display = ["name", "credit_code", "kind", "tax_district", "street", "may_nominate"]
    list_filter = ["kind", "tax_district", "may_nominate"]
    search_fields = ["name", "credit_code"]
    autocomplete_fields = ["department", "union"]
    list_select_related = ["tax_district", "street"]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1
    autocomplete_fields = ["unit", "department", "union"]


@admin.register(User)
class UserAdmin(ExportMixin, BaseUserAdmin):
    resource_classes = [StaffAccountResource]
    inlines = [RoleAssignmentInline]
    list_display = ["username", "real_name", "phone", "email", "masked_id", "is_staff", "is_active"]
    search_fields = ["username", "real_name", "phone", "email"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("real_name", "phone", "email", "id_number")}),
        (
            _("权限"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "real_name", "phone", "email", "password1", "password2"),
            },
        ),
    )

    @admin.display(description=_("身份证号码"))
    def masked_id(self, obj):
        return obj.masked_id_number

    def get_export_queryset(self, request):
        return RoleAssignment.objects.select_related(
            "user", "region", "unit", "department", "union"
        )


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ImportExportModelAdmin):
    resource_classes = [StaffAccountResource]
    list_display = ["user", "role", "region", "unit", "department", "union"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__real_name"]
    autocomplete_fields = ["user", "unit", "department", "union"]
    list_select_related = ["user", "region", "unit", "department", "union"]


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """安全审计日志: the system admin searches it; nobody adds, changes or deletes a row."""

    list_display = ("at", "actor", "address", "action", "object_type", "object_id", "result")
    list_filter = ("action", "result", ("at", admin.DateFieldListFilter))
    search_fields = ("actor", "object_type", "object_id", "address", "detail")
    date_hierarchy = "at"
    list_per_page = 100

    def _system_admin(self, request) -> bool:
        from portal.models import Role
        from portal.roles import has_role

        return request.user.is_active and has_role(request.user, Role.SYSTEM_ADMIN)

    def has_module_permission(self, request):
        return self._system_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._system_admin(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(AuditLogAdmin):
    """待发送任务: the tasks kept while the broker was down (sent by beat or relay_outbox)."""

    list_display = ("id", "task", "created_at", "sent_at", "attempts", "last_error")
    list_filter = (("sent_at", admin.EmptyFieldListFilter), "task")
    search_fields = ("task", "last_error")
    date_hierarchy = "created_at"
