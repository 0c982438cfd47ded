"""Who may open and change an application: `rules` predicates, checked in views and querysets."""

from __future__ import annotations

import rules
from django.db.models import Q

from applications import hooks
from applications.display import hidden_from_experts
from applications.models import Application
from applications.nomination import unit_stages
from applications.selectors import ruleset_of
from portal.models import Role
from portal.roles import scopes
from programmes.models import ProgrammeVersion


@rules.predicate
def is_applicant(user, application) -> bool:
    return application is not None and application.applicant_id == user.pk


def sent_to_unit(application) -> bool:
    """Whether the application went to its unit: submitted (not a draft) on a channel whose
    path has a unit stage (a self-nomination to the city union never goes to the unit)."""
    if application.status in ("draft", "withdrawn") and not application.submitted_at:
        return False
    return bool(unit_stages(ruleset_of(application), application.channel))


@rules.predicate
def is_unit_hr_of(user, application) -> bool:
    return (
        application is not None
        and application.unit_id in {u.pk for u in scopes(user, Role.UNIT_HR, "unit")}
        and sent_to_unit(application)
    )


@rules.predicate
def is_reviewer_of(user, application) -> bool:
    """Staff who act on the application in review, within their scope (not experts): the
    review decides (applications.hooks)."""
    return hooks.may_review(user, application)


@rules.predicate
def is_assigned_expert(user, application) -> bool:
    return hooks.is_assigned_expert(user, application)


# The declaration's own pages (and its PDF, with the whole form) are for the applicant, their
# unit and the staff in review. Experts work on their reduced view (reviews/expert/...) and may
# download the materials it lists: never the ID card or bank documents.
can_view = is_applicant | is_unit_hr_of | is_reviewer_of


def can_open_attachment(user, attachment) -> bool:
    application = attachment.application
    if can_view(user, application):
        return True
    return is_assigned_expert(user, application) and not hidden_from_experts(
        application.round.version.ruleset, attachment.item
    )


can_edit = is_applicant

rules.add_perm("applications.view_declaration", can_view)
rules.add_perm("applications.edit_declaration", can_edit)
rules.add_perm("applications.nominate", is_unit_hr_of)


def own_applications(user):
    """The applications of the applicant's own list."""
    return Application.objects.filter(applicant=user)


def unit_applications(user):
    """The applications sent to the units the user is HR of (never a draft; only channels whose
    path goes through the unit)."""
    units = [u.pk for u in scopes(user, Role.UNIT_HR, "unit")]
    if not units:
        return Application.objects.none()
    return Application.objects.filter(Q(unit__in=units) & sent_to_unit_q())


def sent_to_unit_q() -> Q:
    """Q over Application: what sent_to_unit decides, for lists."""
    channels = Q(pk__in=[])
    for version in ProgrammeVersion.objects.filter(rounds__isnull=False).distinct():
        codes = {c.code for c in version.ruleset.eligibility.channels}
        through_unit = [c for c in codes if unit_stages(version.ruleset, c)]
        if through_unit:
            channels |= Q(round__version_id=version.pk, channel__in=through_unit)
    return channels & ~(Q(status="draft") | Q(status="withdrawn", submitted_at__isnull=True))
