"""Scope of programmes, their versions and rounds (portal.scope): the authority running them.

Staff of an authority see its programmes, versions and rounds; its office changes its rounds.
The working-day calendar is the country's, shared by every authority.
"""

from __future__ import annotations

from django.db.models import Q

from portal import scope
from programmes.models import CalendarDay, CalendarYear, Programme, ProgrammeVersion, Round


def _register() -> None:
    def staff(field):
        return lambda user: scope.in_ids(field, scope.staff_authority_ids(user))

    def office(field):
        return lambda user: scope.in_ids(field, scope.office_authority_ids(user))

    scope.register(Programme, view=staff("authority_id"), change=office("authority_id"))
    scope.register(
        ProgrammeVersion,
        view=staff("programme__authority_id"),
        change=office("programme__authority_id"),
    )
    scope.register(
        Round,
        view=staff("version__programme__authority_id"),
        change=office("version__programme__authority_id"),
    )
    everyone = lambda user: Q()  # noqa: E731
    scope.register(CalendarYear, view=everyone)
    scope.register(CalendarDay, view=everyone)


_register()
