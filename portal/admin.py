from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin, ImportExportModelAdmin

from portal import scope
from portal.admin_scope import ScopedAdmin, ScopedInline
from portal.models import (
    AuditLog,
    Authority,
    Department,
    OutboxMessage,
    Region,
    Role,
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
from portal.roles import has_role
from portal.scope import may_see_full_identity


class SystemAdminImportOnly:
    """Reference data and rights are imported by the system admin only."""

    def has_import_permission(self, request):
        return request.user.is_superuser and super().has_import_permission(request)


@admin.register(Region)
class RegionAdmin(SystemAdminImportOnly, ScopedAdmin, ImportExportModelAdmin):
    resource_classes = [RegionResource]
    list_display = ["name", "code", "kind", "parent"]
    list_filter = ["kind", "parent"]
    search_fields = ["name", "code"]


@admin.register(Department)
class DepartmentAdmin(SystemAdminImportOnly, ScopedAdmin, ImportExportModelAdmin):
    resource_classes = [DepartmentResource]
    list_display = ["name", "code", "district"]
    list_filter = ["district"]
    search_fields = ["name"]


@admin.register(Union)
class UnionAdmin(SystemAdminImportOnly, ScopedAdmin, ImportExportModelAdmin):
    resource_classes = [UnionResource]
    list_display = ["name", "kind", "district", "held_own_selection"]
    list_filter = ["kind", "held_own_selection"]
    search_fields = ["name"]


@admin.register(Unit)
class UnitAdmin(ScopedAdmin, ImportExportModelAdmin):
    resource_classes = [UnitResource]
    list_display = ["name", "credit_code", "kind", "tax_district", "street", "may_nominate"]
    list_filter = ["kind", "tax_district", "may_nominate"]
    search_fields = ["name", "credit_code"]
    autocomplete_fields = ["department", "union"]
    list_select_related = ["tax_district", "street"]


class RoleAssignmentForm(forms.ModelForm):
    """A role given in the admin: refused (with the reason beside it) when its giver may not."""

    granted_by = None  # set per request by the admin

    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "region", "unit", "department", "union", "authority"]

    def clean(self):
        data = super().clean()
        if self.granted_by is None or self.errors:
            return data
        assignment = self.instance
        for field in self.Meta.fields:
            if field in data:
                setattr(assignment, field, data[field])
        refusal = scope.grant_refusal(by=self.granted_by, assignment=assignment)
        if refusal:
            raise ValidationError({"role": refusal})
        return data


def _form_for(base, user):
    return type(base.__name__, (base,), {"granted_by": user})


class RoleAssignmentInline(ScopedInline, admin.TabularInline):
    model = RoleAssignment
    form = RoleAssignmentForm
    extra = 1
    autocomplete_fields = ["unit", "department", "union"]

    def get_queryset(self, request):
        # Only the roles this user may change: never office or finance roles, never one's own.
        return scope.changeable(request.user, super().get_queryset(request))

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = _form_for(self.form, request.user)
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None and obj.pk == request.user.pk and not request.user.is_superuser:
            formset.max_num = 0  # no roles given to oneself
        return formset

    def get_fields(self, request, obj=None):
        fields = ["role", "region", "unit", "department", "union"]
        return [*fields, "authority"]


PERMISSION_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


@admin.register(User)
class UserAdmin(ScopedAdmin, ExportMixin, BaseUserAdmin):
    resource_classes = [StaffAccountResource]
    inlines = [RoleAssignmentInline]
    list_display = ["username", "real_name", "phone", "email", "masked_id", "is_staff", "is_active"]
    # The phone and ID number are encrypted: no substring search, an exact one (blind index).
    search_fields = ["username", "real_name", "email"]
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

    def get_fieldsets(self, request, obj=None):
        """Only the system admin sees (and so can post) the rights; the full ID number only the
        roles of portal.scope.may_see_full_identity (the user list is already cut to the office's scope)."""
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        out = []
        for name, options in fieldsets:
            fields = [f for f in options["fields"] if f not in PERMISSION_FIELDS]
            if not may_see_full_identity(request.user, obj):
                fields = ["masked_id" if f == "id_number" else f for f in fields]
            out.append((name, {**options, "fields": tuple(fields)}))
        return out

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["last_login", "date_joined"]
            if not may_see_full_identity(request.user, obj):
                readonly.append("masked_id")
        return readonly

    def get_list_filter(self, request):
        if request.user.is_superuser:
            return super().get_list_filter(request)
        return ["is_active"]

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            found |= queryset.filter(Q(phone=term) | Q(id_number=term))
        return found, may_have_duplicates

    @admin.display(description=_("身份证号码"))
    def masked_id(self, obj):
        return obj.masked_id_number

    def get_export_queryset(self, request):
        return scope.visible(
            request.user,
            RoleAssignment.objects.select_related("user", "region", "unit", "department", "union"),
        )


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SystemAdminImportOnly, ScopedAdmin, ImportExportModelAdmin):
    resource_classes = [StaffAccountResource]
    form = RoleAssignmentForm
    list_display = ["user", "role", "authority", "region", "unit", "department", "union"]
    list_filter = ["role", "authority"]
    search_fields = ["user__username", "user__real_name"]
    autocomplete_fields = ["user", "unit", "department", "union"]
    list_select_related = ["user", "authority", "region", "unit", "department", "union"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return _form_for(form, request.user)


@admin.register(Authority)
class AuthorityAdmin(ScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "code", "kind", "region"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """安全审计日志: the system admin searches it; nobody adds, changes or deletes a row."""

    list_display = ("at", "actor", "address", "action", "object_type", "object_id", "result")
    list_filter = ("action", "result", ("at", admin.DateFieldListFilter))
    search_fields = ("actor", "object_type", "object_id", "address", "detail")
    date_hierarchy = "at"
    list_per_page = 100

    def _system_admin(self, request) -> bool:
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
