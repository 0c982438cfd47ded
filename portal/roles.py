"""Selectors over a user's roles; one place decides who holds what."""

from __future__ import annotations

from collections.abc import Iterable

from portal.models import STAFF_ROLES, Role, RoleAssignment, User

# Roles that need to see full ID-card and bank-account numbers (payroll, identity checks).
FULL_IDENTITY_ROLES = frozenset({Role.DISTRICT_OFFICE, Role.FINANCE, Role.SYSTEM_ADMIN})


def assignments_of(user: User) -> list[RoleAssignment]:
    """The user's role assignments, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_role_assignments", None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(user=user).select_related(
                "region", "unit", "department", "union"
            )
        )
        user._role_assignments = cached
    return cached


def role_codes(user: User) -> set[str]:
    codes = {a.role for a in assignments_of(user)}
    if getattr(user, "is_superuser", False):
        codes.add(Role.SYSTEM_ADMIN)
    return codes


def has_role(user: User, *roles: str) -> bool:
    return bool(role_codes(user) & set(roles))


def scopes(user: User, role: str, kind: str) -> list:
    """The organisations (regions, units, departments or unions) the user acts for in a role."""
    return [getattr(a, kind) for a in assignments_of(user) if a.role == role and getattr(a, kind)]


def is_staff_member(user: User) -> bool:
    """Staff, expert and finance accounts and the admin: the ones with stricter sign-in rules."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_superuser or role_codes(user) & STAFF_ROLES)


def sees_full_identity(user: User) -> bool:
    """The roles that see full ID numbers; decisions call portal.scope.may_see_full_identity."""
    return has_role(user, *FULL_IDENTITY_ROLES)


def grant(user: User, role: str, **scope) -> RoleAssignment:
    """Give a user a role (idempotent); used by the demo loader and the admin import.

    `authority` (for an expert: the pool's) is stored with the role; other roles derive it
    from their scope when saved (portal.scope.authority_of_scope)."""
    authority = scope.pop("authority", None)
    assignment, _ = RoleAssignment.objects.get_or_create(
        user=user, role=role, **scope, defaults={"authority": authority}
    )
    if authority is not None and assignment.authority_id != authority.pk:
        assignment.authority = authority
        assignment.save(update_fields=["authority"])
    user._role_assignments = None
    return assignment


def ordered_roles(codes: Iterable[str]) -> list[str]:
    order = [choice.value for choice in Role]
    return sorted(set(codes), key=order.index)
