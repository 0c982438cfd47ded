"""Months, the award's term, and the award's events read against the rule set."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from programmes.benefit_rules import AdjustmentRules, AssessmentRule, BenefitRules
from programmes.schedules.events import ADJUSTMENT_EVENTS, AwardEvent, ScheduleError

# --- dates ---------------------------------------------------------------------------------


def _add_months(first: date, months: int) -> date:
    years, month0 = divmod(first.month - 1 + months, 12)
    return date(first.year + years, month0 + 1, 1)


def _months(start: date, end: date) -> Iterable[date]:
    """The first days of the months from `start` (a first day) to `end`."""
    current = start
    while current <= end:
        yield current
        current = _add_months(current, 1)


def term(benefits: BenefitRules, named_on: date) -> tuple[date, date | None]:
    """The award's term: (first day, last day), the last None for a title that does not expire.

    SCENARIOS.md: the term starts on the first day of the month after the naming date;
    it lasts `term_months` (沪松人社规〔2024〕1号 五(二) 三年; 市中政办字〔2020〕33号 第四条 四年;
    青人社〔2020〕54号 七 三年; 沪松人社〔2024〕9号 四.4 3年).
    """
    start = _add_months(named_on.replace(day=1), 1)
    if benefits.term_months is None:
        return start, None
    return start, _add_months(start, benefits.term_months) - timedelta(days=1)


# --- reading the events --------------------------------------------------------------------


def _resolve(assessments: Sequence[AssessmentRule], event: AwardEvent) -> AssessmentRule:
    if event.assessment is not None:
        for rule in assessments:
            if rule.code == event.assessment:
                return rule
        raise ScheduleError(f"{event.date} 规则中没有代码为“{event.assessment}”的考核")
    for rule in assessments:
        if rule.code == event.assessment_kind:
            return rule
    of_kind = [rule for rule in assessments if rule.kind == event.assessment_kind]
    if len(of_kind) == 1:
        return of_kind[0]
    if not of_kind:
        raise ScheduleError(f"{event.date} 规则中没有“{event.assessment_kind}”类考核")
    codes = "、".join(rule.code for rule in of_kind)
    raise ScheduleError(
        f"{event.date} “{event.assessment_kind}”类考核有多项（{codes}），请写明 code"
    )


@dataclass
class _Award:
    """What the events say, once read against the rule set."""

    named_on: date
    term_start: date
    term_end: date | None
    stop_on: date | None = None
    cancel_on: date | None = None
    unit_loses_nomination_on: date | None = None
    title_changes: list[tuple[date, str]] = field(default_factory=list)
    assessed: list[tuple[AwardEvent, AssessmentRule]] = field(default_factory=list)
    triggers: list[AwardEvent] = field(default_factory=list)
    other_benefits: list[AwardEvent] = field(default_factory=list)

    def stop(self, on: date) -> None:
        self.stop_on = on if self.stop_on is None else min(self.stop_on, on)

    def payable(self, on: date) -> bool:
        """A payment dated `on` is not stopped or cancelled."""
        return (self.stop_on is None or on < self.stop_on) and (
            self.cancel_on is None or on < self.cancel_on
        )

    def in_term(self, on: date) -> bool:
        return self.term_start <= on and (self.term_end is None or on <= self.term_end)

    def title_on(self, on: date) -> str:
        title = "held"
        for when, change in self.title_changes:
            if when > on:
                break
            if change == "revoked" or (change == "suspended" and title == "held"):
                title = change
        return title

    def left_held_on(self) -> date | None:
        return self.title_changes[0][0] if self.title_changes else None


def _read(
    benefits: BenefitRules,
    assessments: Sequence[AssessmentRule],
    adjustments: AdjustmentRules | None,
    events: Iterable[AwardEvent],
) -> _Award | None:
    ordered = sorted(events, key=lambda e: e.date)
    named = next((e for e in ordered if e.kind == "named"), None)
    if named is None:
        return None
    start, end = term(benefits, named.date)
    award = _Award(named_on=named.date, term_start=start, term_end=end)
    double = benefits.no_double_benefit
    other_titles = benefits.stops_on_other_title
    last_result: dict[str, str] = {}
    for event in ordered:
        if event.kind == "other_benefit":
            if double is not None and event.name in double.comparable:
                award.other_benefits.append(event)
            continue
        if event.date < named.date:
            continue
        if event.kind == "assessment":
            rule = _resolve(assessments, event)
            award.assessed.append((event, rule))
            effects = rule.effects_of(event.result)
            if effects and rule.rectification:
                confirmed = event.after_rectification or last_result.get(rule.code) == event.result
                if not confirmed:
                    effects = ()
            last_result[rule.code] = event.result
            for effect in effects:
                if effect == "stop_benefits":
                    award.stop(event.date)
                elif effect == "revoke_title":
                    award.title_changes.append((event.date, "revoked"))
                    award.stop(event.date)
                elif effect == "cancel_funding":
                    if award.cancel_on is None:
                        award.cancel_on = event.date
                elif effect == "unit_loses_nomination" and event.unit_at_fault:
                    award.unit_loses_nomination_on = award.unit_loses_nomination_on or event.date
        elif event.kind in ADJUSTMENT_EVENTS:
            rule = (adjustments if adjustments is not None else AdjustmentRules()).rule_for(
                event.kind
            )
            if rule.title != "held":
                award.title_changes.append((event.date, rule.title))
            if rule.benefits == "stop_next_month":
                award.stop(event.date)
        elif event.kind == "other_title":
            if other_titles is not None and event.name in other_titles.titles:
                award.stop(event.date)
        elif event.kind == "studio_established":
            award.triggers.append(event)
    return award
