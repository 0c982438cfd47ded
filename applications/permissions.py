"""Who may open and change an application: `rules` predicates, checked in views and querysets."""

from __future__ import annotations

import rules
from django.db.models import Q

from portal.models import Role
from portal.roles import scopes


@rules.predicate
def is_applicant(user, application) -> bool:
    return application is not None and application.applicant_id == user.pk


@rules.predicate
def is_unit_hr_of(user, application) -> bool:
    return application is not None and application.unit_id in {
        u.pk for u in scopes(user, Role.UNIT_HR, "unit")
    }


@rules.predicate
def is_reviewer_of(user, application) -> bool:
    """Staff who act on the application in review, within their scope (not experts)."""
    from reviews import permissions as review_permissions

    return review_permissions.may_view_in_review(user, application)


@rules.predicate
def is_assigned_expert(user, application) -> bool:
    from reviews import permissions as review_permissions

    return review_permissions.is_assigned_expert(user, application)


# The declaration's own pages (and its PDF, with the whole form) are for the applicant, their
# unit and the staff in review. Experts work on their reduced view (reviews/expert/...) and may
# download the materials it lists: never the ID card or bank documents.
can_view = is_applicant | is_unit_hr_of | is_reviewer_of


def can_open_attachment(user, attachment) -> bool:
    from reviews.display import hidden_from_experts

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
    from applications.models import Application

    return Application.objects.filter(applicant=user)


def unit_applications(user):
    """The applications of the units the user is HR of."""
    from applications.models import Application

    units = [u.pk for u in scopes(user, Role.UNIT_HR, "unit")]
    return Application.objects.filter(Q(unit__in=units)) if units else Application.objects.none()
