"""The assessments an award has falling due, with their results."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from programmes.benefit_rules import (
    AdjustmentRules,
    AssessmentRule,
    BenefitRules,
    DueMonthsAfterStart,
    DueTermEnd,
    DueYearEnd,
)
from programmes.schedules.events import AwardEvent, DueAssessment
from programmes.schedules.reading import _add_months, _read

# --- assessments ---------------------------------------------------------------------------


def _due_dates(rule: AssessmentRule, start: date, end: date | None) -> list[date]:
    due = rule.due
    if isinstance(due, DueMonthsAfterStart):
        return [_add_months(start, due.months) - timedelta(days=1)]
    if end is None:
        return []
    if isinstance(due, DueTermEnd):
        return [end]
    if isinstance(due, DueYearEnd):
        ends = (date(year, 12, 31) for year in range(start.year, end.year + 1))
        return [d for d in ends if start <= d <= end]
    return []


def assessment_schedule(
    benefits: BenefitRules,
    assessments: Sequence[AssessmentRule],
    events: Iterable[AwardEvent],
    *,
    until: date | None = None,
    adjustments: AdjustmentRules | None = None,
) -> list[DueAssessment]:
    """The assessments falling due, by due date, each with its result once recorded.

    Due dates from each assessment's `due` rule over the award's term (沪松人社规〔2024〕1号 六(一);
    青人社〔2020〕54号 八(二); 沪松人社〔2024〕9号 八(二)(三); 市中政办字〔2020〕33号 第十四条).
    A recorded assessment fills the due date nearest to it (the earlier one on a tie); when
    several fill the same one (a check after rectification), the last decides its result. With
    `until`, only events up to it count, and only assessments due by then or already decided are
    listed. Once the title is suspended or revoked (per `adjustments`, default SCENARIOS.md),
    assessments not yet decided that fall due later are no longer listed. Assessments with no
    fixed date (`due: {rule: none}`) are not listed.
    """
    if until is not None:
        events = [e for e in events if e.date <= until]
    award = _read(benefits, assessments, adjustments, events)
    if award is None:
        return []
    left_held = award.left_held_on()
    rows: list[DueAssessment] = []
    for rule in assessments:
        slots = _due_dates(rule, award.term_start, award.term_end)
        if not slots:
            continue
        decided: dict[date, AwardEvent] = {}
        for event, event_rule in award.assessed:
            if event_rule.code == rule.code:
                nearest = min(slots, key=lambda d: (abs((d - event.date).days), d))
                decided[nearest] = event
        for due in slots:
            event = decided.get(due)
            if event is None:
                if left_held is not None and due > left_held:
                    continue
                if until is not None and due > until:
                    continue
            rows.append(
                DueAssessment(
                    code=rule.code,
                    kind=rule.kind,
                    due=due,
                    organiser=rule.organiser,
                    result=event.result if event else None,
                    decided_on=event.date if event else None,
                )
            )
    rows.sort(key=lambda a: (a.due, a.code))
    return rows
