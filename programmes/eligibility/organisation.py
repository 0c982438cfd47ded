"""The checks of an organisation applicant (district, kind, conditions)."""

from __future__ import annotations

from pydantic import Field

from programmes.eligibility.personal import ConditionParams, DistrictsParams, _conditions
from programmes.eligibility.registry import (
    DISTRICT_LABELS,
    CheckResult,
    Params,
    _labels,
    _missing,
    _passed,
    _violated,
    register,
)
from programmes.vocab import UNIT_KIND_LABELS, UnitKind

# --- organisation checks -------------------------------------------------------------------


@register("organisation_district", DistrictsParams)
def organisation_district(facts, params: DistrictsParams, *, on, channel) -> CheckResult:
    """The applying organisation is in one of `districts`.

    沪松人社〔2024〕9号 二 (本区重点企业、产业园区、职业院校、行业协会); 青人社〔2020〕54号 一、六(一).
    """
    code = "organisation_district"
    if facts.organisation is None:
        return _missing(code, "organisation")
    if facts.organisation.district is None:
        return _missing(code, "organisation.district")
    wanted = _labels(params.districts, DISTRICT_LABELS)
    if facts.organisation.district in params.districts:
        return _passed(code, f"申报单位在{wanted}")
    have = DISTRICT_LABELS.get(facts.organisation.district, facts.organisation.district)
    return _violated(code, f"申报单位不在{wanted}（现为{have}）")


class KindsParams(Params):
    allowed: list[UnitKind] = Field(min_length=1)


@register("organisation_kind", KindsParams)
def organisation_kind(facts, params: KindsParams, *, on, channel) -> CheckResult:
    """The applying organisation is of one of the `allowed` kinds.

    沪松人社〔2024〕9号 二 (重点企业、产业园区、职业院校、行业协会); 青人社〔2020〕54号 六(一)
    (企业、职业院校或社会培训机构).
    """
    code = "organisation_kind"
    if facts.organisation is None:
        return _missing(code, "organisation")
    have = UNIT_KIND_LABELS[facts.organisation.kind]
    if facts.organisation.kind in params.allowed:
        return _passed(code, f"申报单位类型为{have}")
    wanted = _labels(params.allowed, UNIT_KIND_LABELS)
    return _violated(code, f"申报单位应为{wanted}（现为{have}）")


@register("organisation_condition", ConditionParams)
def organisation_condition(facts, params: ConditionParams, *, on, channel) -> CheckResult:
    """The applying organisation meets one (`any_of`) or all (`all_of`) of the given conditions.

    沪松人社〔2024〕9号 二1-5; 青人社〔2020〕54号 六(一)1-4. Codes and labels are defined in the
    rule set (`eligibility.conditions`); the organisation states the ones it meets.
    """
    code = "organisation_condition"
    if facts.organisation is None:
        return _missing(code, "organisation")
    if facts.organisation.conditions is None:
        return _missing(code, "organisation.conditions")
    return _conditions(code, facts.organisation.conditions, params, "申报条件")
