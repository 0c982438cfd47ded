"""Reads of programmes and rounds."""

from __future__ import annotations

from datetime import date

from programmes.models import Round


def open_rounds(on: date):
    """The rounds open for applications on a day, with their programme, for the home page."""
    return (
        Round.objects.filter(status=Round.Status.OPEN, opens_on__lte=on, closes_on__gte=on)
        .select_related("version__programme")
        .order_by("closes_on", "name")
    )


def current_rounds():
    """Rounds that are open or under review (not drafts, not closed)."""
    return (
        Round.objects.filter(status__in=[Round.Status.OPEN, Round.Status.REVIEW])
        .select_related("version__programme")
        .order_by("-opens_on")
    )


def calendar_overrides():
    """The days staff entered (holidays and adjusted working days), for the pure calendar."""
    from programmes.calendar import CalendarOverrides
    from programmes.models import CalendarDay, CalendarYear

    years = frozenset(CalendarYear.objects.filter(complete=True).values_list("year", flat=True))
    days = {
        day: kind == CalendarDay.Kind.WORKDAY
        for day, kind in CalendarDay.objects.values_list("date", "kind")
    }
    return CalendarOverrides(years=years, days=days)


def working_day_calendar():
    from programmes.calendar import WorkingDayCalendar

    return WorkingDayCalendar(calendar_overrides())
