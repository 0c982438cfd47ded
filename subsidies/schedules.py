"""What an award pays, which assessments fall due, and the state of its title and benefits.

Pure functions over a rule set's `benefits`, `assessments` and `adjustments` sections
(`programmes/benefit_rules.py`) and the award's events: no Django, no clock. `manage.py simulate`
and the payment run call the same functions, so the ledger holds exactly the rows the dry run
lists. The payment run should, for each award, build its events (a `named` event from the award's
naming date, then the recorded events) and insert the rows of `payments_due(..., until=run_date)`
that the ledger does not hold yet: the ledger's unique (award, kind, period) makes that idempotent
and also picks up a month missed by an earlier run. `payments_in_month` gives one month's rows.

Conventions (SCENARIOS.md, where the policy texts are silent; each is tested in
tests/unit/test_schedules.py):
- The term starts on the first day of the month after the naming date and lasts `term_months`.
- A monthly allowance is paid for each month of the term on whose first day the award is active,
  dated that first day; an annual-in-arrears allowance pays a year's active months on 1 January
  (`pay_month`) of the next year; a payment that depends on an assessment or an event is dated
  that day.
- An event takes effect on its date. A suspension, revocation, leaving the post, a stop effect of
  an assessment or a title that ends the benefits, dated D, stops every month whose first day is
  on or after D (one dated the 1st stops that month too: on that day the award is no longer
  active) and every payment dated on or after D. Months earned before D and paid in arrears are
  still paid (市中政办字〔2020〕33号 第十四条(二): the title may be kept, the benefits end).
- `cancel_funding` (青人社〔2020〕54号 八(二) 取消资助) also cancels what was earned but not yet paid.
- No double benefit (就高不重复, `higher_benefit`): a person's monthly or in-arrears month is not
  paid when, on its first day, the person holds a comparable benefit whose monthly amount is
  higher than or equal to ours; a person's yearly payment (per assessment: 青浦 the leader's
  20,000 a year) is compared a month at a time (a twelfth of it) on its date. With equal amounts
  paying ours would be paying twice, and this office can only prevent that by withholding its
  own; the person loses nothing. One-time payments and a unit's grants are not compared: they
  are not a person's recurring benefit.
- Events dated before the naming are ignored, except `other_benefit` (a benefit held already).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from programmes.benefit_rules import (
    ASSESSMENT_KINDS,
    CENT,
    DEFAULT_ADJUSTMENTS,
    RESULTS,
    STUDIO_LEVELS,
    AdjustmentRules,
    AnnualInArrearsSchedule,
    AssessmentRule,
    BenefitRules,
    DueMonthsAfterStart,
    DueTermEnd,
    DueYearEnd,
    MonthlySchedule,
    OneTimeSchedule,
    OnEventSchedule,
    PerAssessmentSchedule,
    TrancheSchedule,
    parse_money,
)

EVENT_KINDS = (
    "publicity_start",
    "objection",
    "named",
    "assessment",
    "studio_established",
    "other_benefit",
    "other_title",
    "suspended",
    "revoked",
    "left_post",
)
ADJUSTMENT_EVENTS = ("suspended", "revoked", "left_post")
TITLES = ("held", "suspended", "revoked", "expired", "none")
BENEFIT_STATES = ("not_started", "paying", "stopped", "completed")


class ScheduleError(ValueError):
    """Events the rule set cannot take (an assessment it does not define, a malformed event)."""


# --- data in and out -----------------------------------------------------------------------


@dataclass(frozen=True)
class AwardEvent:
    """Something that happened to an application or award (SCENARIOS.md, events).

    `assessment` is the assessment's code in the rule set; when it is None, `assessment_kind`
    (the scenario's `kind`: annual, mid_term ...) names it: the assessment whose code is that
    kind, else the only assessment of that kind.
    """

    date: date
    kind: str
    assessment: str | None = None
    assessment_kind: str | None = None
    result: str | None = None
    unit_at_fault: bool = False
    after_rectification: bool = False
    level: str | None = None
    name: str | None = None
    monthly_amount: Decimal | None = None
    reason: str | None = None
    upheld: bool | None = None
    document_number: str | None = None
    stage: str | None = None

    def __post_init__(self):
        if self.kind not in EVENT_KINDS:
            raise ScheduleError(f"未知的事件“{self.kind}”")
        if self.kind == "assessment":
            if self.assessment is None and self.assessment_kind is None:
                raise ScheduleError(f"{self.date} 考核事件应指明考核（kind 或 code）")
            if self.assessment_kind is not None and self.assessment_kind not in ASSESSMENT_KINDS:
                raise ScheduleError(f"{self.date} 未知的考核类型“{self.assessment_kind}”")
            if self.result not in RESULTS:
                raise ScheduleError(f"{self.date} 未知的考核结果“{self.result}”")
        elif self.kind == "studio_established" and self.level not in STUDIO_LEVELS:
            raise ScheduleError(f"{self.date} 工作室级别应为 city 或 district，而非“{self.level}”")
        elif self.kind == "other_title" and not self.name:
            raise ScheduleError(f"{self.date} other_title 应有 name")
        elif self.kind == "other_benefit":
            if not self.name or self.monthly_amount is None:
                raise ScheduleError(f"{self.date} other_benefit 应有 name 和 monthly_amount")
            try:
                amount = parse_money(self.monthly_amount)
            except ValueError as exc:
                raise ScheduleError(f"{self.date} monthly_amount: {exc}") from exc
            if amount < 0:
                raise ScheduleError(f"{self.date} monthly_amount 不能为负")
            object.__setattr__(self, "monthly_amount", amount)

    @classmethod
    def from_scenario(cls, when: date, event: str, fields: dict[str, Any]) -> AwardEvent:
        """An event from a scenario's (or a recorded AwardEvent row's) date, name and fields.

        The `assessment` event's `kind` and optional `code` become `assessment_kind` and
        `assessment`; every other field keeps its name. Unknown fields are an error.
        """
        values = dict(fields)
        if event == "assessment":
            if "kind" in values:
                values["assessment_kind"] = values.pop("kind")
            if "code" in values:
                values["assessment"] = values.pop("code")
        known = set(cls.__dataclass_fields__) - {"date", "kind"}
        unknown = set(values) - known
        if unknown:
            raise ScheduleError(f"{when} 事件 {event} 不认识字段 {'、'.join(sorted(unknown))}")
        for flag in ("unit_at_fault", "after_rectification"):
            if flag in values and not isinstance(values[flag], bool):
                raise ScheduleError(f"{when} 事件 {event} 的 {flag} 应为 true 或 false")
        return cls(date=when, kind=event, **values)


@dataclass(frozen=True)
class DuePayment:
    """One payment: a ledger row (unique per award, `kind` and `period`).

    `period`: `YYYY-MM` (monthly), `YYYY` (the year paid in arrears; the year of the assessment for
    per-assessment payments), `once` (one-time, tranche, an event paid at most once), `once-N`
    (the N-th payment of an event paid up to `max_times` > 1).
    """

    date: date
    period: str
    payee: str
    kind: str
    amount: Decimal
    funding: str


@dataclass(frozen=True)
class DueAssessment:
    """An assessment falling due, with its result once decided (None before)."""

    code: str
    kind: str
    due: date
    organiser: str
    result: str | None = None
    decided_on: date | None = None


@dataclass(frozen=True)
class AwardState:
    """The state of an award on a date (`award_status` gives the first two)."""

    title: str
    benefits: str
    named_on: date | None = None
    term_start: date | None = None
    term_end: date | None = None
    benefits_stopped_on: date | None = None
    funding_cancelled_on: date | None = None
    unit_loses_nomination: bool = False


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


# --- payments ------------------------------------------------------------------------------


def higher_benefit(
    benefits: BenefitRules,
    others: Iterable[AwardEvent],
    *,
    payee: str,
    monthly: Decimal,
    on: date,
) -> AwardEvent | None:
    """就高不重复: the comparable benefit the person holds on `on` that is at least as high as ours.

    The one comparison of every benefit a person receives, for the ledger and `simulate` alike:
    `others` are the person's other benefits (recorded `other_benefit` facts, and the person's
    awards of the portal's other programmes that the rule set names comparable), each with its
    monthly amount; `monthly` is ours a month (a yearly amount divided by twelve). None when
    ours is to be paid. Only a person's benefits are compared (a unit's grant is not a
    personal benefit), and only under a rule set that has the rule:
    沪松人社规〔2024〕1号 五(一) (不重复享受，按就高原则); 青人社〔2020〕54号 九4 (与本区其他高技能人才
    资助政策相近的，就高不重复); 市中政办字〔2020〕33号 第十条 (被评为市首席技师的，区级津贴停发) is
    the rule set's `stops_on_other_title`, a title rather than an amount.
    """
    rule = benefits.no_double_benefit
    if rule is None or payee != "person":
        return None
    for other in others:
        if other.name in rule.comparable and other.date <= on and other.monthly_amount >= monthly:
            return other
    return None


def _month_earned(award: _Award, benefits: BenefitRules, amount: Decimal, payee: str, first: date):
    """Whether the month starting on `first` is earned at `amount` a month."""
    if not award.in_term(first) or not award.payable(first):
        return False
    held = higher_benefit(benefits, award.other_benefits, payee=payee, monthly=amount, on=first)
    return held is None


def _all_payments(
    benefits: BenefitRules,
    assessments: Sequence[AssessmentRule],
    adjustments: AdjustmentRules | None,
    events: Iterable[AwardEvent],
) -> list[DuePayment]:
    award = _read(benefits, assessments, adjustments, events)
    if award is None:
        return []
    rows: list[DuePayment] = []

    def pay(schedule, on: date, period: str, amount: Decimal) -> None:
        rows.append(
            DuePayment(
                date=on,
                period=period,
                payee=schedule.payee,
                kind=schedule.code,
                amount=amount.quantize(CENT),
                funding=schedule.funding,
            )
        )

    def latest_result(code: str, on: date) -> str | None:
        found = None
        for event, rule in award.assessed:
            if rule.code == code and event.date <= on:
                found = event.result
        return found

    for schedule in benefits.schedules:
        if isinstance(schedule, MonthlySchedule):
            for first in _months(award.term_start, award.term_end):
                if _month_earned(award, benefits, schedule.amount, schedule.payee, first):
                    pay(schedule, first, first.strftime("%Y-%m"), schedule.amount)
        elif isinstance(schedule, AnnualInArrearsSchedule):
            earned: dict[int, int] = {}
            for first in _months(award.term_start, award.term_end):
                if _month_earned(award, benefits, schedule.amount, schedule.payee, first):
                    earned[first.year] = earned.get(first.year, 0) + 1
            for year, months in sorted(earned.items()):
                on = date(year + 1, schedule.pay_month, 1)
                if award.cancel_on is None or on < award.cancel_on:
                    pay(schedule, on, str(year), schedule.amount * months)
        elif isinstance(schedule, OneTimeSchedule):
            on = award.named_on if schedule.at == "naming" else award.term_start
            if award.payable(on):
                pay(schedule, on, "once", schedule.amount)
        elif isinstance(schedule, OnEventSchedule):
            count = 0
            for event in award.triggers:
                if count == schedule.max_times:
                    break
                if event.kind != schedule.event or not award.payable(event.date):
                    continue
                if schedule.within_term and not award.in_term(event.date):
                    continue
                if schedule.amount is not None:
                    amount = schedule.amount
                else:
                    amount = (schedule.amounts_by_level or {}).get(event.level)
                    if amount is None:  # a level the rule set does not fund
                        continue
                count += 1
                pay(
                    schedule,
                    event.date,
                    "once" if schedule.max_times == 1 else f"once-{count}",
                    amount,
                )
        elif isinstance(schedule, PerAssessmentSchedule):
            years: set[int] = set()
            for event, rule in award.assessed:
                if schedule.max_times is not None and len(years) == schedule.max_times:
                    break
                if rule.code != schedule.assessment or event.result not in schedule.results:
                    continue
                if event.date.year in years or not award.payable(event.date):
                    continue
                if schedule.within_term and not award.in_term(event.date):
                    continue
                # a yearly payment compared a month at a time (青人社〔2020〕54号 九4)
                monthly = (schedule.amount / 12).quantize(CENT)
                if higher_benefit(
                    benefits,
                    award.other_benefits,
                    payee=schedule.payee,
                    monthly=monthly,
                    on=event.date,
                ):
                    continue
                years.add(event.date.year)
                pay(schedule, event.date, str(event.date.year), schedule.amount)
        elif isinstance(schedule, TrancheSchedule):
            for event, rule in award.assessed:
                if rule.code != schedule.assessment or event.result not in schedule.results:
                    continue
                if not award.payable(event.date):
                    continue
                if schedule.within_term and not award.in_term(event.date):
                    continue
                if all(
                    latest_result(req.assessment, event.date) in req.results
                    for req in schedule.requires
                ):
                    pay(schedule, event.date, "once", schedule.amount)
                    break
    rows.sort(key=lambda p: (p.date, p.kind, p.period))
    return rows


def payments_due(
    benefits: BenefitRules,
    assessments: Sequence[AssessmentRule],
    adjustments: AdjustmentRules | None,
    events: Iterable[AwardEvent],
    *,
    until: date,
) -> list[DuePayment]:
    """Every payment dated up to `until`, by date, then kind, then period.

    A payment depends only on events dated on or before it, so the list up to a later date
    extends the list up to an earlier one. Clauses: 沪松人社规〔2024〕1号 五(一)-(三);
    青人社〔2020〕54号 五(一); 沪松人社〔2024〕9号 六(一); 市中政办字〔2020〕33号 第十条、第十四条.
    """
    return [p for p in _all_payments(benefits, assessments, adjustments, events) if p.date <= until]


def payments_in_month(
    benefits: BenefitRules,
    assessments: Sequence[AssessmentRule],
    adjustments: AdjustmentRules | None,
    events: Iterable[AwardEvent],
    *,
    month: str,
) -> list[DuePayment]:
    """The payments dated within `month` ("YYYY-MM"): one month's rows for the payment run."""
    first = date.fromisoformat(f"{month}-01")
    last = _add_months(first, 1) - timedelta(days=1)
    rows = payments_due(benefits, assessments, adjustments, events, until=last)
    return [p for p in rows if p.date >= first]


def payments_for_period(
    benefits: BenefitRules,
    assessments: Sequence[AssessmentRule],
    adjustments: AdjustmentRules | None,
    events: Iterable[AwardEvent],
    *,
    period: str,
    until: date,
) -> list[DuePayment]:
    """The payments of one ledger period ("2025-03", "2025", "once") dated up to `until`."""
    rows = payments_due(benefits, assessments, adjustments, events, until=until)
    return [p for p in rows if p.period == period]


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


__all__ = [
    "ADJUSTMENT_EVENTS",
    "BENEFIT_STATES",
    "DEFAULT_ADJUSTMENTS",
    "EVENT_KINDS",
    "TITLES",
    "AwardEvent",
    "AwardState",
    "DueAssessment",
    "DuePayment",
    "ScheduleError",
    "assessment_schedule",
    "award_state",
    "award_status",
    "higher_benefit",
    "payments_due",
    "payments_for_period",
    "payments_in_month",
    "term",
]
