"""What an applicant states about themselves: the facts the eligibility checks read.

The vocabulary is the one of ../shared/SCENARIOS.md ("Fact vocabulary"); names keep their meaning
everywhere (forms, scenarios, checks). Every fact is optional: a check that needs a fact the
applicant has not given fails with "缺少…信息", so the form can ask for it.

Facts added beyond SCENARIOS.md (documented here, used by the rule sets):
- `unit_kind`: the kind of the employing unit (`enterprise`, `public_institution`, ...). The
  workflow routes on it (沪松人社规〔2024〕1号 四(二): enterprise candidates go through the street,
  public-institution candidates through their competent department); no check reads it.
- `has_competent_department`: the unit has a competent department (主管部门) and reports through
  it; routes 青浦 (青人社〔2020〕54号 六(三)2) as `organisation.via_competent_department` does.
- `organisation.via_competent_department`: the applying unit reports to its competent department
  (a member of the working group) rather than to its town or street (青人社〔2020〕54号 六(三)2);
  routing only.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from programmes.retirement import RETIREMENT_CATEGORIES
from programmes.vocab import UNIT_KINDS, UnitKind

SKILL_LEVELS = (
    "senior_technician",
    "technician",
    "senior_worker",
    "intermediate_worker",
    "junior_worker",
    "none",
)
# Higher number = higher level; `none` is below every level.
SKILL_RANK = {level: rank for rank, level in enumerate(reversed(SKILL_LEVELS))}
SKILL_LABELS = {
    "senior_technician": "高级技师",
    "technician": "技师",
    "senior_worker": "高级工",
    "intermediate_worker": "中级工",
    "junior_worker": "初级工",
    "none": "无技能等级",
}
AWARD_LEVELS = ("national", "provincial", "municipal", "district")
# Higher number = higher level.
AWARD_LEVEL_RANK = {"district": 1, "municipal": 2, "provincial": 3, "national": 4}
AWARD_LEVEL_LABELS = {
    "national": "国家级",
    "provincial": "省级",
    "municipal": "市级",
    "district": "区级",
}
EMPLOYMENTS = ("employed", "freelance", "retired")
POSITION_RANKS = ("none", "deputy_bureau_or_above", "head_of_centrally_managed_unit")

Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


def _iso_date(value: Any) -> Any:
    """A date, or a string in ISO form; never a number (pydantic would read it as a timestamp)."""
    if isinstance(value, datetime):
        raise ValueError("应为日期（YYYY-MM-DD），不带时间")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"“{value}”不是有效日期（应为 YYYY-MM-DD）") from None
    raise ValueError(f"“{value!r}”不是有效日期（应为 YYYY-MM-DD）")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class _Facts(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Award(_Facts):
    """An award or title: when, at which level, and what kind (codes the rule set defines)."""

    date: IsoDate
    level: Literal[AWARD_LEVELS]
    kind: Code


class OrganisationFacts(_Facts):
    """For organisation and project applicants: the applying unit."""

    kind: UnitKind
    district: Code | None = None
    conditions: list[Code] | None = None
    via_competent_department: bool | None = None


class ApplicantFacts(_Facts):
    """The facts of SCENARIOS.md plus `unit_kind` (see the module docstring); all optional.

    For a project applicant (a unit applies for a project led by a person, 青浦) the personal
    facts describe the project leader and `organisation` the unit.
    """

    birth_date: IsoDate | None = None
    gender: Literal["male", "female"] | None = None
    retirement_category: Literal[RETIREMENT_CATEGORIES] | None = None
    skill_level: Literal[SKILL_LEVELS] | None = None
    skill_equivalent_recognised: bool | None = None
    nationality: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = None
    union_member: bool | None = None
    employment: Literal[EMPLOYMENTS] | None = None
    employer_district: Code | None = None
    position_rank: Literal[POSITION_RANKS] | None = None
    front_line: bool | None = None
    professional_conditions: list[Code] | None = None
    awards: list[Award] | None = None
    local_craftsman_title: bool | None = None
    organisation: OrganisationFacts | None = None
    unit_kind: UnitKind | None = None
    has_competent_department: bool | None = None


FACT_NAMES: tuple[str, ...] = tuple(ApplicantFacts.model_fields)
ORGANISATION_FACT_NAMES: tuple[str, ...] = tuple(OrganisationFacts.model_fields)

# The closed vocabularies, for checking a form field's choices against the fact it fills.
FACT_VALUES: dict[str, tuple[str, ...]] = {
    "gender": ("male", "female"),
    "retirement_category": RETIREMENT_CATEGORIES,
    "skill_level": SKILL_LEVELS,
    "employment": EMPLOYMENTS,
    "position_rank": POSITION_RANKS,
    "unit_kind": UNIT_KINDS,
    "organisation.kind": UNIT_KINDS,
}


def _where(loc: tuple) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts)


def parse_facts(data: Any) -> ApplicantFacts:
    """Validate an applicant's facts; raise ValueError naming each unknown fact or bad value.

    The message lists one problem per line, e.g. "未知的事实“favourite_colour”（可用：birth_date、…）"
    or "birth_date: “1975-13-01”不是有效日期（应为 YYYY-MM-DD）".
    """
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValueError("申报人事实应为键值映射（如 birth_date: 1975-06-10）")
    try:
        return ApplicantFacts.model_validate(data)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            where = _where(error["loc"])
            if error["type"] == "extra_forbidden":
                known = ORGANISATION_FACT_NAMES if where.startswith("organisation.") else FACT_NAMES
                name = str(error["loc"][-1])
                if where.startswith("awards"):
                    known = tuple(Award.model_fields)
                lines.append(f"未知的事实“{name}”（{where}；可用：{'、'.join(known)}）")
            else:
                message = error["msg"].removeprefix("Value error, ")
                lines.append(f"{where}: {message}（收到 {error.get('input')!r}）")
        raise ValueError("\n".join(lines)) from None
