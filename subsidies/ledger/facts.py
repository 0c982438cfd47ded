"""The facts of an award as the schedule functions read them (its events and rule set)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from programmes.benefit_rules import AnnualInArrearsSchedule
from programmes.models import ProgrammeVersion
from subsidies import schedules
from subsidies.models import Award, AwardEvent, PaymentRun

# Events the schedule functions read; `named` comes from the award itself.
SCHEDULE_EVENT_KINDS = frozenset(schedules.EVENT_KINDS) - {"named", "publicity_start", "objection"}


# --- the facts of an award -----------------------------------------------------------------


def event_from_row(kind: str, when: date, fields: dict) -> schedules.AwardEvent:
    return schedules.AwardEvent.from_scenario(when, kind, fields)


def award_events(award: Award, rows: Iterable[AwardEvent] | None = None):
    """The award's facts as the schedule functions read them: `named`, then what was recorded."""
    if rows is None:
        rows = award.events.all()
    events = [schedules.AwardEvent(date=award.named_on, kind="named")]
    events.extend(
        event_from_row(row.kind, row.date, row.fields)
        for row in rows
        if row.kind in SCHEDULE_EVENT_KINDS
    )
    return events


def run_kind_of(ruleset, code: str) -> str:
    for schedule in ruleset.benefits.schedules:
        if schedule.code == code:
            if isinstance(schedule, AnnualInArrearsSchedule):
                return PaymentRun.Kind.ANNUAL
            return PaymentRun.Kind.MONTHLY
    return PaymentRun.Kind.MONTHLY


class _Rulesets:
    """Parsed rule sets by version id, and each schedule code's run kind."""

    def __init__(self):
        self._cache: dict[int, tuple[object, dict[str, str]]] = {}

    def get(self, version_id: int):
        found = self._cache.get(version_id)
        if found is None:
            # the parsed rule set is cached per process: the JSON is read only if it is not
            ruleset = ProgrammeVersion.objects.defer("data").get(pk=version_id).ruleset
            kinds = {s.code: run_kind_of(ruleset, s.code) for s in ruleset.benefits.schedules}
            found = (ruleset, kinds)
            self._cache[version_id] = found
        return found
