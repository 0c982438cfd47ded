"""Who may see and change awards, runs and batches: `rules` predicates, one place.

The district office and finance act for their district (a city-level assignment for all);
views check these and the selectors (subsidies.selectors) filter by the same districts, so a
page never lists what its user may not open. The person named sees their own statement.
"""

from __future__ import annotations

import rules

from portal.models import RegionKind, Role
from portal.roles import assignments_of


def districts(user, *roles: str) -> set[str] | None:
    """The district codes the user acts for in these roles; None means every district."""
    if getattr(user, "is_superuser", False):
        return None
    found: set[str] = set()
    for a in assignments_of(user):
        if a.role in roles and a.region_id:
            if a.region.kind == RegionKind.CITY:
                return None
            found.add(a.region.code)
    return found


def _acts_for(user, district: str, *roles: str) -> bool:
    scope = districts(user, *roles)
    return scope is None or district in scope


@rules.predicate
def is_office_of(user, award) -> bool:
    return _acts_for(user, award.district, Role.DISTRICT_OFFICE)


@rules.predicate
def is_finance_of(user, award) -> bool:
    return _acts_for(user, award.district, Role.FINANCE)


@rules.predicate
def is_awardee(user, award) -> bool:
    return award.person_id is not None and award.person_id == user.pk


@rules.predicate
def is_office(user) -> bool:
    return districts(user, Role.DISTRICT_OFFICE) != set()


@rules.predicate
def is_finance(user) -> bool:
    return districts(user, Role.FINANCE) != set()


@rules.predicate
def is_award_applicant(user, award) -> bool:
    """The account that applied (a unit's login for a project) follows its award's statement."""
    return award.application_id is not None and award.application.applicant_id == user.pk


may_view_award = is_office_of | is_finance_of | is_awardee | is_award_applicant
may_manage_award = is_office_of
may_view_batches = is_office | is_finance
may_approve_batches = is_finance
# Recovery claims: the office of the award's district confirms, its finance approves.
may_confirm_recovery = is_office_of
may_approve_recovery = is_finance_of

rules.add_perm("subsidies.view_award_statement", may_view_award)
rules.add_perm("subsidies.manage_award", may_manage_award)
rules.add_perm("subsidies.run_payments", is_office)
rules.add_perm("subsidies.view_batches", may_view_batches)
rules.add_perm("subsidies.approve_batches", may_approve_batches)
rules.add_perm("subsidies.confirm_recovery", may_confirm_recovery)
rules.add_perm("subsidies.approve_recovery", may_approve_recovery)
