"""Reads of the declaration that the services and the predicates share.

`locked` is the row lock every service takes before it changes an application (STYLE.md).
"""

from __future__ import annotations

from django.db.models import Q

from applications.models import Application, Finding, Nomination
from programmes import eligibility


def ruleset_of(application: Application):
    return application.round.version.ruleset


def locked(application: Application) -> Application:
    """The application again, its row locked until the transaction ends."""
    return (
        Application.objects.select_for_update()
        .select_related("round__version")
        .get(pk=application.pk)
    )


def findings_about(application: Application) -> list[eligibility.Finding]:
    """The findings of the programme's earlier rounds against this applicant or their unit."""
    against = Q(against=Finding.Against.PERSON, person=application.applicant_id)
    if application.unit_id:
        against |= Q(against=Finding.Against.UNIT, unit=application.unit_id)
    rows = Finding.objects.filter(against, programme=application.round.version.programme_id)
    return [
        eligibility.Finding(rule=f.rule, against=f.against, found_on=f.found_on)
        for f in rows.exclude(application=application).order_by("found_on")
    ]


def nominated_count(application: Application) -> int:
    """How many of the unit's people in this round the unit has already put forward."""
    return (
        Nomination.objects.filter(
            application__round=application.round_id,
            application__unit=application.unit_id,
            application__channel=application.channel,
            discussed_on__isnull=False,
        )
        .exclude(application=application)
        .exclude(
            application__status__in=[Application.Status.WITHDRAWN, Application.Status.REJECTED]
        )
        .count()
    )
