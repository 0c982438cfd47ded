"""The dry run of a rule set over a scenario (`manage.py simulate`, ../shared/SCENARIOS.md).

Pure: the rule set, the working-day calendar and the scenario come in as arguments; the same
functions decide the live portal (eligibility, calendar, workflow, benefits, assessments).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from programmes import paths, schedules
from programmes.benefit_rules import ASSESSMENT_KINDS
from programmes.benefit_rules import RESULTS as ASSESSMENT_RESULTS
from programmes.calendar import UnknownCalendarYear, WorkingDayCalendar
from programmes.eligibility import assess
from programmes.facts import ApplicantFacts, parse_facts
from programmes.retirement import retirement_date
from programmes.vocab import CHANNELS

RETIREMENT_CHECKS = {"years_to_retirement", "not_retired", "legal_working_age"}

# event -> (required fields, optional fields)
EVENT_FIELDS: dict[str, tuple[set[str], set[str]]] = {
    "publicity_start": (set(), {"stage"}),
    "objection": ({"upheld"}, set()),
    "named": (set(), {"document_number"}),
    "assessment": ({"kind", "result"}, {"code", "unit_at_fault", "after_rectification"}),
    "studio_established": ({"level"}, set()),
    "other_benefit": ({"name", "monthly_amount"}, set()),
    "other_title": ({"name"}, set()),
    "suspended": ({"reason"}, set()),
    "revoked": ({"reason"}, set()),
    "left_post": (set(), {"reason"}),
}


class ScenarioError(ValueError):
    """A scenario file that is not valid; the message says what and where."""


@dataclass(frozen=True)
class ScenarioEvent:
    date: date
    event: str
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    programme: str
    version: int | None
    applied_on: date
    channel: str | None
    applicant: ApplicantFacts
    events: tuple[ScenarioEvent, ...]
    until: date
    expected: dict | None = None


def _date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ScenarioError(f"{where}: “{value}”不是有效日期（应为 YYYY-MM-DD）")


def parse_scenario(data: Any) -> Scenario:
    """Validate a scenario's data (from YAML); raise ScenarioError naming the problem."""
    if not isinstance(data, dict):
        raise ScenarioError("情景文件应为一个 YAML 映射（programme、applied_on、applicant …）")
    known = {
        "programme",
        "version",
        "applied_on",
        "channel",
        "applicant",
        "events",
        "until",
        "expected",
        "description",
    }
    unknown = set(data) - known
    if unknown:
        raise ScenarioError(f"未知的字段：{'、'.join(sorted(unknown))}")
    for key in ("programme", "applied_on", "until"):
        if key not in data:
            raise ScenarioError(f"缺少字段 {key}")
    programme = data["programme"]
    if not isinstance(programme, str):
        raise ScenarioError("programme 应为项目代码")
    version = data.get("version")
    if version is not None and (not isinstance(version, int) or version < 1):
        raise ScenarioError(f"version: “{version}”应为正整数")
    applied_on = _date(data["applied_on"], "applied_on")
    until = _date(data["until"], "until")
    channel = data.get("channel")
    if channel is not None and channel not in CHANNELS:
        raise ScenarioError(f"channel: 未知的推荐渠道“{channel}”，可选：{'、'.join(CHANNELS)}")
    try:
        applicant = parse_facts(data.get("applicant") or {})
    except ValueError as exc:
        raise ScenarioError(f"applicant: {exc}") from exc
    events = []
    previous = applied_on
    for index, raw in enumerate(data.get("events") or []):
        where = f"events[{index}]"
        if not isinstance(raw, dict) or "event" not in raw or "date" not in raw:
            raise ScenarioError(f"{where}: 每个事件应有 date 和 event")
        name = raw["event"]
        if name not in EVENT_FIELDS:
            raise ScenarioError(
                f"{where}.event: 未知的事件“{name}”，可选：{'、'.join(EVENT_FIELDS)}"
            )
        when = _date(raw["date"], f"{where}.date")
        if when < previous:
            raise ScenarioError(f"{where}.date: 事件应按日期先后排列（{when} 早于 {previous}）")
        previous = when
        required, optional = EVENT_FIELDS[name]
        fields = {k: v for k, v in raw.items() if k not in ("date", "event")}
        missing = required - set(fields)
        if missing:
            raise ScenarioError(f"{where}: 事件 {name} 缺少 {'、'.join(sorted(missing))}")
        extra = set(fields) - required - optional
        if extra:
            raise ScenarioError(f"{where}: 事件 {name} 不认识字段 {'、'.join(sorted(extra))}")
        if name == "assessment":
            if fields["kind"] not in ASSESSMENT_KINDS:
                raise ScenarioError(f"{where}.kind: 未知的考核类型“{fields['kind']}”")
            if fields["result"] not in ASSESSMENT_RESULTS:
                raise ScenarioError(f"{where}.result: 未知的考核结果“{fields['result']}”")
        if name == "objection" and not isinstance(fields["upheld"], bool):
            raise ScenarioError(f"{where}.upheld: 应为 true 或 false")
        if name == "other_benefit":
            try:
                fields["monthly_amount"] = Decimal(str(fields["monthly_amount"]))
            except ArithmeticError as exc:
                raise ScenarioError(f"{where}.monthly_amount: 应为金额") from exc
        events.append(ScenarioEvent(when, name, fields))
    return Scenario(
        programme=programme,
        version=version,
        applied_on=applied_on,
        channel=channel,
        applicant=applicant,
        events=tuple(events),
        until=until,
        expected=data.get("expected"),
    )


def simulate(scenario: Scenario, ruleset, calendar: WorkingDayCalendar, *, version: int) -> dict:
    """Run the scenario; the result is the JSON object of SCENARIOS.md.

    Raises ScenarioError for what the rule set cannot take (a publicity stage it does not
    have, a date in a year the calendar does not know).
    """
    checks = assess(ruleset, scenario.applicant, on=scenario.applied_on, channel=scenario.channel)
    stages = paths.path(ruleset.workflow, route_of_facts(scenario.applicant, scenario.channel))
    retirement = None
    if RETIREMENT_CHECKS & {check.code for check in ruleset.eligibility.checks}:
        facts = scenario.applicant
        if facts.birth_date and facts.retirement_category:
            retirement = retirement_date(facts.birth_date, facts.retirement_category).isoformat()

    deadlines = []
    removed = False
    for event in scenario.events:
        if event.event == "publicity_start":
            stage = _publicity_stage(stages, event.fields.get("stage"))
            try:
                ends = paths.publicity_end(stage, event.date, calendar)
            except UnknownCalendarYear as exc:
                raise ScenarioError(str(exc)) from exc
            deadlines.append(
                {"stage": stage.code, "starts": event.date.isoformat(), "ends": ends.isoformat()}
            )
        elif event.event == "objection" and event.fields["upheld"]:
            removed = True
        elif event.event == "named" and removed:
            raise ScenarioError(f"{event.date}: 异议成立的人选已被取消，不能再命名")

    try:
        award_events = [
            schedules.AwardEvent.from_scenario(e.date, e.event, e.fields) for e in scenario.events
        ]
        payments = schedules.payments_due(
            ruleset.benefits,
            ruleset.assessments,
            ruleset.adjustments,
            award_events,
            until=scenario.until,
        )
        due = schedules.assessment_schedule(
            ruleset.benefits,
            ruleset.assessments,
            award_events,
            until=scenario.until,
            adjustments=ruleset.adjustments,
        )
        title, benefits = schedules.award_status(
            ruleset.benefits,
            ruleset.assessments,
            ruleset.adjustments,
            award_events,
            on=scenario.until,
        )
    except schedules.ScheduleError as exc:
        raise ScenarioError(str(exc)) from exc
    return {
        "programme": scenario.programme,
        "version": version,
        "eligible": all(check.result != "fail" for check in checks),
        "checks": [
            {"code": c.code, "result": c.result, "message": c.message, "source": c.source}
            for c in checks
        ],
        "retirement_date": retirement,
        "workflow": [
            {
                "stage": stage.code,
                "kind": stage.kind,
                "role": stage.role,
                "working_days": paths.publicity_working_days(stage),
            }
            for stage in stages
        ],
        "deadlines": deadlines,
        "payments": [
            {
                "date": p.date.isoformat(),
                "period": p.period,
                "payee": p.payee,
                "kind": p.kind,
                "amount": f"{p.amount:.2f}",
                "funding": p.funding,
            }
            for p in payments
        ],
        "assessments": [
            {"kind": a.kind, "due": a.due.isoformat(), "result": a.result} for a in due
        ],
        "title": title,
        "benefits": benefits,
        "removed_by_objection": removed,
    }


PUBLICITY_KINDS = paths.PUBLICITY_KINDS


def route_of_facts(facts: ApplicantFacts, channel: str | None) -> paths.Route:
    """The route the live portal takes from an application's unit (reviews.permissions.route_of),
    from the scenario's facts: `unit_kind` (or the organisation's kind) and
    `has_competent_department` (or the organisation's `via_competent_department`)."""
    organisation = facts.organisation
    unit_kind = facts.unit_kind or (organisation.kind if organisation else None)
    via = facts.has_competent_department
    if via is None and organisation is not None:
        via = organisation.via_competent_department
    return paths.Route(channel=channel, unit_kind=unit_kind, via_competent_department=bool(via))


def _publicity_stage(stages, code: str | None):
    stage = paths.publicity_stage(stages, code)
    if stage is not None:
        return stage
    if code:
        if any(s.code == code for s in stages):
            raise ScenarioError(f"阶段“{code}”不是公示阶段")
        raise ScenarioError(f"该申报的流程中没有名为“{code}”的阶段")
    raise ScenarioError("该项目的流程中没有公示阶段")
