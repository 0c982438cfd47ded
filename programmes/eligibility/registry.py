"""The registry of eligibility checks: results, parameter models, labels and helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from programmes.facts import (
    ApplicantFacts,
    parse_facts,
)
from programmes.retirement import add_months

Result = Literal["pass", "warn", "fail"]

DISTRICT_LABELS = {
    "songjiang": "松江区",
    "qingpu": "青浦区",
    "shizhong": "市中区",
    "shanghai": "上海市",
}
POSITION_LABELS = {
    "deputy_bureau_or_above": "副局级或相当于副局级以上领导干部",
    "head_of_centrally_managed_unit": "由中央、市委组织部、市级相关委办管理的企事业单位负责人",
}
EMPLOYMENT_LABELS = {"employed": "在职", "freelance": "自由职业", "retired": "已退休"}
FACT_LABELS = {
    "birth_date": "出生日期",
    "gender": "性别",
    "retirement_category": "退休类别",
    "skill_level": "技能等级",
    "skill_equivalent_recognised": "同等水平认定",
    "nationality": "国籍",
    "union_member": "工会会员",
    "employment": "就业状态",
    "employer_district": "用人单位税务登记地",
    "position_rank": "职务级别",
    "front_line": "一线岗位",
    "professional_conditions": "专业条件",
    "awards": "获奖",
    "local_craftsman_title": "本地区（系统、行业）工匠称号",
    "organisation": "申报单位",
    "organisation.kind": "申报单位类型",
    "organisation.district": "申报单位所在区",
    "organisation.conditions": "申报单位条件",
    "channel": "推荐渠道",
}


@dataclass(frozen=True)
class CheckResult:
    """The answer of one check: `result` pass/warn/fail, a Chinese message, the clause.

    `missing` names the facts the check needed and did not get (then `result` is `fail`).
    """

    code: str
    result: Result
    message: str
    source: str = ""
    missing: tuple[str, ...] = ()


class Params(BaseModel):
    """Parameters of a check; unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class NoParams(Params):
    pass


@dataclass(frozen=True)
class Check:
    """A registered check: call it as `check(facts, params_dict, on=..., channel=...)`."""

    code: str
    function: Callable[..., CheckResult]
    params_model: type[Params]
    doc: str

    def parse_params(self, params: dict | None) -> Params:
        """The parameters validated by the check's model (raises pydantic ValidationError)."""
        return self.params_model.model_validate(params or {})

    def __call__(
        self,
        facts: ApplicantFacts | dict,
        params: dict | None = None,
        *,
        on: date,
        channel: str | None = None,
    ) -> CheckResult:
        if not isinstance(facts, ApplicantFacts):
            facts = parse_facts(facts)
        return self.function(facts, self.parse_params(params), on=on, channel=channel)


REGISTRY: dict[str, Check] = {}


def register(code: str, params: type[Params] = NoParams):
    """Register a check function under `code` with the model of its parameters."""

    def decorate(function):
        if code in REGISTRY:
            raise ValueError(f"check {code} registered twice")
        REGISTRY[code] = Check(code, function, params, (function.__doc__ or "").strip())
        return function

    return decorate


# --- helpers -------------------------------------------------------------------------------


def _passed(code: str, message: str) -> CheckResult:
    return CheckResult(code, "pass", message)


def _violated(code: str, message: str) -> CheckResult:
    return CheckResult(code, "fail", message)


def _missing(code: str, *facts: str) -> CheckResult:
    names = "、".join(FACT_LABELS.get(f, f) for f in facts)
    return CheckResult(code, "fail", f"缺少{names}信息", missing=tuple(facts))


def _category(facts: ApplicantFacts) -> str | None:
    """The retirement category; a man's follows from his gender."""
    if facts.retirement_category:
        return facts.retirement_category
    if facts.gender == "male":
        return "male"
    return None


def full_years(birth: date, on: date) -> int:
    """Age in completed years (周岁) on `on`: one more year on each birthday.

    Born on 29 February: the birthday in a common year is 28 February (民法典 第二百零二条's
    month-end rule, as `programmes.retirement.add_months`).
    """
    years = on.year - birth.year
    if add_months(birth, years * 12) > on:
        years -= 1
    return years


def _labels(codes: Iterable[str], labels: dict[str, str]) -> str:
    return "、".join(labels.get(code, code) for code in codes)
