"""Which authority each object belongs to, and which authorities a user acts for: one place.

How an object reaches its authority (one way per model):

| model | authority |
|---|---|
| Programme | `Programme.authority` (set by `load_programmes` from the rule set's issuing authorities) |
| ProgrammeVersion, Round | through the programme (`version__programme__authority`) |
| Application and what hangs on it | through its round |
| RoleAssignment (office, finance, reviewers, experts) | `RoleAssignment.authority`, derived on save from the scope (`authority_of_scope`), chosen for experts |
| ExpertProfile (the expert pool) | `ExpertProfile.authority` |
| Award, Payment, Assessment | through the award's rule-set version's programme |
| PaymentBatch, PaymentRun | `authority` (the paying authority; a run started by beat has none) |
| Region, Department, Unit | the authority whose `region` the district is (units by tax district) |
| Union | the city union (district and industry unions act under it) |

Per model, `register(model, view=..., change=...)` records the queryset filter ("the objects this
user may view / change", a Q over the model) and adds the django-rules permissions
`<app>.view_<model>_in_scope` and `<app>.change_<model>_in_scope`, whose predicate is "the object
is in that queryset". Views, exports, statistics and every ModelAdmin (portal.admin_scope) use
`visible(user, queryset)` for lists and `user.has_perm(perm_name(...), obj)` for one object, so a
list never holds a row its user may not open.
"""

from __future__ import annotations

from collections.abc import Callable

import rules
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from portal.authorities import authority_of_region as authority_of_region  # re-exported
from portal.authorities import authority_of_scope as authority_of_scope
from portal.authorities import city_union_authority as city_union_authority
from portal.models import Authority, Department, Region, Role, RoleAssignment, Union, Unit, User
from portal.roles import assignments_of, sees_full_identity

NOTHING = Q(pk__in=[])
# Roles that act for an authority (its staff); unit and applicant roles act for themselves.
STAFF_ROLES = (
    Role.DISTRICT_OFFICE,
    Role.FINANCE,
    Role.STREET_REVIEWER,
    Role.DEPARTMENT_REVIEWER,
    Role.UNION_REVIEWER,
    Role.EXPERT,
)


def is_system_admin(user) -> bool:
    return bool(getattr(user, "is_superuser", False))


def authority_ids(user, *roles: str) -> set[int] | None:
    """The authorities the user acts for in these roles; None (every one) for the system admin."""
    if is_system_admin(user):
        return None
    return {a.authority_id for a in assignments_of(user) if a.role in roles and a.authority_id}


def office_authority_ids(user) -> set[int] | None:
    """Authorities whose programmes the user organises: a district office, or the city union's
    reviewer (the craftsman round's organiser)."""
    if is_system_admin(user):
        return None
    found = set()
    for a in assignments_of(user):
        if not a.authority_id:
            continue
        if a.role == Role.DISTRICT_OFFICE or (
            a.role == Role.UNION_REVIEWER and a.union_id and a.union.kind == "city"
        ):
            found.add(a.authority_id)
    return found


def finance_authority_ids(user) -> set[int] | None:
    return authority_ids(user, Role.FINANCE)


def staff_authority_ids(user) -> set[int] | None:
    """Every authority the user is staff of, in any role."""
    return authority_ids(user, *STAFF_ROLES)


def in_ids(field: str, ids: set[int] | None) -> Q:
    """Q: `field` among `ids` (None: everything)."""
    if ids is None:
        return Q()
    if not ids:
        return NOTHING
    return Q(**{f"{field}__in": ids})


def region_ids_of(ids: set[int] | None) -> set[int] | None:
    """The districts (and the city) of these authorities."""
    if ids is None:
        return None
    return set(
        Authority.objects.filter(pk__in=ids, region__isnull=False).values_list(
            "region_id", flat=True
        )
    )


def unit_q(ids: set[int] | None, prefix: str = "") -> Q:
    """Q over Unit (or a relation to it via `prefix`): units in these authorities' districts;
    the city union's units are every unit of the city."""
    regions = region_ids_of(ids)
    if regions is None:
        return Q()
    return Q(**{f"{prefix}tax_district_id__in": regions}) | Q(
        **{f"{prefix}tax_district__parent_id__in": regions}
    )


# --- the registry ----------------------------------------------------------------------------

ScopeFilter = Callable[[object], Q]
_VIEW: dict[type[Model], ScopeFilter] = {}
_CHANGE: dict[type[Model], ScopeFilter] = {}


def perm_name(action: str, model: type[Model]) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}_in_scope"


def register(model: type[Model], *, view: ScopeFilter, change: ScopeFilter | None = None) -> None:
    """Record the model's scope (Q over the model for a user) and add its rules permissions."""
    _VIEW[model] = view
    _CHANGE[model] = change or view
    for action, table in (("view", _VIEW), ("change", _CHANGE)):
        name = perm_name(action, model)
        predicate = rules.predicate(_in_scope(table, model), name=name)
        if rules.perm_exists(name):
            rules.set_perm(name, predicate)
        else:
            rules.add_perm(name, predicate)


def _in_scope(table, model):
    def check(user, obj) -> bool:
        if obj is None or not getattr(user, "is_authenticated", False):
            return False
        if is_system_admin(user):
            return True
        return model._default_manager.filter(table[model](user)).filter(pk=obj.pk).exists()

    return check


def is_registered(model: type[Model]) -> bool:
    return model in _VIEW


def _filter(table, user, queryset) -> QuerySet:
    if not isinstance(queryset, QuerySet):
        queryset = queryset._default_manager.all()
    model = queryset.model
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    if is_system_admin(user):
        return queryset
    if model not in table:
        raise LookupError(f"{model.__name__} has no scope registered in portal.scope")
    return queryset.filter(table[model](user))


def visible(user, queryset) -> QuerySet:
    """The queryset (or the model's objects) cut to what the user may view."""
    return _filter(_VIEW, user, queryset)


def changeable(user, queryset) -> QuerySet:
    return _filter(_CHANGE, user, queryset)


def may_view(user, obj) -> bool:
    return user.has_perm(perm_name("view", type(obj)), obj)


def may_change(user, obj) -> bool:
    return user.has_perm(perm_name("change", type(obj)), obj)


# --- portal's own models ---------------------------------------------------------------------


def _register_portal() -> None:
    def regions(user) -> Q:
        districts = region_ids_of(staff_authority_ids(user))
        if districts is None:
            return Q()
        return Q(pk__in=districts) | Q(parent_id__in=districts) | Q(parent__parent_id__in=districts)

    def departments(user) -> Q:
        districts = region_ids_of(staff_authority_ids(user))
        return Q() if districts is None else Q(district_id__in=districts)

    def unions(user) -> Q:
        ids = staff_authority_ids(user)
        if ids is None:
            return Q()
        if Authority.objects.filter(pk__in=ids, kind=Authority.Kind.CITY_UNION).exists():
            return Q()
        districts = region_ids_of(ids)
        return Q(district_id__in=districts) if districts else NOTHING

    def units(user) -> Q:
        return unit_q(staff_authority_ids(user))

    def assignments(user) -> Q:
        return in_ids("authority_id", office_authority_ids(user))

    def assignments_changeable(user) -> Q:
        # Office and finance roles, and one's own roles, are the system admin's alone.
        return (
            assignments(user)
            & ~Q(role__in=[Role.DISTRICT_OFFICE, Role.FINANCE, Role.SYSTEM_ADMIN])
            & ~Q(user=user)
        )

    def users(user) -> Q:
        ids = office_authority_ids(user)
        if ids is None:
            return Q()
        if not ids:
            return Q(pk=user.pk)
        related = User.objects.filter(
            Q(roles__authority_id__in=ids)
            | Q(applications__round__version__programme__authority_id__in=ids)
            | Q(awards__ruleset_version__programme__authority_id__in=ids)
        ).values("pk")
        return Q(pk=user.pk) | Q(pk__in=related)

    def users_changeable(user) -> Q:
        # Never another system admin or another member of staff with admin access.
        return users(user) & Q(is_superuser=False) & (Q(is_staff=False) | Q(pk=user.pk))

    register(Region, view=regions, change=lambda user: NOTHING)
    register(Department, view=departments, change=lambda user: NOTHING)
    register(Union, view=unions, change=lambda user: NOTHING)
    register(Unit, view=units)
    register(
        Authority,
        view=lambda user: in_ids("pk", staff_authority_ids(user)),
        change=lambda user: NOTHING,
    )
    register(RoleAssignment, view=assignments, change=assignments_changeable)
    register(User, view=users, change=users_changeable)


_register_portal()


def pool_experts(ids: set[int] | None):
    """The experts of these authorities' pools (None: every expert); an expert of no pool (made
    before pools existed) is offered to every office."""
    experts = User.objects.filter(roles__role=Role.EXPERT)
    if ids is not None:
        experts = experts.filter(
            Q(roles__authority_id__in=ids) | Q(roles__authority__isnull=True),
            roles__role=Role.EXPERT,
        )
    return User.objects.filter(pk__in=experts.values("pk")).order_by("username")


# --- granting roles --------------------------------------------------------------------------

GRANTABLE_BY_OFFICE = frozenset(
    {
        Role.APPLICANT,
        Role.APPLICANT_ORG,
        Role.UNIT_HR,
        Role.STREET_REVIEWER,
        Role.DEPARTMENT_REVIEWER,
        Role.UNION_REVIEWER,
        Role.EXPERT,
    }
)


def grant_refusal(*, by, assignment: RoleAssignment) -> str | None:
    """Why `by` may not give (or keep editing) this role assignment, or None when they may.

    Only the system admin manages office, finance and system-admin roles; an office grants roles
    only to other people and only inside its own authority."""
    if is_system_admin(by):
        return None
    if assignment.role not in GRANTABLE_BY_OFFICE:
        return _("区人社局经办、财务和系统管理员角色只能由系统管理员分配。")
    if assignment.user_id is not None and assignment.user_id == by.pk:
        return _("不能给自己分配角色。")
    mine = office_authority_ids(by) or set()
    authority = assignment.authority or authority_of_scope(assignment)
    if assignment.role == Role.APPLICANT:
        return None
    if authority is None or authority.pk not in mine:
        return _("只能在本机构范围内分配角色。")
    if (
        assignment.unit_id
        and not Unit.objects.filter(unit_q(mine)).filter(pk=assignment.unit_id).exists()
    ):
        return _("只能在本机构范围内分配角色。")
    return None


# --- who sees a full ID number -------------------------------------------------------------

# app label.model name -> rule(user, subject) -> bool, for subjects whose holder a higher app
# decides (subsidies registers its awards: the office managing the award and its finance).
FullIdentityRule = Callable[[object, Model], bool]
_FULL_IDENTITY_RULES: dict[str, FullIdentityRule] = {}


def register_full_identity(model: type[Model], rule: FullIdentityRule) -> None:
    _FULL_IDENTITY_RULES[model._meta.label_lower] = rule


def may_see_full_identity(user, subject=None) -> bool:
    """The one decision of who sees a full ID number (every page, PDF, batch and admin form).

    `subject` is what the number belongs to: an application (its applicant sees their own), an
    object of a model that registered its rule (`register_full_identity`: an award), or None /
    anything else (a batch of many people, a user in the admin): the roles of
    `portal.roles.FULL_IDENTITY_ROLES` (district office, finance, system admin). Everyone else
    sees the number masked (`portal.identity.mask_id_number`)."""
    if not getattr(user, "is_authenticated", False):
        return False
    meta = getattr(subject, "_meta", None)
    rule = _FULL_IDENTITY_RULES.get(meta.label_lower) if meta is not None else None
    if rule is not None:
        return bool(rule(user, subject))
    applicant_id = getattr(subject, "applicant_id", None)  # an application: its applicant
    if applicant_id is not None and applicant_id == user.pk:
        return True
    return sees_full_identity(user)
