"""The benefits, assessments and adjustments sections of a rule set (pydantic models).

The shape is agreed in `docs/ruleset-benefits-contract.md`; the root model
(`programmes/ruleset/schema.py`) puts `BenefitRules` under `benefits`, a list of `AssessmentRule`
under `assessments` and `AdjustmentRules` under `adjustments`, and calls `check_references` for
what crosses sections. The pure schedule functions that read these models are in
`programmes/schedules/` (re-exported by `subsidies.schedules`).

Money is a `Decimal` with two places, written in YAML as a quoted string ("1000.00"); an integer
is accepted, a float never is (1000.1 in binary is not 1000.10, and the ledger must balance).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    model_validator,
)

CENT = Decimal("0.01")

PAYEES = ("person", "unit")
FUNDINGS = (
    "talent_development_fund",
    "local_education_surcharge_fund",
    "union_fund",
    "other",
)
ASSESSMENT_KINDS = ("routine", "annual", "mid_term", "end_of_term", "tracking")
RESULTS = ("pass", "fail", "excellent", "good")
EFFECTS = ("stop_benefits", "revoke_title", "unit_loses_nomination", "cancel_funding", "none")
ORGANISERS = (
    "unit",
    "industry_authority",
    "street",
    "district_office",
    "third_party",
    "talent_leading_group",
)
STUDIO_LEVELS = ("city", "district")

Payee = Literal[PAYEES]
FundingLine = Literal[FUNDINGS]
Result = Literal[RESULTS]
Effect = Literal[EFFECTS]
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]


def parse_money(value: Any) -> Decimal:
    """A sum of money as a Decimal quantized to 0.01: from a string or an int, never a float.

    Raises ValueError (with a message for the rule-set author) for a float, a bool, more than
    two decimal places, or anything that is not a finite number.
    """
    if isinstance(value, bool):
        raise ValueError('金额应为带引号的字符串，如 "1000.00"')
    if isinstance(value, float):
        raise ValueError(
            f'金额 {value!r} 是浮点数：请写成带引号的字符串，如 "{value:.2f}"（浮点数会丢失精度）'
        )
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, str):
        try:
            amount = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f'“{value}”不是金额，应写成如 "1000.00"') from None
    else:
        raise ValueError(f'“{value!r}”不是金额，应写成如 "1000.00"')
    if not amount.is_finite():
        raise ValueError(f'“{value}”不是金额，应写成如 "1000.00"')
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise ValueError(f"金额“{value}”最多保留两位小数")
    return amount.quantize(CENT)


def _positive(amount: Decimal) -> Decimal:
    if amount <= 0:
        raise ValueError("金额应大于 0")
    return amount


Money = Annotated[
    Decimal,
    BeforeValidator(parse_money),
    PlainSerializer(lambda amount: f"{amount:.2f}", return_type=str, when_used="json"),
]
PositiveMoney = Annotated[Money, AfterValidator(_positive)]


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _unique(values: list, what: str) -> list:
    seen = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what}“{value}”重复")
        seen.add(value)
    return values


Results = Annotated[
    list[Result], Field(min_length=1), AfterValidator(lambda values: _unique(values, "结果"))
]


# --- benefits ------------------------------------------------------------------------------


class NoDoubleBenefit(_Rule):
    """Only the higher of two comparable benefits is paid (就高不重复)."""

    rule: Literal["higher_only"] = "higher_only"
    comparable: Annotated[
        list[Code], Field(min_length=1), AfterValidator(lambda v: _unique(v, "可比待遇"))
    ]
    source: str


class StopsOnOtherTitle(_Rule):
    """Holding one of these titles ends this programme's benefits (the title itself stays)."""

    titles: list[Code] = Field(min_length=1)
    source: str


class PersonPayee(_Rule):
    """Who a payment to a person goes to, when it is not the applicant who signs in.

    The fields of one form section that name the person and their bank: for 青浦 the project
    leader named in the unit's declaration (青人社〔2020〕54号 五(一)2), never the unit's login.
    """

    section: Code
    name: Code
    id_number: Code
    bank: Code
    account: Code
    source: str


class _Schedule(_Rule):
    code: Code
    label: str = Field(min_length=1)
    payee: Payee
    funding: FundingLine
    source: str


class MonthlySchedule(_Schedule):
    """`amount` for each month of the term on whose first day the award is active."""

    kind: Literal["monthly"]
    amount: PositiveMoney


class AnnualInArrearsSchedule(_Schedule):
    """`amount` a month, the year's active months paid on `pay_month`/01 of the next year."""

    kind: Literal["annual_in_arrears"]
    amount: PositiveMoney
    pay_month: int = Field(default=1, ge=1, le=12)


class OneTimeSchedule(_Schedule):
    """`amount` once, on the naming date or on the first day of the term."""

    kind: Literal["one_time"]
    amount: PositiveMoney
    at: Literal["naming", "term_start"] = "naming"


class OnEventSchedule(_Schedule):
    """Paid on the date of an event (a studio set up), by the event's level or a flat amount."""

    kind: Literal["on_event"]
    event: Literal["studio_established"]
    amount: PositiveMoney | None = None
    amounts_by_level: dict[Literal[STUDIO_LEVELS], PositiveMoney] | None = None
    max_times: int = Field(default=1, ge=1)
    within_term: bool = False

    @model_validator(mode="after")
    def _one_amount(self):
        if (self.amount is None) == (self.amounts_by_level is None):
            raise ValueError("应给出 amount 或 amounts_by_level 之一（且只能一个）")
        if self.amounts_by_level is not None and not self.amounts_by_level:
            raise ValueError("amounts_by_level 不能为空")
        return self


class Requirement(_Rule):
    """An earlier assessment that must have been recorded with one of `results`."""

    assessment: Code
    results: Results


class PerAssessmentSchedule(_Schedule):
    """`amount` on the date of each assessment rated one of `results`, at most once a year."""

    kind: Literal["per_assessment"]
    assessment: Code
    results: Results
    amount: PositiveMoney
    max_times: int | None = Field(default=None, ge=1)
    within_term: bool = False


class TrancheSchedule(_Schedule):
    """`amount` once, on the date of the first assessment rated one of `results`, if `requires`."""

    kind: Literal["tranche"]
    assessment: Code
    results: Results
    amount: PositiveMoney
    requires: list[Requirement] = Field(default_factory=list)
    within_term: bool = False


ScheduleRule = Annotated[
    MonthlySchedule
    | AnnualInArrearsSchedule
    | OneTimeSchedule
    | OnEventSchedule
    | PerAssessmentSchedule
    | TrancheSchedule,
    Field(discriminator="kind"),
]

MONTHLY_KINDS = ("monthly", "annual_in_arrears")


class BenefitRules(_Rule):
    """What is paid, to whom, from which fund, over which term.

    `term_months` may be left out only by a programme whose title does not expire and that has
    no monthly or term-bound payment (e.g. 上海工匠: a one-time bonus).
    """

    term_months: int | None = Field(default=None, ge=1, le=240)
    term_start: Literal["month_after_naming"] = "month_after_naming"
    source: str
    no_double_benefit: NoDoubleBenefit | None = None
    stops_on_other_title: StopsOnOtherTitle | None = None
    person_payee: PersonPayee | None = None
    schedules: list[ScheduleRule] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self):
        _unique([s.code for s in self.schedules], "支付项目代码")
        if self.term_months is None:
            for schedule in self.schedules:
                needs_term = (
                    schedule.kind in MONTHLY_KINDS
                    or getattr(schedule, "within_term", False)
                    or getattr(schedule, "at", None) == "term_start"
                )
                if needs_term:
                    raise ValueError(f"支付项目“{schedule.code}”依赖管理期：应给出 term_months")
        return self

    def schedule(self, code: str):
        """The schedule with this code, or None."""
        return next((s for s in self.schedules if s.code == code), None)


# --- assessments ---------------------------------------------------------------------------


class DueYearEnd(_Rule):
    """31 December of each year of the term (only the year-ends that fall within it)."""

    rule: Literal["year_end"]


class DueMonthsAfterStart(_Rule):
    """The last day of the `months`-th month of the term (18: the end of the 18th month)."""

    rule: Literal["months_after_start"]
    months: int = Field(ge=1, le=240)


class DueTermEnd(_Rule):
    """The last day of the term."""

    rule: Literal["term_end"]


class DueNone(_Rule):
    """No fixed date (routine assessment by the unit)."""

    rule: Literal["none"]


DueRule = Annotated[
    DueYearEnd | DueMonthsAfterStart | DueTermEnd | DueNone, Field(discriminator="rule")
]


class AssessmentRule(_Rule):
    """One assessment: when it falls due, its results, and what each result does.

    `rectification: true` (青人社〔2020〕54号 八(二) 限期整改，整改后仍未符合要求的取消资助): a
    result's effects apply only when it is confirmed by the next assessment of the same code
    (the check after rectification) or the assessment is recorded as `after_rectification`.
    """

    code: Code
    kind: Literal[ASSESSMENT_KINDS]
    label: str = Field(min_length=1)
    organiser: Literal[ORGANISERS]
    due: DueRule
    results: Results
    effects: dict[Result, list[Effect]] = Field(default_factory=dict)
    rectification: bool = False
    source: str

    @model_validator(mode="after")
    def _effects_of_known_results(self):
        for result, effects in self.effects.items():
            if result not in self.results:
                raise ValueError(f"effects 中的结果“{result}”不在 results 之列")
            if not effects:
                raise ValueError(f"结果“{result}”的 effects 为空：不需要时写 [none]")
            _unique(effects, "效果")
            if "none" in effects and len(effects) > 1:
                raise ValueError(f"结果“{result}”的 effects：none 不能与其他效果同列")
        return self

    def effects_of(self, result: str) -> tuple[str, ...]:
        """The effects of `result`, without `none`."""
        return tuple(e for e in self.effects.get(result, ()) if e != "none")


# --- adjustments ---------------------------------------------------------------------------


class AdjustmentRule(_Rule):
    """What a suspension, revocation or leaving the post does.

    `title`: what the title becomes (`held`: unchanged). `benefits`: `stop_next_month` -- no
    month whose first day is on or after the adjustment date is paid, nor any payment dated on or
    after it (months already earned and paid in arrears still are); `none` -- no effect on money.
    `reasons`: optional reason codes -> labels (e.g. 沪松人社规〔2024〕1号 六(二)1-4).
    """

    title: Literal["held", "suspended", "revoked"]
    benefits: Literal["stop_next_month", "none"] = "stop_next_month"
    reasons: dict[Code, str] = Field(default_factory=dict)
    source: str


class AdjustmentRules(_Rule):
    """The adjustment events a rule set knows; one left out has the default of SCENARIOS.md.

    Defaults: suspended -> title suspended, benefits stop; revoked -> title revoked, benefits
    stop; left_post -> title held, benefits stop.
    """

    suspended: AdjustmentRule | None = None
    revoked: AdjustmentRule | None = None
    left_post: AdjustmentRule | None = None

    def rule_for(self, event: str) -> AdjustmentRule:
        """The rule for an adjustment event (`suspended`, `revoked`, `left_post`)."""
        rule = getattr(self, event)
        return rule if rule is not None else DEFAULT_ADJUSTMENTS[event]


DEFAULT_ADJUSTMENTS: dict[str, AdjustmentRule] = {
    "suspended": AdjustmentRule(title="suspended", source="SCENARIOS.md"),
    "revoked": AdjustmentRule(title="revoked", source="SCENARIOS.md"),
    "left_post": AdjustmentRule(title="held", source="SCENARIOS.md"),
}


# --- references across sections ------------------------------------------------------------


def check_references(
    benefits: BenefitRules, assessments: list[AssessmentRule]
) -> list[tuple[str, str]]:
    """Problems that cross sections, as (path, message); empty when all is well.

    Paths are dotted like pydantic's: "benefits.schedules[2].assessment". Checked: assessment
    codes are unique; a schedule's `assessment` and each `requires[].assessment` name an
    assessment; at least one of their `results` is a result that assessment can have.
    """
    problems: list[tuple[str, str]] = []
    by_code: dict[str, AssessmentRule] = {}
    for index, rule in enumerate(assessments):
        if rule.code in by_code:
            problems.append((f"assessments[{index}].code", f"考核代码“{rule.code}”重复"))
        by_code.setdefault(rule.code, rule)

    def check(path: str, code: str, results: list[str]) -> None:
        rule = by_code.get(code)
        if rule is None:
            known = "、".join(by_code) or "（无）"
            problems.append((f"{path}.assessment", f"未定义的考核“{code}”，已定义：{known}"))
        elif not set(results) & set(rule.results):
            # A result the assessment cannot have is tolerated (e.g. [pass, good, excellent]
            # against [pass, fail]); none at all means the payment could never be made.
            problems.append(
                (
                    f"{path}.results",
                    f"考核“{code}”不会有这些结果（可有：{'、'.join(rule.results)}）",
                )
            )

    for index, schedule in enumerate(benefits.schedules):
        path = f"benefits.schedules[{index}]"
        if isinstance(schedule, PerAssessmentSchedule | TrancheSchedule):
            check(path, schedule.assessment, schedule.results)
        if isinstance(schedule, TrancheSchedule):
            for r_index, requirement in enumerate(schedule.requires):
                check(f"{path}.requires[{r_index}]", requirement.assessment, requirement.results)
    return problems
