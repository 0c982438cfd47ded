"""The data in and out of the schedule functions: award events, due payments and assessments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from programmes.benefit_rules import ASSESSMENT_KINDS, RESULTS, STUDIO_LEVELS, parse_money

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
