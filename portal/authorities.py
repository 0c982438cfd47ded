"""Which authority a region, a union or a role assignment belongs to.

`portal.models` (RoleAssignment.save and clean) derives an assignment's authority through
`authority_of_scope`, so this module must not import `portal.models`: it reaches the models
through the app registry and names the few choice values it compares (checked against the
models' enums in tests/portal/test_authority_scope.py). `portal.scope` re-exports these.
"""

from __future__ import annotations

from django.apps import apps

# portal.models.RegionKind.CITY / DISTRICT; Role.APPLICANT / SYSTEM_ADMIN; Authority.Kind.CITY_UNION
DISTRICT_LEVEL_KINDS = ("district", "city")
UNSCOPED_ROLES = ("applicant", "system_admin")
CITY_UNION_KIND = "city_union"


def _authorities():
    return apps.get_model("portal", "Authority").objects


def _district_of(region):
    if region is None:
        return None
    if region.kind in DISTRICT_LEVEL_KINDS:
        return region
    return region.parent


def authority_of_region(region):
    """The authority serving this region's district (the city union for the city itself)."""
    district = _district_of(region)
    if district is None:
        return None
    return _authorities().filter(region=district).first()


def city_union_authority():
    return _authorities().filter(kind=CITY_UNION_KIND).first()


def authority_of_scope(assignment):
    """The authority a role assignment belongs to, from the organisation it is scoped to."""
    if assignment.role in UNSCOPED_ROLES:
        return None
    if assignment.union_id:
        return city_union_authority()
    if assignment.department_id:
        return authority_of_region(assignment.department.district)
    if assignment.unit_id:
        return authority_of_region(assignment.unit.tax_district)
    if assignment.region_id:
        return authority_of_region(assignment.region)
    return None
