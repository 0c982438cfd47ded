"""The state of an award's title and benefits on a date."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from programmes.benefit_rules import (
    AdjustmentRules,
    AssessmentRule,
    BenefitRules,
    OneTimeSchedule,
)
from programmes.schedules.events import AwardEvent, AwardState
from programmes.schedules.payments import _all_payments
from programmes.schedules.reading import _read

# --- state ---------------------------------------------------------------------------------


def award_state(
    benefits: BenefitRules,
    assessments: Sequence[AssessmentRule],
    adjustments: AdjustmentRules | None,
    events: Iterable[AwardEvent],
    *,
    on: date,
) -> AwardState:
    """The title and the benefits on `on`, from the events up to that day (SCENARIOS.md).

    title: `none` before naming; `suspended`/`revoked` after the adjustment or assessment that
    made it so (an adjustment whose `title` is `held`, like leaving the post under 市中政办字
    〔2020〕33号 第十四条(二), leaves it as it is); `expired` after the term for a title held whose
    benefits ran their course; a title whose benefits were stopped early stays `held`.
    benefits: `not_started` before naming, or before the term when nothing has been paid yet;
    `stopped` once a stop or a cancellation has taken effect (the higher-benefit-only rule withholds
    months but does not stop the award); `completed` after the term (or at once for a programme
    with no term and one-time payments only) when no payment remains due; else `paying`.
    """
    known = [e for e in events if e.date <= on]
    award = _read(benefits, assessments, adjustments, known)
    if award is None:
        return AwardState(title="none", benefits="not_started")
    payments = _all_payments(benefits, assessments, adjustments, known)
    stopped_on = min((d for d in (award.stop_on, award.cancel_on) if d is not None), default=None)
    if stopped_on is not None:
        state = "stopped"
    elif on < award.term_start and not any(p.date <= on for p in payments):
        state = "not_started"
    elif any(p.date > on for p in payments):
        state = "paying"
    elif award.term_end is not None:
        state = "completed" if on > award.term_end else "paying"
    else:
        one_time = all(isinstance(s, OneTimeSchedule) for s in benefits.schedules)
        state = "completed" if one_time else "paying"
    title = award.title_on(on)
    if (
        title == "held"
        and stopped_on is None
        and award.term_end is not None
        and on > award.term_end
    ):
        title = "expired"
    return AwardState(
        title=title,
        benefits=state,
        named_on=award.named_on,
        term_start=award.term_start,
        term_end=award.term_end,
        benefits_stopped_on=award.stop_on,
        funding_cancelled_on=award.cancel_on,
        unit_loses_nomination=award.unit_loses_nomination_on is not None,
    )


def award_status(
    benefits: BenefitRules,
    assessments: Sequence[AssessmentRule],
    adjustments: AdjustmentRules | None,
    events: Iterable[AwardEvent],
    *,
    on: date,
) -> tuple[str, str]:
    """(title, benefits) on `on`, with the values of SCENARIOS.md; see `award_state`."""
    state = award_state(benefits, assessments, adjustments, events, on=on)
    return state.title, state.benefits
