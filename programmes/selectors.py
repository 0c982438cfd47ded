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
