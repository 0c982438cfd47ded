"""Who may see and decide what in review: `rules` predicates, one place for object permissions.

Views check these, and the selectors (reviews.selectors) filter by the same scopes, so a page
never lists what its user may not open.
"""

from __future__ import annotations

import rules
from django.db.models import Q

from applications.declaration import UNIT_KIND_FACT
from applications.models import Application, ApplicationEvent, Attachment, PdfBatch
from applications.permissions import sent_to_unit_q
from portal import scope
from portal.models import Role
from portal.roles import assignments_of, has_role
from reviews import workflow
from reviews.models import (
    Assignment,
    CreditCheck,
    ExpertProfile,
    Naming,
    Objection,
    Panel,
    Publicity,
    TieDecision,
)
from reviews.scopes import admin_scope_q


def ruleset_of(application):
    """The application's parsed rule set (its round's version). The same one-liner as
    applications.services.ruleset_of, kept here so that review does not import the declaration
    side's services, which start the review (that import made a cycle)."""
    return application.round.version.ruleset


def programme_district(application) -> str:
    return ruleset_of(application).identity.district


def authority_id_of(application):
    """The authority running the application's programme (portal.scope: through the round)."""
    return application.round.version.programme.authority_id


def _department_id(application):
    if application.department_id:
        return application.department_id
    return application.unit.department_id if application.unit_id else None


def _union_id(application):
    if application.union_id:
        return application.union_id
    return application.unit.union_id if application.unit_id else None


def holds_scope(user, role: str, scope: str, application) -> bool:
    """Whether the user holds `role` for this application's organisation at `scope`."""
    if getattr(user, "is_superuser", False):
        return True
    for a in assignments_of(user):
        if a.role != role:
            continue
        if role == Role.UNIT_HR and a.unit_id and a.unit_id == application.unit_id:
            return application.status != "draft"  # HR acts once it was sent to the unit
        if role == Role.STREET_REVIEWER and a.region_id and a.region_id == application.street_id:
            return True
        if role == Role.DEPARTMENT_REVIEWER and a.department_id == _department_id(application):
            return a.department_id is not None
        if role == Role.UNION_REVIEWER and a.union_id:
            if scope == "city" and a.union.kind == "city":
                return a.authority_id == authority_id_of(application)
            if scope != "city" and a.union_id == _union_id(application):
                return True
        if role in (Role.DISTRICT_OFFICE, Role.FINANCE) and a.authority_id:
            if a.authority_id == authority_id_of(application):
                return True
    return False


def is_organiser_of(user, application) -> bool:
    """The office that runs the application's programme (district office, or the city union)."""
    return organises_round(user, application.round)


def organises_round(user, round_) -> bool:
    """Whether the user is the office running this round's programme."""
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    ruleset = round_.version.ruleset
    role = workflow.organiser_role(ruleset.workflow)
    authority_id = round_.version.programme.authority_id
    for a in assignments_of(user):
        if a.role != role or not a.authority_id or a.authority_id != authority_id:
            continue
        if role == Role.UNION_REVIEWER and a.union_id and a.union.kind == "city":
            return True
        if role == Role.DISTRICT_OFFICE:
            return True
    return False


def can_decide_at(user, application, stage) -> bool:
    """Whether the user records decisions at this stage (a rule-set Stage) for this application."""
    if not getattr(user, "is_authenticated", False):
        return False
    ruleset = ruleset_of(application)
    role = workflow.acting_role(ruleset.workflow, stage)
    if role == workflow.organiser_role(ruleset.workflow) and stage.scope in ("district", "city"):
        return is_organiser_of(user, application)
    return holds_scope(user, role, stage.scope, application)


def current_stage(application):
    return ruleset_of(application).stage(application.stage)


@rules.predicate
def may_decide(user, application) -> bool:
    """May record a decision at the application's current stage."""
    if application is None or application.status != "in_review":
        return False
    stage = current_stage(application)
    return stage is not None and can_decide_at(user, application, stage)


@rules.predicate
def is_assigned_expert(user, application) -> bool:
    if application is None or not has_role(user, Role.EXPERT):
        return False
    return Assignment.objects.filter(
        application=application, expert=user, status=Assignment.Status.ASSIGNED
    ).exists()


@rules.predicate
def may_view_in_review(user, application) -> bool:
    """Staff who have or had the application in a queue: any stage's actor for its organisation,
    or the organiser. (Experts see a reduced view, see is_assigned_expert.)"""
    if application is None:
        return False
    if is_organiser_of(user, application):
        return True
    ruleset = ruleset_of(application)
    route = route_of(application)
    for stage in workflow.path(ruleset.workflow, route):
        role = workflow.acting_role(ruleset.workflow, stage)
        if role in (Role.UNIT_HR, Role.APPLICANT):
            continue
        if holds_scope(user, role, stage.scope, application):
            return True
    return False


@rules.predicate
def is_organiser(user, application) -> bool:
    return application is not None and is_organiser_of(user, application)


def route_of(application) -> workflow.Route:
    unit = application.unit if application.unit_id else None
    via_department = bool(application.department_id or (unit and unit.department_id))
    return workflow.Route(
        channel=application.channel,
        # the fact's vocabulary (programmes.facts.UNIT_KINDS), which the rule sets route by
        unit_kind=UNIT_KIND_FACT.get(unit.kind, unit.kind) if unit else None,
        via_competent_department=via_department,
    )


rules.add_perm("reviews.decide_application", may_decide)
rules.add_perm("reviews.view_application", may_view_in_review | is_assigned_expert)
rules.add_perm("reviews.score_application", is_assigned_expert)
rules.add_perm("reviews.organise_application", is_organiser)


# --- queryset filters (portal.scope) ---------------------------------------------------------


def applications_q(user):
    """Q over Application: what the user may open (the same people as can_view): the organising
    office, the staff at the stages of its path in their scope, the applicant, the unit's HR
    once the application was sent to the unit."""
    staff = admin_scope_q(user)
    units = [a.unit_id for a in assignments_of(user) if a.role == Role.UNIT_HR and a.unit_id]
    found = Q(applicant_id=user.pk)
    if staff is not None:
        found |= staff
    if units:
        found |= Q(unit_id__in=units) & sent_to_unit_q()
    return found if getattr(user, "is_authenticated", False) else scope.NOTHING


def _register() -> None:
    nothing = lambda user: scope.NOTHING  # noqa: E731

    def office(field):
        return lambda user: scope.in_ids(field, scope.office_authority_ids(user))

    def of_application(prefix):
        def q(user):
            ids = Application.objects.filter(applications_q(user)).values("pk")
            return Q(**{f"{prefix}__in": ids})

        return q

    scope.register(Application, view=applications_q, change=nothing)
    scope.register(Attachment, view=of_application("application"), change=nothing)
    scope.register(ApplicationEvent, view=of_application("application"), change=nothing)
    scope.register(
        PdfBatch,
        view=lambda user: (
            office("round__version__programme__authority_id")(user) | Q(requested_by_id=user.pk)
        ),
        change=nothing,
    )
    scope.register(ExpertProfile, view=office("authority_id"))
    for model in (Panel, Publicity, TieDecision, Naming):
        scope.register(
            model, view=office("round__version__programme__authority_id"), change=nothing
        )
    scope.register(
        CreditCheck,
        view=office("application__round__version__programme__authority_id"),
        change=nothing,
    )
    scope.register(
        Objection,
        view=office("publicity__round__version__programme__authority_id"),
        change=nothing,
    )


_register()
