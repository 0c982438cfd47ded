"""The payments an award makes due (the ledger's rows and `simulate`'s list)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal

from programmes.benefit_rules import (
    CENT,
    AdjustmentRules,
    AnnualInArrearsSchedule,
    AssessmentRule,
    BenefitRules,
    MonthlySchedule,
    OneTimeSchedule,
    OnEventSchedule,
    PerAssessmentSchedule,
    TrancheSchedule,
)
from programmes.schedules.events import AwardEvent, DuePayment
from programmes.schedules.reading import _add_months, _Award, _months, _read

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
