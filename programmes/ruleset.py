"""The rule-set schema: one pydantic model for every programme file in fixtures/programmes/.

A rule set is data: who may apply (eligibility checks with parameters), what they fill in (the
form, in the order of the paper form, with its checklist, cover and instructions), the path
through review (workflow stages), how experts score (scoring), and what is paid and assessed
(benefits, assessments, adjustments: `programmes/benefit_rules.py`, agreed in
docs/ruleset-benefits-contract.md). Every rule names the clause of the policy text it encodes in
`source:`; clauses deliberately left out are listed in `not_encoded` with the reason.

Every model forbids unknown keys, so a misspelt key is an error, not a silently ignored rule.
`parse_ruleset` and `load_ruleset` raise `RuleSetError`, whose problems are (path, message)
pairs such as ("workflow.stages[3].kind", "...") -- with the line in the file when loaded from one.
"""

from __future__ import annotations

import hashlib
import json
import re
import types
import typing
from collections import Counter
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from programmes.benefit_rules import AdjustmentRules, AssessmentRule, BenefitRules, check_references
from programmes.eligibility import REGISTRY, validate_params
from programmes.facts import FACT_NAMES, FACT_VALUES, ORGANISATION_FACT_NAMES, IsoDate

SCHEMA_VERSION = 1

Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Source = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^\S(.*\S)?$")]
Text = Annotated[str, Field(min_length=1)]

ChannelCode = Literal["unit", "expert_or_group", "self", "union", "social_org"]
Role = Literal[
    "applicant",
    "unit_hr",
    "street_reviewer",
    "department_reviewer",
    "union_reviewer",
    "district_office",
    "expert",
    "coordination_group",
    "talent_office",
    "finance",
]
Scope = Literal["unit", "street", "department", "union", "district", "city"]
Outcome = Literal["pass", "return", "reject"]
StageKind = Literal[
    "nomination",
    "internal_publicity",
    "unit_review",
    "street_review",
    "department_review",
    "qualification_review",
    "interview",
    "material_review",
    "group_approval",
    "expert_review",
    "expert_scoring",
    "release_meeting",
    "credit_check",
    "publicity",
    "inspection",
    "final_approval",
    "naming",
]
PUBLICITY_KINDS = ("publicity", "internal_publicity")
UnitKind = Literal[
    "enterprise",
    "public_institution",
    "vocational_college",
    "training_institution",
    "industrial_park",
    "industry_association",
    "social_org",
    "other",
]
FieldType = Literal[
    "text",
    "textarea",
    "date",
    "integer",
    "decimal",
    "choice",
    "multichoice",
    "bool",
    "id_number",
    "phone",
    "email",
    "credit_code",
    "bank_account",
]
TEXT_TYPES = ("text", "textarea")
NUMBER_TYPES = ("integer", "decimal")
CHOICE_TYPES = ("choice", "multichoice")
COVER_PLACEHOLDERS = ("year",)
# Where a field's first value comes from (applications.declaration.prefill_values): the signed-in
# account, the application's channel, or its unit. For a person applicant, a field filled from
# `account.real_name` or `account.id_number` must still name the account holder at submission.
Prefill = Literal[
    "account.real_name",
    "account.id_number",
    "account.phone",
    "account.email",
    "account.birth_date",
    "account.gender",
    "application.channel",
    "unit.name",
    "unit.credit_code",
]
PREFILL_TYPES = {
    "account.id_number": ("id_number",),
    "account.phone": ("phone",),
    "account.email": ("email",),
    "account.birth_date": ("date",),
    "account.gender": ("choice",),
    "application.channel": ("choice",),
    "unit.credit_code": ("credit_code",),
}


class RuleSetError(ValueError):
    """A rule set that is not valid: `problems` is a list of (path inside the file, message).

    `str()` gives one line per problem: "<file>: <path>: <message>". Constructed with a message
    and no problems (as the loader does to combine several files), `str()` is that message.
    """

    def __init__(self, source: str, problems: Iterable[tuple[str, str]] = ()):
        self.source = source
        self.problems = list(problems)
        super().__init__(self.__str__())

    def __str__(self) -> str:
        if not self.problems:
            return self.source
        return "\n".join(
            f"{self.source}: {path}: {message}" if path else f"{self.source}: {message}"
            for path, message in self.problems
        )


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _duplicates(values: Iterable) -> list:
    return [value for value, count in Counter(values).items() if count > 1]


def _repeated(items: Iterable, path: str, what: str, key: str = "code") -> list[tuple[str, str]]:
    """A problem at each item whose `key` repeats an earlier one: (path[i].key, message)."""
    seen: set = set()
    problems = []
    for index, item in enumerate(items):
        value = getattr(item, key)
        if value in seen:
            problems.append((f"{path}[{index}].{key}", f"{what}“{value}”重复"))
        seen.add(value)
    return problems


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


# --- form ----------------------------------------------------------------------------------


class Choice(_Model):
    """One option; `with_text`: the paper form has a blank after it (外省户籍_____)."""

    code: Code
    label: Text
    with_text: bool = False


class FormField(_Model):
    """One field of a section, or one column of a table.

    `max_length` is a hard limit in characters; `target_length` the length the text asks for
    ("500字左右"): the form shows it, and `max_length` leaves the tolerance (documented per
    rule set). `fact`: the applicant fact (programmes.facts) this field fills. A date is in the
    past or today unless `allow_future` (an appointment that runs on, say).
    """

    code: Code
    label: Text
    type: FieldType
    required: bool = False
    max_length: int | None = Field(default=None, ge=1)
    target_length: int | None = Field(default=None, ge=1)
    choices: list[Choice] = Field(default_factory=list)
    help: str | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    suffix: str | None = None
    fact: str | None = None
    allow_future: bool = False
    prefill: Prefill | None = None
    source: Source | None = None

    @model_validator(mode="after")
    def _consistent(self):
        allowed = PREFILL_TYPES.get(self.prefill or "", TEXT_TYPES)
        if self.prefill and self.type not in allowed:
            raise ValueError(
                f"字段“{self.code}”：prefill {self.prefill} 只适用于 {'、'.join(allowed)}"
            )
        if self.allow_future and self.type != "date":
            raise ValueError(f"字段“{self.code}”：allow_future 只适用于 date")
        if self.type in CHOICE_TYPES:
            if not self.choices:
                raise ValueError(f"字段“{self.code}”类型为 {self.type}，应给出 choices")
            repeated = _duplicates(c.code for c in self.choices)
            if repeated:
                raise ValueError(f"字段“{self.code}”的选项代码重复：{'、'.join(repeated)}")
        elif self.choices:
            raise ValueError(f"字段“{self.code}”类型为 {self.type}，不能有 choices")
        if self.type not in TEXT_TYPES and (self.max_length or self.target_length):
            raise ValueError(f"字段“{self.code}”：max_length/target_length 只适用于 text、textarea")
        if self.target_length and not self.max_length:
            raise ValueError(f"字段“{self.code}”：给出 target_length 时也应给出 max_length（上限）")
        if self.target_length and self.max_length and self.target_length > self.max_length:
            raise ValueError(f"字段“{self.code}”：target_length 大于 max_length")
        if self.type not in NUMBER_TYPES and (
            self.min_value is not None or self.max_value is not None
        ):
            raise ValueError(f"字段“{self.code}”：min_value/max_value 只适用于 integer、decimal")
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            raise ValueError(f"字段“{self.code}”：min_value 大于 max_value")
        return self


class WithinYears(_Model):
    """Rows count only when `column` (a date column) is within the last `years` years (近5年)."""

    column: Code
    years: int = Field(ge=1, le=50)


class Section(_Model):
    """A part of the form: plain fields, or a repeating table."""

    code: Code
    title: Text
    kind: Literal["fields", "table"]
    fields: list[FormField] = Field(default_factory=list)
    columns: list[FormField] = Field(default_factory=list)
    min_rows: int | None = Field(default=None, ge=0)
    max_rows: int | None = Field(default=None, ge=1)
    within_years: WithinYears | None = None
    help: str | None = None
    source: Source

    @model_validator(mode="after")
    def _shape(self):
        if self.kind == "fields":
            if not self.fields:
                raise ValueError(f"分节“{self.code}”为 fields，应给出 fields")
            if self.columns or self.min_rows is not None or self.max_rows is not None:
                raise ValueError(f"分节“{self.code}”为 fields，不能有 columns/min_rows/max_rows")
            if self.within_years:
                raise ValueError(f"分节“{self.code}”为 fields，不能有 within_years")
        else:
            if not self.columns:
                raise ValueError(f"分节“{self.code}”为 table，应给出 columns")
            if self.fields:
                raise ValueError(f"分节“{self.code}”为 table，应用 columns 而非 fields")
            if (
                self.min_rows is not None
                and self.max_rows is not None
                and self.min_rows > self.max_rows
            ):
                raise ValueError(f"分节“{self.code}”：min_rows 大于 max_rows")
            if self.within_years:
                column = next((c for c in self.columns if c.code == self.within_years.column), None)
                if column is None or column.type != "date":
                    raise ValueError(
                        f"分节“{self.code}”：within_years.column 应为本表的日期列"
                        f"（“{self.within_years.column}”不是）"
                    )
        return self

    @property
    def items(self) -> list[FormField]:
        """The fields or the columns."""
        return self.fields if self.kind == "fields" else self.columns


class CoverLine(_Model):
    """A line of the cover: its label and the field it shows (section.field), or blank."""

    label: Text
    field: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")] | None = None


class Cover(_Model):
    """The paper form's cover, for the printed PDF. `title` may contain {year} (the round's)."""

    title: Text
    number_label: str | None = None
    lines: list[CoverLine] = Field(default_factory=list)
    printed_by: str | None = None
    source: Source

    def title_for(self, *, year: int | None) -> str:
        """The title with its {year} filled (the round's year), never shown unfilled."""
        return self.title.replace("{year}", str(year) if year else "")

    @model_validator(mode="after")
    def _placeholders(self):
        for name in re.findall(r"\{([^}]*)\}", self.title):
            if name not in COVER_PLACEHOLDERS:
                raise ValueError(f"封面标题中的“{{{name}}}”不是可用的占位符（可用：{{year}}）")
        return self


class Instructions(_Model):
    """The notes for filling in (填表说明 / 注), in the order of the paper form."""

    title: Text = "填表说明"
    items: list[Text] = Field(min_length=1)
    source: Source


class Opinion(_Model):
    """A box for a staff opinion on the paper form (stamped and dated)."""

    code: Code
    title: Text
    role: Role
    scope: Scope
    stamp: bool = True
    signature: bool = False
    source: Source


class ChecklistItem(_Model):
    """One item of the material checklist (an upload)."""

    code: Code
    title: Text
    required: bool
    note: str | None = None
    source: Source


class Form(_Model):
    """The declaration form: ordered sections, staff opinions, checklist, cover, instructions."""

    cover: Cover | None = None
    instructions: Instructions | None = None
    sections: list[Section] = Field(min_length=1)
    opinions: list[Opinion] = Field(default_factory=list)
    checklist: list[ChecklistItem] = Field(default_factory=list)

    def field(self, path: str) -> FormField | None:
        """The field or column named "section.field", or None."""
        section_code, _, field_code = path.partition(".")
        for section in self.sections:
            if section.code == section_code:
                return next((f for f in section.items if f.code == field_code), None)
        return None


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


def cross_field_problems(rs: RuleSet) -> list[tuple[str, str]]:
    """Problems that span keys or sections, as (path, message); [] when there are none."""
    problems: list[tuple[str, str]] = []
    add = problems.append

    identity = rs.identity
    if identity.in_force_until and identity.in_force_until < identity.in_force_from:
        add(("identity.in_force_until", "失效日期早于生效日期"))

    # form
    form = rs.form
    problems.extend(_repeated(form.sections, "form.sections", "分节代码"))
    conditions = {c.code: c for c in rs.eligibility.conditions}
    for s_index, section in enumerate(form.sections):
        key = "fields" if section.kind == "fields" else "columns"
        problems.extend(_repeated(section.items, f"form.sections[{s_index}].{key}", "字段代码"))
        for f_index, item in enumerate(section.items):
            path = f"form.sections[{s_index}].{key}[{f_index}]"
            problems.extend(_fact_problems(path, item, conditions))
    problems.extend(_repeated(form.checklist, "form.checklist", "材料代码"))
    problems.extend(_repeated(form.opinions, "form.opinions", "意见代码"))
    if form.cover:
        for index, line in enumerate(form.cover.lines):
            if line.field and form.field(line.field) is None:
                add((f"form.cover.lines[{index}].field", f"表单中没有字段“{line.field}”"))

    # eligibility
    eligibility = rs.eligibility
    channel_codes = [c.code for c in eligibility.channels]
    problems.extend(_repeated(eligibility.channels, "eligibility.channels", "推荐渠道"))
    problems.extend(_repeated(eligibility.conditions, "eligibility.conditions", "条件代码"))
    for index, rule in enumerate(eligibility.checks):
        path = f"eligibility.checks[{index}]"
        if rule.code not in REGISTRY:
            known = "、".join(sorted(REGISTRY))
            add((f"{path}.code", f"未登记的检查“{rule.code}”（已登记：{known}）"))
            continue
        for p_path, message in validate_params(rule.code, rule.params):
            add((f"{path}.params" + (f".{p_path}" if p_path else ""), message))
        for channel in rule.channels or ():
            if channel not in channel_codes:
                add((f"{path}.channels", f"推荐渠道“{channel}”未在 eligibility.channels 中定义"))
        if rule.code in ("professional_condition", "organisation_condition"):
            wanted = "professional" if rule.code == "professional_condition" else "organisation"
            for key in ("any_of", "all_of"):
                codes = rule.params.get(key)
                for code in codes if isinstance(codes, list) else ():
                    condition = conditions.get(code)
                    if condition is None or condition.kind != wanted:
                        add(
                            (
                                f"{path}.params.{key}",
                                f"条件“{code}”未在 eligibility.conditions 中定义为 {wanted}",
                            )
                        )
        if rule.code == "application_window" and not (
            rule.params.get("opens")
            or rule.params.get("closes")
            or any(c.window for c in eligibility.channels)
            or (
                eligibility.application_window
                and (eligibility.application_window.opens or eligibility.application_window.closes)
            )
        ):
            add(
                (
                    f"{path}.params",
                    "没有可用的申报时间：请在 params、渠道 window 或 application_window 中给出日期",
                )
            )
    if eligibility.internal_publicity:
        for channel in eligibility.internal_publicity.channels or ():
            if channel not in channel_codes:
                add(("eligibility.internal_publicity.channels", f"推荐渠道“{channel}”未定义"))

    # workflow
    problems.extend(_repeated(rs.workflow.stages, "workflow.stages", "阶段代码"))
    for index, stage in enumerate(rs.workflow.stages):
        for channel in stage.channels or ():
            if channel not in channel_codes:
                add(
                    (
                        f"workflow.stages[{index}].channels",
                        f"推荐渠道“{channel}”未在 eligibility.channels 中定义",
                    )
                )

    # scoring
    if rs.scoring is not None:
        problems.extend(_scoring_problems(rs.scoring))

    # benefits, assessments
    problems.extend(check_references(rs.benefits, rs.assessments))
    payee = rs.benefits.person_payee
    if payee is not None:
        section = next((s for s in rs.form.sections if s.code == payee.section), None)
        codes = {f.code for f in section.fields} if section and section.kind == "fields" else None
        if codes is None:
            add(("benefits.person_payee.section", f"表单中没有字段分区“{payee.section}”"))
        else:
            for key in ("name", "id_number", "bank", "account"):
                if getattr(payee, key) not in codes:
                    add(
                        (
                            f"benefits.person_payee.{key}",
                            f"分区“{payee.section}”中没有字段“{getattr(payee, key)}”",
                        )
                    )
    return problems


def _fact_problems(path: str, item: FormField, conditions: dict) -> list[tuple[str, str]]:
    if item.fact is None:
        return []
    head, _, tail = item.fact.partition(".")
    known = head in FACT_NAMES and (
        not tail or (head == "organisation" and tail in ORGANISATION_FACT_NAMES)
    )
    if not known:
        return [(f"{path}.fact", f"未知的事实“{item.fact}”（可用：{'、'.join(FACT_NAMES)}）")]
    problems = []
    values = FACT_VALUES.get(item.fact)
    if values and item.type in CHOICE_TYPES:
        for choice in item.choices:
            if choice.code not in values:
                problems.append(
                    (
                        f"{path}.choices",
                        f"选项“{choice.code}”不是事实 {item.fact} 的取值（{'、'.join(values)}）",
                    )
                )
    kind = {
        "professional_conditions": "professional",
        "organisation.conditions": "organisation",
    }.get(item.fact)
    if kind and item.type in CHOICE_TYPES:
        for choice in item.choices:
            condition = conditions.get(choice.code)
            if condition is None or condition.kind != kind:
                problems.append(
                    (
                        f"{path}.choices",
                        f"选项“{choice.code}”未在 eligibility.conditions 中定义为 {kind}",
                    )
                )
    return problems


def _scoring_problems(scoring: Scoring) -> list[tuple[str, str]]:
    problems = []
    add = problems.append
    problems.extend(_repeated(scoring.indicators, "scoring.indicators", "指标代码"))
    for i_index, indicator in enumerate(scoring.indicators):
        earlier = {i.code for other in scoring.indicators[:i_index] for i in other.items}
        for j_index, item in enumerate(indicator.items):
            if item.code in earlier:
                path = f"scoring.indicators[{i_index}].items[{j_index}].code"
                add((path, f"评分项代码“{item.code}”重复"))
            earlier.add(item.code)
    for i_index, indicator in enumerate(scoring.indicators):
        for j_index, item in enumerate(indicator.items):
            if not item.code.startswith(indicator.code):
                add(
                    (
                        f"scoring.indicators[{i_index}].items[{j_index}].code",
                        f"评分项“{item.code}”应以所属指标代码“{indicator.code}”开头",
                    )
                )
    if scoring.indicators and scoring.total is None:
        add(("scoring.total", "有评分项时应给出总分 total"))
    if scoring.total is not None:
        points = sum(item.max_points for item in scoring.items)
        if not scoring.indicators:
            add(("scoring.indicators", f"给出了总分{scoring.total}，但没有评分项"))
        elif points != scoring.total:
            add(("scoring.total", f"各评分项分值之和为{points}，与总分{scoring.total}不符"))
    if scoring.aggregation != "trimmed_mean" and (
        scoring.trim_when_at_least or scoring.outlier_points
    ):
        add(("scoring.aggregation", "trim_when_at_least、outlier_points 只适用于 trimmed_mean"))
    problems.extend(_repeated(scoring.criteria, "scoring.criteria", "评审要点代码"))
    if scoring.groups:
        problems.extend(_repeated(scoring.groups.items, "scoring.groups.items", "组别代码"))
    return problems


# --- parsing -------------------------------------------------------------------------------

# Tags pydantic puts in an error's location for discriminated unions: not keys of the file.
_UNION_TAGS = {
    "monthly",
    "annual_in_arrears",
    "one_time",
    "on_event",
    "per_assessment",
    "tranche",
    "year_end",
    "months_after_start",
    "term_end",
    "none",
}


def _clean_loc(loc: tuple) -> tuple:
    cleaned: list = []
    for index, part in enumerate(loc):
        if isinstance(part, str):
            previous = loc[index - 1] if index else None
            if part in _UNION_TAGS and (isinstance(previous, int) or previous == "due"):
                continue
            if part.startswith(("function-", "nullable[", "list[", "dict[")) or "[" in part:
                continue
        cleaned.append(part)
    return tuple(cleaned)


def format_path(loc: Iterable) -> str:
    """("workflow", "stages", 3, "kind") -> "workflow.stages[3].kind"."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _parse_path(path: str) -> tuple:
    parts: list = []
    for token in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        parts.append(int(token[1:-1]) if token.startswith("[") else token)
    return tuple(parts)


def _unwrap(annotation):
    """The model class (if any) behind Optional[...], list[...], Annotated[...]."""
    seen = 0
    while annotation is not None and seen < 10:
        seen += 1
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return annotation
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin is Annotated:
            annotation = args[0]
        elif origin in (list, tuple):
            annotation = args[0] if args else None
        elif origin in (typing.Union, types.UnionType):
            models = [a for a in args if _unwrap(a) is not None]
            annotation = models[0] if len(models) == 1 else None
        else:
            return None
    return None


def _allowed_keys(loc: tuple) -> list[str] | None:
    """The keys allowed where an unknown key was found (best effort)."""
    model: type[BaseModel] | None = RuleSet
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if model is None or part not in model.model_fields:
            return None
        model = _unwrap(model.model_fields[part].annotation)
    return list(model.model_fields) if model is not None else None


def _message(error: dict, loc: tuple) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    given = error.get("input")
    name = loc[-1] if loc else ""
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc)
        hint = f"（可用的键：{'、'.join(allowed)}）" if allowed else ""
        return f"未知的键“{name}”{hint}"
    if kind == "missing":
        return f"缺少必填项“{name}”"
    if loc == ("schema_version",):
        return f"不支持的规则格式版本“{given}”（本平台为 {SCHEMA_VERSION}）"
    if kind == "literal_error":
        return f"“{given}”不是允许的值，应为：{ctx.get('expected')}"
    if kind == "union_tag_invalid":
        return f"“{ctx.get('tag')}”不是允许的类型，应为：{ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return f"缺少类型键“{ctx.get('discriminator')}”"
    if kind == "string_pattern_mismatch":
        if name == "source":
            return "条款出处不能为空，且首尾不能有空格"
        return f"“{given}”格式不符（应匹配 {ctx.get('pattern')}；代码用小写英文、数字和下划线）"
    if kind in ("string_too_short", "too_short"):
        return f"不能为空（至少 {ctx.get('min_length', 1)} 项/字）"
    if kind == "int_parsing" or kind == "int_type":
        return f"“{given}”应为整数"
    if kind in ("bool_parsing", "bool_type"):
        return f"“{given}”应为 true 或 false"
    if kind in ("list_type", "dict_type", "model_type", "model_attributes_type"):
        expected = {"list_type": "列表", "dict_type": "映射"}.get(kind, "映射（键: 值）")
        return f"应为{expected}，而不是“{given!r}”"
    if kind == "value_error":
        return error["msg"].removeprefix("Value error, ")
    return error["msg"]


def _problems_from(exc: ValidationError) -> list[tuple[str, str]]:
    problems = []
    for error in exc.errors():
        original = (error.get("ctx") or {}).get("error")
        if isinstance(original, _CrossFieldProblems):
            problems.extend(original.problems)
            continue
        loc = _clean_loc(error["loc"])
        if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
            discriminator = str((error.get("ctx") or {}).get("discriminator", "")).strip("'")
            if discriminator and error["type"] == "union_tag_invalid":
                loc = (*loc, discriminator)
        problems.append((format_path(loc), _message(error, loc)))
    return problems


def _with_lines(
    problems: list[tuple[str, str]], lines: dict[tuple, int] | None
) -> list[tuple[str, str]]:
    if not lines:
        return problems
    out = []
    for path, message in problems:
        if not path:
            out.append((path, message))
            continue
        loc = _parse_path(path)
        line = None
        while line is None:
            line = lines.get(loc)
            if not loc:
                break
            loc = loc[:-1]
        out.append((path, f"{message}（第{line}行）" if line else message))
    return out


def _parse(data: Any, source: str, lines: dict[tuple, int] | None = None) -> RuleSet:
    if not isinstance(data, dict):
        raise RuleSetError(
            source, [("", "规则文件应为一个 YAML 映射（schema_version、identity、form …）")]
        )
    try:
        return RuleSet.model_validate(data)
    except ValidationError as exc:
        problems = _problems_from(exc)
        known = {path for path, _ in problems}
        problems += [p for p in _unregistered_checks(data) if p[0] not in known]
        raise RuleSetError(source, _with_lines(problems, lines)) from None


def _unregistered_checks(data: dict) -> list[tuple[str, str]]:
    """Unknown check codes, read from the raw data: the cross-field checks that also find
    them run only on a valid rule set, and an upload is told about every mistake at once."""
    checks = (data.get("eligibility") or {}).get("checks") if isinstance(data, dict) else None
    problems = []
    for index, rule in enumerate(checks if isinstance(checks, list) else ()):
        code = rule.get("code") if isinstance(rule, dict) else None
        if isinstance(code, str) and code not in REGISTRY:
            known = "、".join(sorted(REGISTRY))
            problems.append(
                (f"eligibility.checks[{index}].code", f"未登记的检查“{code}”（已登记：{known}）")
            )
    return problems


def parse_ruleset(data: dict, *, source: str = "<data>") -> RuleSet:
    """Validate a rule set given as data (from YAML or a stored version); raise RuleSetError."""
    return _parse(data, source)


class _Loader(yaml.SafeLoader):
    """Safe YAML that notes a key given twice in one mapping (the second would win silently):
    `repeated` lists (path-free message, line) for each, and parsing goes on so that every other
    problem of the file is reported with it."""

    def __init__(self, stream):
        super().__init__(stream)
        self.repeated: list[tuple[str, int]] = []

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                repeated = key in seen
                seen.add(key)
            except TypeError:
                continue
            if repeated:
                self.repeated.append((f"键“{key}”重复", key_node.start_mark.line + 1))
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node):
        # An impossible date written unquoted (2024-13-45) is kept as its text, so that the
        # schema reports it at its path and line like any other value that is not a date.
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def _line_map(node, path: tuple = (), out: dict | None = None) -> dict[tuple, int]:
    out = {} if out is None else out
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key_path = (*path, str(key_node.value))
            out[key_path] = key_node.start_mark.line + 1
            _line_map(value_node, key_path, out)
            out[key_path] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, (*path, index), out)
    return out


def load_ruleset(path: str | Path) -> RuleSet:
    """Read and validate a rule-set file; raise RuleSetError naming the file, paths and lines."""
    path = Path(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RuleSetError(source, [("", "找不到规则文件")]) from None
    except UnicodeDecodeError:
        raise RuleSetError(source, [("", "规则文件应为 UTF-8 编码")]) from None
    return load_ruleset_text(text, source=source)


def load_ruleset_text(text: str, *, source: str = "<upload>") -> RuleSet:
    """Validate a rule set given as YAML text (an uploaded file); raise RuleSetError with every
    problem, each with its path in the file and its line: repeated keys, YAML errors, the schema
    and the cross-field checks."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"第{mark.line + 1}行" if mark else ""
        column = f"第{mark.column + 1}列" if mark else ""
        problem = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise RuleSetError(
            source, [(where, f"YAML 格式错误：{problem}（{where}{column}）")]
        ) from None
    except yaml.YAMLError as exc:
        raise RuleSetError(source, [("", f"YAML 格式错误：{exc}")]) from None
    finally:
        loader.dispose()
    repeated = [(f"第{line}行", f"{message}（第{line}行）") for message, line in loader.repeated]
    lines = _line_map(node) if node is not None else None
    try:
        ruleset = _parse(data, source, lines)
    except RuleSetError as exc:
        raise RuleSetError(source, [*repeated, *exc.problems]) from None
    if repeated:
        raise RuleSetError(source, repeated)
    return ruleset


def ruleset_digest(data: dict | RuleSet) -> str:
    """SHA-256 of the canonical JSON of the parsed rule set (decides whether a file is a new version).

    The data is parsed first, so key order, quoting, comments and defaults left out do not
    change the digest; any change of meaning does.
    """
    ruleset = data if isinstance(data, RuleSet) else parse_ruleset(data)
    canonical = json.dumps(
        ruleset.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def in_force_on(ruleset: RuleSet, on: date) -> bool:
    """Whether the programme's document is in force on `on`."""
    identity = ruleset.identity
    return identity.in_force_from <= on and (
        identity.in_force_until is None or on <= identity.in_force_until
    )
