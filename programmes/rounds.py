"""Opening rounds as the texts allow them (`open_round`); the rules themselves are pure, in
`programmes.round_rules.round_problems` (re-exported here).
"""

from __future__ import annotations

from django.db import transaction

from programmes.models import Round
from programmes.round_rules import round_problems

__all__ = ["open_round", "round_problems"]


@transaction.atomic
def open_round(*, version, name: str, year: int, opens_on, closes_on, quota=None, status=None):
    """Open a round of `version`; refused (ValidationError, by field) as `Round.clean` says."""
    round_ = Round(
        version=version,
        name=name,
        year=year,
        opens_on=opens_on,
        closes_on=closes_on,
        quota=quota,
        status=status or Round.Status.OPEN,
    )
    round_.full_clean()
    round_.save()
    return round_
