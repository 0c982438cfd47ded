"""The rule-set schema: identity, eligibility, workflow, scoring and the root `RuleSet`.

Every model forbids unknown keys (`_Model`), so a misspelt key is an error. The form's models
are in `programmes.ruleset.form`, the benefits' in `programmes.benefit_rules`; the checks that
span sections in `programmes.ruleset.consistency`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from programmes.benefit_rules import AdjustmentRules, AssessmentRule, BenefitRules
from programmes.facts import IsoDate
from programmes.ruleset.base import (
    Code,
    Outcome,
    Role,
    Scope,
    Source,
    Text,
    _duplicates,
    _Model,
)
from programmes.ruleset.consistency import cross_field_problems
from programmes.ruleset.form import Form
from programmes.vocab import PUBLICITY_KINDS, ChannelCode, StageKind, UnitKind

# --- identity ------------------------------------------------------------------------------


class Supersedes(_Model):
    """An earlier document this one repeals (同时废止)."""

    document_number: Text
    title: str | None = None
    source: Source


class Reading(_Model):
    """How the portal reads a clause where the text leaves a question open, with the clause."""

    reading: Text
    source: Source


class RoundRule(_Model):
    """What the text says about its rounds (calls): `years` the round years it governs,
    `every_years` at most one selection in so many years, `quarter` the call goes out in that
    quarter of the selection year, `max_quota` at most so many people a round."""

    rule: Literal["years", "every_years", "quarter", "max_quota"]
    value: int | list[int]
    source: Source


class BanRule(_Model):
    """A finding that bars later applications (上海工匠 五(三): 3年内不再接受该单位或个人的申报;
    市中 第十四条(三): 取消单位申报资格): whom it bars, for how many years (none: no end)."""

    code: Code
    label: Text
    barred: list[Literal["person", "unit"]] = Field(min_length=1)
    years: int | None = Field(default=None, ge=1)
    source: Source


class Identity(_Model):
    """Which programme, which document, in force when, who applies, where."""

    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$", max_length=64)]
    name_zh: Text
    name_en: Text
    issuing_authorities: list[Text] = Field(min_length=1)
    document_number: str | None = None
    document_title: Text
    issued_on: IsoDate
    in_force_from: IsoDate
    in_force_until: IsoDate | None = None
    in_force_source: Source | None = None
    supersedes: list[Supersedes] = Field(default_factory=list)
    # what happens to awards already named when the text expires (their term runs on, or not)
    awards_after_expiry: Reading | None = None
    applicant_kind: Literal["person", "organisation", "project"]
    district: Literal["songjiang", "qingpu", "shizhong", "shanghai"]
    level: Literal["district", "city"]


# --- eligibility ---------------------------------------------------------------------------


class CheckRule(_Model):
    """One eligibility check: a registered code, its parameters, how bad a violation is.

    `severity`: warn where the text says 一般 / 原则上, else fail. `channels`: the check applies
    only to applicants of these channels. `message` replaces the check's message on a violation.
    """

    code: Code
    severity: Literal["fail", "warn"]
    params: dict[str, Any] = Field(default_factory=dict)
    channels: list[ChannelCode] | None = None
    message: str | None = None
    source: Source


class Window(_Model):
    """From `opens` to `closes`, both days included."""

    opens: IsoDate
    closes: IsoDate

    @model_validator(mode="after")
    def _ordered(self):
        if self.closes < self.opens:
            raise ValueError(f"截止日期 {self.closes} 早于开始日期 {self.opens}")
        return self


class Channel(_Model):
    """A way to be put forward: by the unit, experts or groups, oneself, a union, a society.

    `cap_per_unit`: how many one unit may nominate (`cap_severity` warn where the text says
    一般). `employment`: the channel is only for applicants with this employment (市中: freelancers
    through their town or street). `requires_unit_selection_held`: the recommending union or
    society must have run its own selection (上海工匠 五(二)).
    """

    code: ChannelCode
    label: Text
    cap_per_unit: int | None = Field(default=None, ge=1)
    cap_severity: Literal["fail", "warn"] = "fail"
    window: Window | None = None
    requires_unit_selection_held: bool = False
    employment: list[Literal["employed", "freelance", "retired"]] = Field(default_factory=list)
    source: Source


class InternalPublicity(_Model):
    """The unit's internal publicity before it nominates: working days, calendar days, or
    neither where the text gives no length."""

    working_days: int | None = Field(default=None, ge=1)
    days: int | None = Field(default=None, ge=1)
    channels: list[ChannelCode] | None = None
    source: Source

    @model_validator(mode="after")
    def _one_length(self):
        if self.working_days and self.days:
            raise ValueError("working_days 与 days 只能给出一个")
        return self


class ApplicationWindow(_Model):
    """When applications are taken, where the text says: dates, or a quarter of the year."""

    opens: IsoDate | None = None
    closes: IsoDate | None = None
    quarter: int | None = Field(default=None, ge=1, le=4)
    source: Source

    @model_validator(mode="after")
    def _something(self):
        if self.opens is None and self.closes is None and self.quarter is None:
            raise ValueError("应给出 opens/closes 或 quarter")
        if self.opens and self.closes and self.closes < self.opens:
            raise ValueError(f"截止日期 {self.closes} 早于开始日期 {self.opens}")
        return self


class Condition(_Model):
    """A condition the applicant (professional) or the organisation states it meets."""

    code: Code
    label: Text
    kind: Literal["professional", "organisation"]
    source: Source


class Eligibility(_Model):
    """Who may apply: checks in order, channels, conditions, internal publicity, window."""

    checks: list[CheckRule] = Field(default_factory=list)
    channels: list[Channel] = Field(min_length=1)
    conditions: list[Condition] = Field(default_factory=list)
    internal_publicity: InternalPublicity | None = None
    application_window: ApplicationWindow | None = None


# --- workflow ------------------------------------------------------------------------------


class AppliesTo(_Model):
    """Routing: the stage is only for applicants whose unit is of these kinds, or (青浦) which
    report through their competent department rather than their town or street."""

    unit_kinds: list[UnitKind] | None = None
    via_competent_department: bool | None = None


class Stage(_Model):
    """One step of the review path: who acts (role, scope), what kind, the outcomes allowed."""

    code: Code
    kind: StageKind
    title: Text
    role: Role
    scope: Scope
    outcomes: list[Outcome] = Field(min_length=1)
    working_days: int | None = Field(default=None, ge=1)
    days: int | None = Field(default=None, ge=1)
    channels: list[ChannelCode] | None = None
    applies_to: AppliesTo | None = None
    description: str | None = None
    source: Source

    @model_validator(mode="after")
    def _consistent(self):
        if _duplicates(self.outcomes):
            raise ValueError(f"阶段“{self.code}”的 outcomes 重复")
        if self.kind not in PUBLICITY_KINDS and (self.working_days or self.days):
            raise ValueError(f"阶段“{self.code}”不是公示阶段，不能有 working_days/days")
        if self.working_days and self.days:
            raise ValueError(f"阶段“{self.code}”：working_days 与 days 只能给出一个")
        return self


class Workflow(_Model):
    stages: list[Stage] = Field(min_length=1)


# --- scoring -------------------------------------------------------------------------------


class ScoreItem(_Model):
    """One line of the evaluation sheet: at most `max_points`, scored by `guidance`."""

    code: Annotated[str, Field(pattern=r"^[A-Z][0-9]+$")]
    title: Text
    max_points: int = Field(ge=1, le=1000)
    guidance: Text


class Indicator(_Model):
    """A group of items (指标要素) such as A 个人条件; `category` the sheet's column (首席技师指标)."""

    code: Annotated[str, Field(pattern=r"^[A-Z]$")]
    title: Text
    category: str | None = None
    items: list[ScoreItem] = Field(min_length=1)


class Criterion(_Model):
    """What experts weigh where the text gives no points."""

    code: Code
    title: Text
    guidance: str | None = None
    source: Source


class Quota(_Model):
    """How many are selected: `count` (about / at most / at least) per `period_years`."""

    count: int = Field(ge=1)
    kind: Literal["about", "at_most", "at_least"]
    period_years: int | None = Field(default=None, ge=1)
    source: Source

    @property
    def description(self) -> str:
        """The quota in words: 约25名, 不超过10名, 5年内不少于60名."""
        words = {"about": "约", "at_most": "不超过", "at_least": "不少于"}[self.kind]
        within = f"{self.period_years}年内" if self.period_years else ""
        return f"{within}{words}{self.count}名"


class TieRule(_Model):
    """Who goes first between equal candidates (同等条件下优先…)."""

    code: Code
    label: Text
    params: dict[str, Any] = Field(default_factory=dict)
    source: Source


class Priority(_Model):
    """A preference the text states (优先 / 倾斜 / 以…为主), for the experts and the office."""

    code: Code
    label: Text
    source: Source


class Group(_Model):
    code: Code
    label: Text


class Groups(_Model):
    """The review groups (上海工匠 附件1注1: 11 组别)."""

    items: list[Group] = Field(min_length=1)
    source: Source


class Sheet(_Model):
    """The printed evaluation sheet: its title and header cells."""

    title: Text
    header: list[Text] = Field(default_factory=list)
    overall_opinion: bool = True
    signature: bool = True
    source: Source


class Scoring(_Model):
    """Expert review: a point sheet where the text has one, else qualitative criteria.

    `total` must equal the sum of the items' `max_points`. `aggregation` combines the experts'
    scores; `trim_when_at_least` and `outlier_points` only with `trimmed_mean`.
    """

    sheet: Sheet | None = None
    total: int | None = Field(default=None, ge=1)
    indicators: list[Indicator] = Field(default_factory=list)
    criteria: list[Criterion] = Field(default_factory=list)
    aggregation: Literal["mean", "trimmed_mean"] | None = None
    trim_when_at_least: int | None = Field(default=None, ge=3)
    outlier_points: int | None = Field(default=None, ge=1)
    quota: Quota | None = None
    tie_rule: TieRule | None = None
    priorities: list[Priority] = Field(default_factory=list)
    competitive: bool = False
    groups: Groups | None = None
    # how many submitted sheets the gate requires before an application leaves the stage;
    # none of the five texts says, so every assigned expert who has not recused (at least one)
    experts_required: int | None = Field(default=None, ge=1)
    source: Source

    @property
    def items(self) -> list[ScoreItem]:
        return [item for indicator in self.indicators for item in indicator.items]


class NotEncoded(_Model):
    """A clause deliberately not encoded, and why."""

    source: Source
    reason: Text


# --- the root ------------------------------------------------------------------------------


class _CrossFieldProblems(ValueError):
    """Raised by the root validator; carries the problems with their own paths."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))


class RuleSet(_Model):
    """One programme's rule set (fixtures/programmes/<code>.yaml)."""

    schema_version: Literal[1]
    identity: Identity
    form: Form
    eligibility: Eligibility
    workflow: Workflow
    scoring: Scoring | None = None
    benefits: BenefitRules
    assessments: list[AssessmentRule] = Field(default_factory=list)
    adjustments: AdjustmentRules = Field(default_factory=AdjustmentRules)
    not_encoded: list[NotEncoded] = Field(default_factory=list)
    rounds: list[RoundRule] = Field(default_factory=list)
    bans: list[BanRule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _cross_field(self):
        problems = cross_field_problems(self)
        if problems:
            raise _CrossFieldProblems(problems)
        return self

    def stage(self, code: str) -> Stage | None:
        return next((s for s in self.workflow.stages if s.code == code), None)
