"""Chinese labels for the codes of the rule sets and the schedule functions."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from subsidies import periods
from subsidies.reconciliation import RECOVERY_PREFIX
from subsidies.services import OTHER_BENEFITS, OTHER_TITLES, adjustment_reasons

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


@register.filter
def period_label(period: str) -> str:
    return periods.period_label(period)


@register.filter
def event_summary(event, award) -> str:
    """What an award event's recorded fields say, in Chinese (never the codes)."""
    fields = event.fields or {}
    parts = []
    if "code" in fields:
        parts.append(
            f"{assessment_label(fields['code'], award)}：{result_label(fields.get('result', ''))}"
        )
        if fields.get("unit_at_fault"):
            parts.append(str(_("单位负有责任")))
        if fields.get("after_rectification"):
            parts.append(str(_("整改后")))
    if "reason" in fields:
        reasons = adjustment_reasons(award, event.kind)
        code = fields["reason"]
        parts.append(str(reasons.get(code) or (_("其他原因") if code == "other" else code)))
    if "level" in fields:
        parts.append(str(field_value(fields["level"])))
    if "name" in fields:
        name = str(field_value(fields["name"]))
        if fields.get("monthly_amount"):
            name += str(_("，每月%(amount)s元") % {"amount": fields["monthly_amount"]})
        parts.append(name)
    if "document_number" in fields:
        parts.append(str(_("文号：%(n)s") % {"n": fields["document_number"]}))
    if "amount" in fields and "payments" in fields:
        parts.append(str(_("追回%(amount)s元") % {"amount": fields["amount"]}))
    return "；".join(p for p in parts if p)
