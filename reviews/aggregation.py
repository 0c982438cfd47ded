"""Combining the experts' scores of one application, as the rule set says.

沪松人社规〔2024〕1号 附件3 (the 100-point sheet, averaged); where a rule set asks for a
trimmed mean, the highest and the lowest score are dropped once enough experts scored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")
# A score this share of the sheet's total away from the others' mean is flagged when the rule
# set names no `outlier_points`.
DEFAULT_OUTLIER_SHARE = Decimal("0.2")
DEFAULT_TRIM_WHEN_AT_LEAST = 5


@dataclass(frozen=True)
class Aggregate:
    value: Decimal | None
    method: str
    counted: tuple[int, ...]  # indexes of the scores that counted
    dropped: tuple[int, ...]  # indexes dropped by trimming
    outliers: tuple[int, ...]  # indexes flagged as far from the others


def _mean(values: Sequence[Decimal]) -> Decimal:
    return (sum(values, Decimal(0)) / len(values)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def outliers(scores: Sequence[Decimal], threshold: Decimal) -> tuple[int, ...]:
    """Indexes of scores further than `threshold` from the mean of the other scores."""
    if len(scores) < 3:
        return ()
    flagged = []
    total = sum(scores, Decimal(0))
    for index, score in enumerate(scores):
        others = (total - score) / (len(scores) - 1)
        if abs(score - others) > threshold:
            flagged.append(index)
    return tuple(flagged)


def aggregate(
    scores: Sequence[Decimal],
    *,
    method: str | None = "mean",
    trim_when_at_least: int | None = None,
    outlier_points: int | None = None,
    sheet_total: int | None = None,
) -> Aggregate:
    """The application's score from its experts' totals.

    `mean`: the average of all; `trimmed_mean`: with at least `trim_when_at_least` scores
    (5 when the rule set does not say) the highest and the lowest are dropped first. Scores
    further than `outlier_points` (else a fifth of the sheet's total, else 20 points) from the
    others' mean are flagged for the office; they still count.
    """
    scores = [Decimal(s) for s in scores]
    method = method or "mean"
    if outlier_points is not None:
        threshold = Decimal(outlier_points)
    elif sheet_total:
        threshold = Decimal(sheet_total) * DEFAULT_OUTLIER_SHARE
    else:
        threshold = Decimal(20)
    flagged = outliers(scores, threshold)
    if not scores:
        return Aggregate(None, method, (), (), ())
    order = sorted(range(len(scores)), key=lambda i: (scores[i], i))
    dropped: tuple[int, ...] = ()
    if method == "trimmed_mean" and len(scores) >= (
        trim_when_at_least or DEFAULT_TRIM_WHEN_AT_LEAST
    ):
        dropped = (order[0], order[-1])
    counted = tuple(i for i in range(len(scores)) if i not in dropped)
    return Aggregate(_mean([scores[i] for i in counted]), method, counted, dropped, flagged)
