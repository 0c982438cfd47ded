"""Chinese labels for the codes of the rule sets and the schedule functions."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from subsidies.reconciliation import RECOVERY_PREFIX
from subsidies.services import OTHER_BENEFITS, OTHER_TITLES

register = template.Library()

ORGANISERS = {
    "unit": _("所在单位"),
    "industry_authority": _("行业主管部门或街镇"),
    "street": _("街镇"),
    "district_office": _("区人社局"),
    "third_party": _("第三方机构"),
    "talent_leading_group": _("人才工作领导小组"),
}
RESULTS = {"pass": _("合格"), "fail": _("不合格"), "good": _("良好"), "excellent": _("优秀")}
BENEFITS = {
    "not_started": _("未开始"),
    "paying": _("发放中"),
    "stopped": _("已停发"),
    "completed": _("已发放完毕"),
}
FIELD_VALUES = {
    **RESULTS,
    **OTHER_BENEFITS,
    **OTHER_TITLES,
    "city": _("市级"),
    "district": _("区级"),
}


@register.filter
def schedule_label(kind: str, award) -> str:
    """The label of a payment kind in the award's rule set (追回：… for a recovery)."""
    prefix = ""
    if kind.startswith(RECOVERY_PREFIX):
        prefix, kind = str(_("追回：")), kind.removeprefix(RECOVERY_PREFIX)
    for schedule in award.ruleset_version.ruleset.benefits.schedules:
        if schedule.code == kind:
            return prefix + schedule.label
    return prefix + kind


@register.filter
def assessment_label(code: str, award) -> str:
    for rule in award.ruleset_version.ruleset.assessments:
        if rule.code == code:
            return rule.label
    return code


@register.filter
def organiser_label(code: str) -> str:
    return ORGANISERS.get(code, code)


@register.filter
def result_label(code: str) -> str:
    return RESULTS.get(code, code)


@register.filter
def benefits_label(code: str) -> str:
    return BENEFITS.get(code, code)


@register.filter
def field_value(value):
    return FIELD_VALUES.get(value, value) if isinstance(value, str) else value


@register.filter
def add_money(value, other):
    """The sum of two amounts (recovered on reconciliation plus ordered back)."""
    return value + other
