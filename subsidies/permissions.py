"""Who may see and change awards, the ledger, assessments, runs and batches: one place.

Everything here belongs to an authority (portal.scope): an award through its programme, a
batch and a run by their `authority` (the paying authority). The office (or, for the craftsman
round, the city union) and the finance of that authority see them; finance alone approves
its own authority's batches; the person named sees their own statement. The predicates are
`rules` permissions; the queryset filters registered with portal.scope are the same decisions
for lists, so a page, an export or an admin list never holds a row its user may not open.
"""

from __future__ import annotations

import rules
from django.db.models import Q

from portal import scope
from subsidies.models import Assessment, Award, AwardEvent, Payment, PaymentBatch, PaymentRun


def office_ids(user):
    return scope.office_authority_ids(user)


def finance_ids(user):
    return scope.finance_authority_ids(user)


def money_ids(user):
    """Authorities whose awards and money the user sees (office or finance)."""
    office, finance = office_ids(user), finance_ids(user)
    if office is None or finance is None:
        return None
    return office | finance


def _in(ids, authority_id) -> bool:
    return ids is None or authority_id in ids


def award_authority_id(award):
    return award.ruleset_version.programme.authority_id


@rules.predicate
def is_office_of(user, award) -> bool:
    return award is not None and _in(office_ids(user), award_authority_id(award))


@rules.predicate
def is_finance_of(user, award) -> bool:
    return award is not None and _in(finance_ids(user), award_authority_id(award))


@rules.predicate
def is_awardee(user, award) -> bool:
    return award is not None and award.person_id is not None and award.person_id == user.pk


@rules.predicate
def is_office(user) -> bool:
    return office_ids(user) != set()


@rules.predicate
def is_finance(user) -> bool:
    return finance_ids(user) != set()


@rules.predicate
def sees_batch(user, batch) -> bool:
    return batch is not None and _in(money_ids(user), batch.authority_id)


@rules.predicate
def approves_batch(user, batch) -> bool:
    return batch is not None and _in(finance_ids(user), batch.authority_id)


@rules.predicate
def sees_run(user, run) -> bool:
    if run is None:
        return False
    ids = office_ids(user)
    return ids is None or (run.authority_id is not None and run.authority_id in ids)


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
# The award's ID number and accounts in full on its pages: the office managing it (portal.scope
# decides). Its finance reads them masked there and in full in the payroll sheet of an approved
# batch (issue 17, item 6).
may_see_award_identity = is_office_of

rules.add_perm("subsidies.view_award_statement", may_view_award)
rules.add_perm("subsidies.manage_award", may_manage_award)
rules.add_perm("subsidies.run_payments", is_office)
rules.add_perm("subsidies.view_batches", may_view_batches)
rules.add_perm("subsidies.approve_batches", may_approve_batches)
rules.add_perm("subsidies.view_batch", sees_batch)
rules.add_perm("subsidies.approve_batch", approves_batch & sees_batch)
rules.add_perm("subsidies.view_run", sees_run)
rules.add_perm("subsidies.confirm_recovery", may_confirm_recovery)
rules.add_perm("subsidies.approve_recovery", may_approve_recovery)


# --- queryset filters (portal.scope) ---------------------------------------------------------


def awards_q(user, prefix: str = "") -> Q:
    staff = scope.in_ids(f"{prefix}ruleset_version__programme__authority_id", money_ids(user))
    return staff | Q(**{f"{prefix}person_id": user.pk})


def office_awards_q(user, prefix: str = "") -> Q:
    return scope.in_ids(f"{prefix}ruleset_version__programme__authority_id", office_ids(user))


def _register() -> None:
    scope.register_full_identity(Award, lambda user, award: may_see_award_identity(user, award))
    # the payroll sheet (xlsx, once approved) in full to those who see the batch: its finance
    # and office; the batch page masks every number (subsidies.batch_payees)
    scope.register_full_identity(PaymentBatch, lambda user, batch: sees_batch(user, batch))
    register = scope.register
    register(Award, view=lambda u: awards_q(u), change=lambda u: office_awards_q(u))
    register(AwardEvent, view=lambda u: awards_q(u, "award__"), change=lambda u: scope.NOTHING)
    register(
        Payment,
        view=lambda u: scope.in_ids(
            "award__ruleset_version__programme__authority_id", money_ids(u)
        ),
        change=lambda u: scope.NOTHING,
    )
    register(
        Assessment, view=lambda u: office_awards_q(u, "award__"), change=lambda u: scope.NOTHING
    )
    register(
        PaymentBatch,
        view=lambda u: scope.in_ids("authority_id", money_ids(u)),
        change=lambda u: scope.NOTHING,
    )
    register(
        PaymentRun,
        view=lambda u: scope.in_ids("authority_id", office_ids(u)),
        change=lambda u: scope.NOTHING,
    )


_register()
