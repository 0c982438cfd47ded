"""Every ModelAdmin's scope, from portal.scope: lists, one object, choices, filters, exports.

`ScopedAdmin` is mixed into every ModelAdmin of the portal:
- `get_queryset` is cut to what the user may view (so are the import-export querysets, which
  come from it);
- an object outside the scope answers 404 (not the admin's redirect, which would say it exists);
- view / change / delete of one object go through the rules permissions of portal.scope;
- foreign-key and many-to-many choices offer only objects the user may view;
- list filters on relations offer only values that occur in the user's own rows.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.http import Http404

from portal import scope


class ScopedAdmin:
    """Mixin for a ModelAdmin whose model has a scope registered in portal.scope."""

    def get_queryset(self, request):
        return scope.visible(request.user, super().get_queryset(request))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def has_view_permission(self, request, obj=None):
        if not super().has_view_permission(request, obj):
            return False
        return obj is None or scope.may_view(request.user, obj)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or scope.may_change(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or scope.may_change(request.user, obj)

    def _scoped_choices(self, request, db_field, kwargs):
        related = db_field.remote_field.model
        if scope.is_registered(related) and "queryset" not in kwargs:
            kwargs["queryset"] = scope.visible(request.user, related._default_manager.all())
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = self._scoped_choices(request, db_field, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs = self._scoped_choices(request, db_field, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_list_filter(self, request):
        out = []
        for item in super().get_list_filter(request):
            if isinstance(item, str) and _is_relation(self.model, item):
                out.append((item, admin.RelatedOnlyFieldListFilter))
            else:
                out.append(item)
        return out

    def get_search_results(self, request, queryset, search_term):
        # Autocomplete asks the related admin: keep its answers in scope too.
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        return scope.visible(request.user, queryset), distinct


class ListColumns:
    """A ModelAdmin mixin: its list page (the changelist) reads only `list_only` (when given)
    and none of `list_deferred`, e.g. no JSON nor encrypted fields the list does not show."""

    list_only: tuple[str, ...] | list[str] = ()
    list_deferred: tuple[str, ...] | list[str] = ()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = request.resolver_match
        if match and match.url_name and match.url_name.endswith("changelist"):
            if self.list_only:
                queryset = queryset.only(*self.list_only)
            if self.list_deferred:
                queryset = queryset.defer(*self.list_deferred)
        return queryset


class ReadOnlyAdmin:
    """A ModelAdmin mixin for records made by the services (never added, changed or deleted in
    the admin; viewing stays with the view permission and the scope)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ScopedInline:
    """Mixin for an inline: its rows and choices in scope."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if scope.is_registered(queryset.model):
            return scope.visible(request.user, queryset)
        return queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.remote_field.model
        if scope.is_registered(related) and "queryset" not in kwargs:
            kwargs["queryset"] = scope.visible(request.user, related._default_manager.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _is_relation(model, path: str) -> bool:
    """Whether the list-filter path ends on a foreign key (or many-to-many)."""
    current = model
    field = None
    for part in path.split("__"):
        try:
            field = current._meta.get_field(part)
        except Exception:
            return False
        if field.is_relation and field.related_model is not None:
            current = field.related_model
        else:
            return False
    return isinstance(field, models.ForeignKey | models.ManyToManyField | models.OneToOneField)
