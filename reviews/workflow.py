"""The workflow engine: which stages of a rule set's workflow an application goes through.

Pure functions over the rule set's `Stage` models (programmes.ruleset) and a small `Route`
dataclass describing the application; no ORM, no clock. Stages are data: no programme's path is
written here (沪松人社规〔2024〕1号 四; 青人社〔2020〕54号 三; 市中政办字〔2020〕33号 第七条).
"""

from __future__ import annotations

from collections.abc import Sequence

from programmes.paths import Route, applies, path, stages_of
from programmes.ruleset import Stage, Workflow

__all__ = ["Route", "applies", "path"]

# Roles in the rule sets that are not portal accounts: the organiser records their decisions
# (with the meeting date or the document) on their behalf.
RECORDED_ROLES = frozenset({"coordination_group", "talent_office"})
# Stages the applicant's own unit (or the applicant) acts on before the staff see the file.
UNIT_SIDE_KINDS = frozenset({"nomination", "unit_review", "internal_publicity"})
# Stages whose outcome the organiser records from the experts' work.
EXPERT_KINDS = frozenset({"expert_review", "expert_scoring", "release_meeting", "interview"})
OUTCOMES = ("pass", "return", "reject")


_stages = stages_of


def first_stage(workflow: Workflow | Sequence[Stage], route: Route) -> Stage:
    """Where a submitted application starts: the first applicable stage after the submission
    itself (the stages of kind `nomination` are the filling-in and handing over)."""
    for stage in path(workflow, route):
        if stage.kind != "nomination":
            return stage
    raise ValueError("规则集的流程中没有提交之后的审核阶段")


def next_stage(workflow: Workflow | Sequence[Stage], route: Route, after: str) -> Stage | None:
    """The applicable stage after the stage `after`; None after the last one.

    `after` need not be on the route itself (an application whose route changed is moved on
    from where it stands)."""
    stages = list(_stages(workflow))
    index = next((i for i, stage in enumerate(stages) if stage.code == after), None)
    if index is None:
        raise ValueError(f"流程中没有阶段“{after}”")
    for stage in stages[index + 1 :]:
        if applies(stage, route):
            return stage
    return None


def allowed_outcomes(stage: Stage) -> tuple[str, ...]:
    """The outcomes the rule set allows at a stage, in the order pass, return, reject."""
    return tuple(outcome for outcome in OUTCOMES if outcome in stage.outcomes)


def status_on_entering(stage: Stage) -> str:
    """The application's status when it reaches a stage: passing the last stage before naming
    makes it approved (已通过待命名); every other stage is under review."""
    return "approved" if stage.kind == "naming" else "in_review"


def organiser_role(workflow: Workflow | Sequence[Stage]) -> str:
    """The portal role that runs the programme: the role of the naming stage when that is an
    account role (上海工匠: the city union), else the district office."""
    stages = _stages(workflow)
    naming = next((s for s in stages if s.kind == "naming"), None)
    if naming is not None and naming.role not in RECORDED_ROLES | {"expert", "applicant"}:
        return naming.role
    return "district_office"


def acting_role(workflow: Workflow | Sequence[Stage], stage: Stage) -> str:
    """The portal role that records the decision at a stage.

    Groups and leading offices are not portal accounts, and the experts' scores are turned into
    a pass or a rejection by the organiser after ranking, so those stages are recorded by the
    organiser role."""
    if stage.role in RECORDED_ROLES or stage.role == "expert":
        return organiser_role(workflow)
    return stage.role
