"""The rules `simulate` and the live portal share about an application's path and publicity.

Pure functions over the rule set's `Stage` models: which stages an application goes through
(by its channel, its unit's kind and whether it reports through a competent department), and
when a publicity period ends. reviews.workflow builds the live engine on these; the dry run
(programmes.simulation) calls the same ones, so the two cannot decide differently.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from programmes.ruleset import Stage, Workflow

# Publicity length where the rule set gives none (青浦, 上海工匠, 培养基地): five working days,
# the length the Songjiang and Shizhong texts set (沪松人社规〔2024〕1号 四(三); 市中政办字〔2020〕33号
# 第九条(四)).
DEFAULT_PUBLICITY_WORKING_DAYS = 5
PUBLICITY_KINDS = frozenset({"publicity", "internal_publicity"})


@dataclass(frozen=True)
class Route:
    """What decides an application's path: its channel and, from its unit, the unit's kind
    and whether it reports through a competent department (主管部门)."""

    channel: str | None
    unit_kind: str | None = None
    via_competent_department: bool = False


def applies(stage: Stage, route: Route) -> bool:
    """Whether a stage is on this application's path.

    A stage with `channels` is only for those channels (上海工匠: self-nominees go through the
    audition); `applies_to.unit_kinds` routes by the unit's kind (松江: enterprises to the street,
    public institutions to their competent department, 沪松人社规〔2024〕1号 四(二));
    `applies_to.via_competent_department` routes 青浦 applicants (青人社〔2020〕54号 三(二)).
    """
    if stage.channels is not None and route.channel not in stage.channels:
        return False
    target = stage.applies_to
    if target is None:
        return True
    if target.unit_kinds is not None and route.unit_kind not in target.unit_kinds:
        return False
    wanted = target.via_competent_department
    return wanted is None or wanted == route.via_competent_department


def stages_of(workflow: Workflow | Sequence[Stage]) -> Sequence[Stage]:
    return workflow.stages if isinstance(workflow, Workflow) else workflow


def path(workflow: Workflow | Sequence[Stage], route: Route) -> list[Stage]:
    """The stages this application goes through, in order."""
    return [stage for stage in stages_of(workflow) if applies(stage, route)]


def publicity_end(stage: Stage, starts_on: date, calendar) -> date:
    """The last day of a publicity period that begins on `starts_on`.

    `days` counts calendar days (沪松人社规〔2024〕1号 四(二): 一周); `working_days` counts working
    days on the mainland calendar; a publicity stage with neither lasts the default five working
    days. Raises `UnknownCalendarYear` for a year the calendar does not know.
    """
    if stage.days:
        return starts_on + timedelta(days=stage.days - 1)
    return calendar.add_working_days(
        starts_on, stage.working_days or DEFAULT_PUBLICITY_WORKING_DAYS
    )


def publicity_stage(stages: Sequence[Stage], code: str | None = None) -> Stage | None:
    """The publicity stage a `publicity_start` event (or the office's start) refers to: the
    named one, else the public publicity, else the first internal one; None when there is none."""
    if code:
        return next((s for s in stages if s.code == code and s.kind in PUBLICITY_KINDS), None)
    public = [s for s in stages if s.kind == "publicity"]
    if public:
        return public[0]
    return next((s for s in stages if s.kind in PUBLICITY_KINDS), None)


def publicity_working_days(stage: Stage) -> int | None:
    """The working days a publicity stage lasts (the default where the rule set gives no
    length); None for a stage counted in calendar days and for other kinds."""
    if stage.kind not in PUBLICITY_KINDS or stage.days:
        return None
    return stage.working_days or DEFAULT_PUBLICITY_WORKING_DAYS
