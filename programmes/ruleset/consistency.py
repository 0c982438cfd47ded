"""The checks of a rule set that span keys or sections (run once the schema holds)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from programmes.benefit_rules import check_references
from programmes.eligibility import REGISTRY, validate_params
from programmes.facts import FACT_NAMES, FACT_VALUES, ORGANISATION_FACT_NAMES
from programmes.ruleset.base import (
    CHOICE_TYPES,
    _repeated,
)

if TYPE_CHECKING:
    from programmes.ruleset.form import FormField
    from programmes.ruleset.schema import RuleSet, Scoring


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
