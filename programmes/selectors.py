"""Reads of programmes and rounds."""

from __future__ import annotations

from datetime import date

from django.db.models import Q

from portal import scope
from portal.models import Region, RegionKind, Unit
from programmes.calendar import CalendarOverrides, WorkingDayCalendar
from programmes.models import CalendarDay, CalendarYear, Round


def open_rounds(on: date):
    """The rounds open for applications on a day, with their programme, for the home page."""
    return (
        Round.objects.filter(status=Round.Status.OPEN, opens_on__lte=on, closes_on__gte=on)
        .select_related("version__programme")
        .order_by("closes_on", "name")
    )


def calendar_overrides():
    """The days staff entered (holidays and adjusted working days), for the pure calendar."""
    years = frozenset(CalendarYear.objects.filter(complete=True).values_list("year", flat=True))
    days = {
        day: kind == CalendarDay.Kind.WORKDAY
        for day, kind in CalendarDay.objects.values_list("date", "kind")
    }
    return CalendarOverrides(years=years, days=days)


def working_day_calendar():
    return WorkingDayCalendar(calendar_overrides())


UNIT_CHOICES_LIMIT = 50


def _districts(round) -> set[int]:
    authority_id = round.version.programme.authority_id
    return scope.region_ids_of({authority_id} if authority_id else set()) or set()


def programme_units(round, *, query: str = ""):
    """The units that may apply in the round: those of its programme's district (the city union's
    programme: every unit of the city), matching `query` (name or credit code)."""
    authority_id = round.version.programme.authority_id
    units = Unit.objects.filter(scope.unit_q({authority_id} if authority_id else set()))
    if query:
        units = units.filter(Q(name__icontains=query) | Q(credit_code__icontains=query))
    return units.order_by("name")


def programme_streets(round):
    """The streets, towns and zones of the round's programme's district(s)."""
    districts = _districts(round)
    return (
        Region.objects.filter(kind__in=[RegionKind.STREET, RegionKind.TOWN, RegionKind.ZONE])
        .filter(Q(parent_id__in=districts) | Q(parent__parent_id__in=districts))
        .select_related("parent")
        .order_by("parent__code", "code")
    )


def needs_residence_street(ruleset, channel: str | None = None) -> bool:
    """Whether an applicant without a unit goes to a street reviewer (on `channel`, or on any
    channel): 市中 第八条, 自由职业者由所在地镇街人力资源和社会保障所推荐."""
    return any(
        s.role == "street_reviewer"
        and (channel is None or s.channels is None or channel in s.channels)
        and not (s.applies_to and getattr(s.applies_to, "unit_kinds", None))
        for s in ruleset.workflow.stages
    )
