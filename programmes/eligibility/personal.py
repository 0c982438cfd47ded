"""The checks of a person applicant (age, skill, district, employment, awards, conditions ...)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from programmes.eligibility.registry import (
    DISTRICT_LABELS,
    EMPLOYMENT_LABELS,
    POSITION_LABELS,
    CheckResult,
    NoParams,
    Params,
    _category,
    _labels,
    _missing,
    _passed,
    _violated,
    full_years,
    register,
)
from programmes.facts import (
    AWARD_LEVEL_LABELS,
    AWARD_LEVEL_RANK,
    SKILL_LABELS,
    SKILL_RANK,
    ApplicantFacts,
    Code,
    IsoDate,
)
from programmes.retirement import add_months, is_retired, retirement_date
from programmes.vocab import CHANNEL_LABELS, ChannelCode

# --- personal checks -----------------------------------------------------------------------


def _retirement_missing(facts: ApplicantFacts, category: str | None) -> list[str]:
    """The facts a retirement date needs that the applicant has not given."""
    given = (("birth_date", facts.birth_date), ("retirement_category", category))
    return [fact for fact, value in given if not value]


def _flag(code: str, facts: ApplicantFacts, fact: str, *, held: str, not_held: str) -> CheckResult:
    """A check of one yes-or-no fact: missing, held (pass) or not held (a violation)."""
    value = getattr(facts, fact)
    if value is None:
        return _missing(code, fact)
    return _passed(code, held) if value else _violated(code, not_held)


class YearsParams(Params):
    years: int = Field(ge=1, le=50)


def _retirement_category(facts, code: str) -> tuple:
    """The person's retirement category, and the missing-facts result of check `code` when the
    retirement date cannot be known (else None)."""
    category = _category(facts)
    missing = _retirement_missing(facts, category)
    return category, (_missing(code, *missing) if missing else None)


@register("years_to_retirement", YearsParams)
def years_to_retirement(facts, params: YearsParams, *, on, channel) -> CheckResult:
    """At least `years` years before the statutory retirement date, counted on the application date.

    沪松人社规〔2024〕1号 二(二)4: 年龄一般要求距离办理退休手续3年及以上（以申报时的年龄计算）.
    Passes when retirement_date >= on + years (so exactly 3 years before passes, a day less
    does not); the retirement date follows the 2024 reform.
    """
    code = "years_to_retirement"
    category, missing = _retirement_category(facts, code)
    if missing:
        return missing
    retires = retirement_date(facts.birth_date, category)
    if retires >= add_months(on, 12 * params.years):
        return _passed(code, f"距法定退休年龄{params.years}年及以上（法定退休日期为{retires}）")
    return _violated(code, f"距法定退休年龄不足{params.years}年（法定退休日期为{retires}）")


@register("max_age", YearsParams)
def max_age(facts, params: YearsParams, *, on, channel) -> CheckResult:
    """Age in completed years (周岁) on the application date at most `years`.

    市中政办字〔2020〕33号 第七条(五): 年龄一般不超过50周岁 -- someone who turns 50 on the
    application date is 50 and passes; at 51 the check is violated.
    """
    code = "max_age"
    if facts.birth_date is None:
        return _missing(code, "birth_date")
    age = full_years(facts.birth_date, on)
    if age <= params.years:
        return _passed(code, f"申报时{age}周岁，不超过{params.years}周岁")
    return _violated(code, f"年龄超过{params.years}周岁（申报时{age}周岁）")


class SkillParams(Params):
    min: Literal[
        "senior_technician", "technician", "senior_worker", "intermediate_worker", "junior_worker"
    ]
    accept_equivalent: bool = False


@register("skill_level", SkillParams)
def skill_level(facts, params: SkillParams, *, on, channel) -> CheckResult:
    """Skill level `min` or above; with `accept_equivalent`, also one recognised as equivalent.

    沪松人社规〔2024〕1号 二(二)5 (一般具有技师及以上技能等级（或由行业专家认定的具有同等水平的
    技能人才）); 市中政办字〔2020〕33号 第六条 (具有技师及以上职业资格, no equivalent);
    青人社〔2020〕54号 三(一)2 (技师及以上技能水平（或相同水平）).
    """
    code = "skill_level"
    wanted = SKILL_LABELS[params.min]
    if params.accept_equivalent and facts.skill_equivalent_recognised:
        return _passed(code, f"经行业专家认定具有{wanted}同等水平")
    if facts.skill_level is None:
        return _missing(code, "skill_level")
    have = SKILL_LABELS[facts.skill_level]
    if SKILL_RANK[facts.skill_level] >= SKILL_RANK[params.min]:
        return _passed(code, f"技能等级为{have}，达到{wanted}及以上")
    return _violated(code, f"技能等级低于{wanted}（现为{have}）")


class WorkingAgeParams(Params):
    min_age: int = Field(default=16, ge=0, le=30)


@register("legal_working_age", WorkingAgeParams)
def legal_working_age(facts, params: WorkingAgeParams, *, on, channel) -> CheckResult:
    """Within the legal working age: at least `min_age` (16) and not past the retirement date.

    沪松人社规〔2024〕1号 二(二)1: 本区企事业单位的从业人员（在法定劳动年龄段内）. The minimum
    working age is 16 (劳动法 第十五条); the end is the statutory retirement date under the 2024
    reform, on which day the person is retired.
    """
    code = "legal_working_age"
    category, missing = _retirement_category(facts, code)
    if missing:
        return missing
    age = full_years(facts.birth_date, on)
    if age < params.min_age:
        return _violated(code, f"未满{params.min_age}周岁，不在法定劳动年龄段内")
    retires = retirement_date(facts.birth_date, category)
    if is_retired(facts.birth_date, category, on):
        return _violated(code, f"已达到法定退休年龄（{retires}），不在法定劳动年龄段内")
    return _passed(code, f"在法定劳动年龄段内（法定退休日期为{retires}）")


class DistrictsParams(Params):
    districts: list[Code] = Field(min_length=1)


@register("employer_district", DistrictsParams)
def employer_district(facts, params: DistrictsParams, *, on, channel) -> CheckResult:
    """The employer is tax-registered in one of `districts`.

    沪松人社规〔2024〕1号 二(二)1 (本区企事业单位（在本区办理税务登记）); 市中政办字〔2020〕33号
    第六条 (区属企业、行业及中央、省属驻区纳税企业).
    """
    code = "employer_district"
    if facts.employer_district is None:
        return _missing(code, "employer_district")
    wanted = _labels(params.districts, DISTRICT_LABELS)
    if facts.employer_district in params.districts:
        return _passed(code, f"用人单位在{wanted}办理税务登记")
    have = DISTRICT_LABELS.get(facts.employer_district, facts.employer_district)
    return _violated(code, f"用人单位不在{wanted}办理税务登记（现为{have}）")


class EmploymentParams(Params):
    allowed: list[Literal["employed", "freelance", "retired"]] = Field(min_length=1)


@register("employment_status", EmploymentParams)
def employment_status(facts, params: EmploymentParams, *, on, channel) -> CheckResult:
    """The applicant's employment is one of `allowed`.

    沪松人社规〔2024〕1号 二(二)1: 本区企事业单位的从业人员 -- employed by a unit.
    """
    code = "employment_status"
    if facts.employment is None:
        return _missing(code, "employment")
    have = EMPLOYMENT_LABELS[facts.employment]
    if facts.employment in params.allowed:
        return _passed(code, f"就业状态为{have}")
    wanted = _labels(params.allowed, EMPLOYMENT_LABELS)
    return _violated(code, f"就业状态应为{wanted}（现为{have}）")


class NationalityParams(Params):
    allowed: list[str] = Field(default_factory=lambda: ["CN"], min_length=1)


@register("nationality", NationalityParams)
def nationality(facts, params: NationalityParams, *, on, channel) -> CheckResult:
    """Nationality (ISO 3166 alpha-2) is one of `allowed`.

    上海工匠 2024 通知 一: 一般应具有中国国籍.
    """
    code = "nationality"
    if facts.nationality is None:
        return _missing(code, "nationality")
    if facts.nationality in params.allowed:
        return _passed(code, "国籍符合要求")
    if params.allowed == ["CN"]:
        return _violated(code, f"不具有中国国籍（现为{facts.nationality}）")
    return _violated(code, f"国籍不符合要求（现为{facts.nationality}）")


@register("union_member")
def union_member(facts, params: NoParams, *, on, channel) -> CheckResult:
    """A trade-union member.

    上海工匠 2024 通知 一 (是工会会员) and 二(二)(三) (尚未成为工会会员的，完成入会程序后再行申报).
    """
    return _flag(
        "union_member",
        facts,
        "union_member",
        held="是工会会员",
        not_held="不是工会会员：请先通过“申工社”或随申办“我要入会”完成入会后再申报",
    )


@register("not_retired")
def not_retired(facts, params: NoParams, *, on, channel) -> CheckResult:
    """Not a retiree: neither stated as retired nor past the statutory retirement date.

    上海工匠 2024 通知 一: 退休职工原则上不参与推荐申报.
    """
    code = "not_retired"
    if facts.employment == "retired":
        return _violated(code, "已退休（退休职工原则上不参与推荐申报）")
    category = _category(facts)
    missing = _retirement_missing(facts, category)
    if missing:
        return _missing(code, *missing)
    retires = retirement_date(facts.birth_date, category)
    if is_retired(facts.birth_date, category, on):
        return _violated(code, f"已达到法定退休年龄（{retires}）")
    return _passed(code, f"未退休（法定退休日期为{retires}）")


class RanksParams(Params):
    ranks: list[Literal["deputy_bureau_or_above", "head_of_centrally_managed_unit"]] = Field(
        min_length=1
    )


@register("excluded_position", RanksParams)
def excluded_position(facts, params: RanksParams, *, on, channel) -> CheckResult:
    """Not holding one of the excluded positions `ranks`.

    上海工匠 2024 通知 一: 副局级或相当于副局级以上领导干部以及由中央、市委组织部、市级相关委办
    管理的企事业单位负责人……原则上不参与推荐申报.
    """
    code = "excluded_position"
    if facts.position_rank is None:
        return _missing(code, "position_rank")
    if facts.position_rank in params.ranks:
        return _violated(code, f"{POSITION_LABELS[facts.position_rank]}原则上不参与推荐申报")
    return _passed(code, "不属于不参与推荐申报的职务")


class AwardKind(Params):
    kinds: list[Code] | None = None
    min_level: Literal["national", "provincial", "municipal", "district"] | None = None
    label: str | None = None


class AwardParams(Params):
    years: int = Field(ge=1, le=50)
    any_of: list[AwardKind] = Field(min_length=1)
    min_count: int = Field(default=1, ge=1)


def _award_matches(award, spec: AwardKind) -> bool:
    if spec.kinds is not None and award.kind not in spec.kinds:
        return False
    return (
        spec.min_level is None or AWARD_LEVEL_RANK[award.level] >= AWARD_LEVEL_RANK[spec.min_level]
    )


@register("award_within_years", AwardParams)
def award_within_years(facts, params: AwardParams, *, on, channel) -> CheckResult:
    """At least `min_count` awards matching one of `any_of`, dated within `years` before `on`.

    市中政办字〔2020〕33号 第七条(二): 近4年内获得“中华技能大奖”、省“有突出贡献技师”、市级以上
    “技术能手”等称号…… An award dated exactly `years` years before the application date counts;
    one dated after it does not (it cannot be claimed yet).
    """
    code = "award_within_years"
    if facts.awards is None:
        return _missing(code, "awards")
    since = add_months(on, -12 * params.years)
    matching = [
        award
        for award in facts.awards
        if since <= award.date <= on and any(_award_matches(award, s) for s in params.any_of)
    ]
    if len(matching) >= params.min_count:
        latest = max(matching, key=lambda a: a.date)
        level = AWARD_LEVEL_LABELS[latest.level]
        return _passed(
            code, f"近{params.years}年内有符合条件的获奖或称号（{latest.date}，{level}）"
        )
    return _violated(code, f"近{params.years}年内（{since}以来）没有符合条件的获奖或称号")


class ConditionParams(Params):
    any_of: list[Code] | None = None
    all_of: list[Code] | None = None
    labels: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one(self):
        if (self.any_of is None) == (self.all_of is None):
            raise ValueError("应给出 any_of 或 all_of 之一（且只能一个）")
        if not (self.any_of or self.all_of):
            raise ValueError("条件列表不能为空")
        return self


def _conditions(code: str, held: list[str], params: ConditionParams, what: str) -> CheckResult:
    held_set = set(held)
    if params.any_of is not None:
        met = [c for c in params.any_of if c in held_set]
        if met:
            return _passed(code, f"符合{what}：{_labels(met, params.labels)}")
        return _violated(code, f"不符合任一{what}（{_labels(params.any_of, params.labels)}）")
    unmet = [c for c in params.all_of or () if c not in held_set]
    if not unmet:
        return _passed(code, f"符合{what}：{_labels(params.all_of or (), params.labels)}")
    return _violated(code, f"不符合{what}：{_labels(unmet, params.labels)}")


@register("professional_condition", ConditionParams)
def professional_condition(facts, params: ConditionParams, *, on, channel) -> CheckResult:
    """The applicant meets one (`any_of`) or all (`all_of`) of the rule set's conditions.

    沪松人社规〔2024〕1号 二(三): 要求具备以下条件之一. Condition codes and labels are defined in
    the rule set (`eligibility.conditions`); the applicant states the ones met.
    """
    code = "professional_condition"
    if facts.professional_conditions is None:
        return _missing(code, "professional_conditions")
    return _conditions(code, facts.professional_conditions, params, "专业条件")


class WindowParams(Params):
    opens: IsoDate | None = None
    closes: IsoDate | None = None
    windows: dict[str, dict[str, IsoDate]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _ordered(self):
        pairs = [
            (self.opens, self.closes),
            *((w.get("opens"), w.get("closes")) for w in self.windows.values()),
        ]
        for opens, closes in pairs:
            if opens and closes and closes < opens:
                raise ValueError(f"截止日期 {closes} 早于开始日期 {opens}")
        for channel, window in self.windows.items():
            unknown = set(window) - {"opens", "closes"}
            if unknown:
                raise ValueError(f"渠道 {channel} 的申报时间只能有 opens、closes")
        return self


@register("application_window", WindowParams)
def application_window(facts, params: WindowParams, *, on, channel) -> CheckResult:
    """The application date is inside the window, both ends included.

    The window of the applicant's channel (`windows`, filled by `evaluate` from the rule set's
    channels) or else `opens`/`closes`. 上海工匠 2024 通知 二(三): 申报时间为6月12日至7月15日.
    """
    code = "application_window"
    if params.windows and channel is None and not (params.opens or params.closes):
        return _missing(code, "channel")
    window = params.windows.get(channel or "", {"opens": params.opens, "closes": params.closes})
    opens, closes = window.get("opens"), window.get("closes")
    if opens is None and closes is None:
        return _passed(code, "未规定申报时间（以申报通知为准）")
    span = f"{opens or '—'}至{closes or '—'}"
    if opens and on < opens:
        return _violated(code, f"申报时间为{span}，{on}尚未开始")
    if closes and on > closes:
        return _violated(code, f"申报时间为{span}，{on}已截止")
    return _passed(code, f"在申报时间{span}内")


class ChannelParams(Params):
    channels: list[ChannelCode] | None = None
    employment: dict[str, list[Literal["employed", "freelance", "retired"]]] = Field(
        default_factory=dict
    )
    labels: dict[str, str] = Field(default_factory=dict)


@register("channel_allowed", ChannelParams)
def channel_allowed(facts, params: ChannelParams, *, on, channel) -> CheckResult:
    """The channel is one the programme accepts, and open to the applicant's employment.

    `channels`, `employment` and `labels` are filled by `evaluate` from the rule set's channels
    when the rule leaves them out. 沪松人社规〔2024〕1号 四(二) (单位推荐、专家或社会团体举荐、
    个人自荐); 市中政办字〔2020〕33号 第八条 (自由职业者由所在地镇街人社所推荐).
    """
    code = "channel_allowed"
    labels = {**CHANNEL_LABELS, **params.labels}
    if channel is None:
        return _missing(code, "channel")
    accepted = params.channels if params.channels is not None else list(CHANNEL_LABELS)
    if channel not in accepted:
        return _violated(
            code,
            f"本项目不接受“{labels.get(channel, channel)}”（可用：{_labels(accepted, labels)}）",
        )
    allowed = params.employment.get(channel)
    if allowed:
        if facts.employment is None:
            return _missing(code, "employment")
        if facts.employment not in allowed:
            have = EMPLOYMENT_LABELS[facts.employment]
            return _violated(
                code,
                f"“{labels.get(channel, channel)}”仅适用于{_labels(allowed, EMPLOYMENT_LABELS)}人员（现为{have}）",
            )
    return _passed(code, f"推荐渠道：{labels.get(channel, channel)}")


@register("front_line")
def front_line(facts, params: NoParams, *, on, channel) -> CheckResult:
    """Works on the front line (在一线岗位上直接从事技术技能工作).

    市中政办字〔2020〕33号 第六条; 上海工匠 2024 通知 一 (应在一线从事生产、技术、研发等工作);
    青人社〔2020〕54号 三(一)1 (the project leader).
    """
    return _flag(
        "front_line", facts, "front_line", held="在一线岗位工作", not_held="不在一线岗位工作"
    )


@register("local_title")
def local_title(facts, params: NoParams, *, on, channel) -> CheckResult:
    """Holds a craftsman title of the district, system or industry.

    上海工匠 2024 通知 五(二): 未获得本地区（系统、行业）工匠的候选人原则上不得作为推荐对象.
    """
    return _flag(
        "local_title",
        facts,
        "local_craftsman_title",
        held="已获得本地区（系统、行业）工匠称号",
        not_held="未获得本地区（系统、行业）工匠称号，原则上不得作为推荐对象",
    )
