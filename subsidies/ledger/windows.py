"""A run's window: the period it covers and what it catches up since the last completed run."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from subsidies.models import PaymentRun

CHUNK = 2000
# Arrears and the last tranche can fall due after the term: keep looking at an award this long.
AFTER_TERM = timedelta(days=800)


class RunError(ValueError):
    """A run that cannot start (a malformed period)."""


@dataclass(frozen=True)
class Window:
    """The rows a run inserts: dated from `since` (None: from the start) up to `until`."""

    kind: str
    period: str
    start: date
    until: date
    since: date | None


def month_window(period: str) -> tuple[date, date]:
    try:
        first = date.fromisoformat(f"{period}-01")
    except ValueError:
        raise RunError(_("期间“%(p)s”格式应为 YYYY-MM") % {"p": period}) from None
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


def covered_until(kind: str) -> date | None:
    """The last day the completed runs of this kind have covered (None: no run yet)."""
    run = (
        PaymentRun.objects.filter(kind=kind, status=PaymentRun.Status.DONE)
        .order_by("-until")
        .first()
    )
    return run.until if run else None


def window_for(kind: str, period: str) -> Window:
    if kind == PaymentRun.Kind.MONTHLY:
        start, until = month_window(period)
    else:
        try:
            year = int(period)
        except ValueError:
            raise RunError(_("年度“%(p)s”格式应为 YYYY") % {"p": period}) from None
        start, until = date(year, 1, 1), date(year, 12, 31)
    covered = covered_until(kind)
    since = None if covered is None else min(start, covered + timedelta(days=1))
    return Window(kind=kind, period=period, start=start, until=until, since=since)
