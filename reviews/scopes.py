"""Who acts where in review, as Q objects over Application: the stages a user acts on for its
organisation, and what the admin's list shows. The queues (reviews.selectors) and the object
permissions (reviews.permissions) both filter by these, so a page never lists what its user may
not open.
"""

from __future__ import annotations

from django.db.models import Q

from applications.models import Application
from portal.models import Role
from portal.roles import assignments_of
from programmes.models import ProgrammeVersion, Round, parsed_ruleset
from reviews import workflow


def ruleset_for(version_id: int, digest: str, load=None):
    """The parsed rule set of a version, from the process cache (programmes.models)."""
    return parsed_ruleset(
        version_id,
        digest,
        lambda: (load() if load else ProgrammeVersion.objects.get(pk=version_id)).ruleset,
    )


def versions_in_use(user=None) -> dict[int, object]:
    """{version id: rule set} of the versions any round uses (kept on `user` for the request)."""
    cached = getattr(user, "_review_versions", None)
    if cached is not None:
        return cached

    triples = list(Round.objects.order_by().values_list("id", "version_id", "version__digest"))
    versions = {pk: ruleset_for(pk, digest) for _r, pk, digest in sorted(triples)}
    if user is not None:
        user._review_versions = versions
        rounds: dict[int, list[int]] = {}
        for round_id, version_id, _digest in triples:
            rounds.setdefault(version_id, []).append(round_id)
        user._review_rounds = rounds
    return versions


def _rounds_of(user, version_id: int) -> list[int]:
    rounds = getattr(user, "_review_rounds", None)
    if rounds is None:
        return list(Round.objects.filter(version_id=version_id).values_list("id", flat=True))
    return rounds.get(version_id, [])


def _ids(user, role: str, kind: str) -> list[int]:
    return [getattr(a, f"{kind}_id") for a in assignments_of(user) if a.role == role]


def _version_authorities(user) -> dict[int, int | None]:
    """{version id: the authority running its programme} (kept on `user` for the request)."""
    cached = getattr(user, "_review_version_authorities", None)
    if cached is None:
        cached = dict(ProgrammeVersion.objects.values_list("id", "programme__authority_id"))
        if user is not None:
            user._review_version_authorities = cached
    return cached


def _organises_version(user, version_id: int, ruleset) -> bool:
    """Whether the user's office (or the city union) runs this version's programme."""
    authority_id = _version_authorities(user).get(version_id)
    if authority_id is None:
        return False
    organiser = workflow.organiser_role(ruleset.workflow)
    for a in assignments_of(user):
        if a.authority_id != authority_id or a.role != organiser:
            continue
        if organiser == Role.DISTRICT_OFFICE:
            return True
        if organiser == Role.UNION_REVIEWER and a.union_id and a.union.kind == "city":
            return True
    return False


def _city_union(user, version_id: int) -> bool:
    """A reviewer of the city union, for a version whose programme the city union runs."""
    authority_id = _version_authorities(user).get(version_id)
    return any(
        a.role == Role.UNION_REVIEWER
        and a.union_id
        and a.union.kind == "city"
        and a.authority_id == authority_id
        for a in assignments_of(user)
    )


def _org_filters(user) -> dict[str, Q]:
    streets = _ids(user, Role.STREET_REVIEWER, "region")
    departments = _ids(user, Role.DEPARTMENT_REVIEWER, "department")
    unions = _ids(user, Role.UNION_REVIEWER, "union")
    units = _ids(user, Role.UNIT_HR, "unit")
    return {
        "organiser": Q(),
        "street": Q(street_id__in=streets),
        "department": Q(department_id__in=departments)
        | Q(department__isnull=True, unit__department_id__in=departments),
        "city_union": Q(),
        "union": Q(union_id__in=unions) | Q(union__isnull=True, unit__union_id__in=unions),
        "unit": Q(unit_id__in=units),
    }


def acting_stages(user) -> dict[int, dict[str, list[str]]]:
    """{version id: {organisation filter: [stage codes]}}: the stages of each rule-set version in
    use at which this user acts, by the organisation filter (_org_filters) that scopes them."""
    streets = _ids(user, Role.STREET_REVIEWER, "region")
    departments = _ids(user, Role.DEPARTMENT_REVIEWER, "department")
    unions = _ids(user, Role.UNION_REVIEWER, "union")
    units = _ids(user, Role.UNIT_HR, "unit")
    found: dict[int, dict[str, list[str]]] = {}
    for version_id, ruleset in versions_in_use(user).items():
        organiser = workflow.organiser_role(ruleset.workflow)
        is_organiser = _organises_version(user, version_id, ruleset)
        city_union = _city_union(user, version_id)
        codes: dict[str, list[str]] = {}  # which organisation filter -> the stage codes
        for stage in ruleset.workflow.stages:
            role = workflow.acting_role(ruleset.workflow, stage)
            if role == organiser and stage.scope in ("district", "city"):
                kind = "organiser" if is_organiser else None
            elif role == Role.STREET_REVIEWER and streets:
                kind = "street"
            elif role == Role.DEPARTMENT_REVIEWER and departments:
                kind = "department"
            elif role == Role.UNION_REVIEWER and stage.scope == "city" and city_union:
                kind = "city_union"
            elif role == Role.UNION_REVIEWER and unions and stage.scope != "city":
                kind = "union"
            elif role == Role.UNIT_HR and units:
                kind = "unit"
            else:
                kind = None
            if kind:
                codes.setdefault(kind, []).append(stage.code)
        if codes:
            found[version_id] = codes
    return found


def stage_scope_q(user) -> Q | None:
    """Q over Application: applications at a stage this user acts on, for its organisation."""
    if getattr(user, "is_superuser", False):
        return Q()
    org_filters = _org_filters(user)
    parts: list[Q] = []
    for version_id, codes in acting_stages(user).items():
        for kind, stage_codes in codes.items():
            at = Q(round_id__in=_rounds_of(user, version_id), stage__in=stage_codes)
            parts.append(at & org_filters[kind])
    if not parts:
        return None
    combined = parts[0]
    for part in parts[1:]:
        combined |= part
    return combined


def organised_versions(user) -> list[int]:
    """Ids of the rule-set versions (in use by a round) whose programme this user's office runs."""
    return [
        version_id
        for version_id, ruleset in versions_in_use(user).items()
        if _organises_version(user, version_id, ruleset)
    ]


def admin_scope_q(user) -> Q | None:
    """What the admin's application list shows: every application of the programmes the user's
    office runs, and what waits at the user's own stages."""
    if getattr(user, "is_superuser", False):
        return Q()
    parts = []
    organised = organised_versions(user)
    if organised:
        parts.append(Q(round__version_id__in=organised))
    staged = stage_scope_q(user)
    if staged is not None:
        parts.append(staged)
    if not parts:
        return None
    combined = parts[0]
    for part in parts[1:]:
        combined |= part
    return combined & ~Q(status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN])
