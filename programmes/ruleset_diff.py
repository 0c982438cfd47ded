"""What changed between two rule sets, in Chinese: conditions, stages, amounts, dates.

Pure: two parsed rule sets (programmes.ruleset.RuleSet) in, a list of `Change` out. Items of a
list that carry a `code` (checks, channels, stages, schedules, rounds, bans ...) are matched by
their code, so a new stage reads "新增阶段", not a shifted list. `manage.py diff_ruleset` prints
these; a rules page can show the same list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

AREAS = {
    "identity": "文件与日期",
    "eligibility": "申报条件",
    "workflow": "流程阶段",
    "scoring": "评审评分",
    "benefits": "待遇金额",
    "assessments": "考核",
    "adjustments": "暂停与撤销",
    "rounds": "批次规则",
    "bans": "禁止申报",
    "form": "申报表",
    "not_encoded": "未编码条款",
}
ITEM_NAMES = {
    "checks": "条件",
    "channels": "推荐渠道",
    "conditions": "专业条件",
    "stages": "阶段",
    "schedules": "发放项目",
    "indicators": "评分指标",
    "items": "评分项",
    "sections": "表单分节",
    "fields": "字段",
    "columns": "列",
    "checklist": "材料",
    "rounds": "批次规则",
    "bans": "禁止申报事项",
}
FIELD_NAMES = {
    "amount": "金额",
    "amounts_by_level": "按级别金额",
    "working_days": "工作日数",
    "days": "天数",
    "in_force_from": "施行日期",
    "in_force_until": "有效期至",
    "in_force_source": "有效期依据",
    "issued_on": "发文日期",
    "document_number": "文号",
    "opens": "开始日期",
    "closes": "截止日期",
    "quarter": "季度",
    "window": "申报时间",
    "params": "参数",
    "severity": "结果等级",
    "cap_per_unit": "每单位推荐名额",
    "term_months": "期限（月）",
    "title": "名称",
    "label": "名称",
    "role": "办理角色",
    "kind": "类型",
    "outcomes": "允许的结论",
    "channels": "适用渠道",
    "applies_to": "适用对象",
    "source": "依据条款",
    "value": "取值",
    "years": "年限",
    "max_points": "满分",
    "count": "名额",
    "quota": "名额",
}


@dataclass(frozen=True)
class Change:
    area: str  # the Chinese heading (AREAS)
    path: str  # where in the rule set, e.g. workflow.stages[publicity].working_days
    text: str  # one Chinese line


def ruleset_diff(old, new) -> list[Change]:
    """The changes from rule set `old` to `new` (parsed RuleSets), in the order of the file."""
    a = old.model_dump(mode="json", exclude_none=True)
    b = new.model_dump(mode="json", exclude_none=True)
    changes: list[Change] = []
    for key in list(dict.fromkeys([*a, *b])):
        if key == "schema_version":
            continue
        area = AREAS.get(key, key)
        _compare(a.get(key), b.get(key), key, area, changes, label=area)
    return changes


def _show(value: Any) -> str:
    if value is None:
        return "（无）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        return "、".join(str(v) for v in value) or "（空）"
    if isinstance(value, dict) and all(not isinstance(v, dict | list) for v in value.values()):
        return "，".join(f"{FIELD_NAMES.get(k, k)} {_show(v)}" for k, v in value.items())
    return str(value)


def _name(item: dict) -> str:
    title = item.get("title") or item.get("label")
    code = item.get("code") or item.get("rule")
    return f"{code}（{title}）" if title and code else str(code or title)


def _keyed(items: list) -> dict | None:
    if not items or not all(isinstance(i, dict) and ("code" in i or "rule" in i) for i in items):
        return None
    keys = [i.get("code", i.get("rule")) for i in items]
    if len(set(keys)) != len(keys):
        return None
    return dict(zip(keys, items, strict=True))


def _compare(old, new, path: str, area: str, out: list[Change], *, label: str) -> None:
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in list(dict.fromkeys([*old, *new])):
            # a list of items names its items itself (新增阶段 …): no heading for the list
            inner = label if key in ITEM_NAMES else f"{label}·{FIELD_NAMES.get(key, key)}"
            _compare(old.get(key), new.get(key), f"{path}.{key}", area, out, label=inner)
        return
    if isinstance(old, list) and isinstance(new, list):
        before, after = _keyed(old), _keyed(new)
        if before is not None and after is not None:
            what = ITEM_NAMES.get(path.rsplit(".", 1)[-1], "项目")
            for code, item in after.items():
                if code not in before:
                    out.append(
                        Change(area, f"{path}[{code}]", f"{label}：新增{what} {_name(item)}")
                    )
            for code, item in before.items():
                if code not in after:
                    out.append(
                        Change(area, f"{path}[{code}]", f"{label}：删除{what} {_name(item)}")
                    )
            for code, item in after.items():
                if code in before:
                    _compare(
                        before[code], item, f"{path}[{code}]", area, out,
                        label=f"{label}·{what} {_name(item)}",
                    )  # fmt: skip
            common_old = [c for c in before if c in after]
            common_new = [c for c in after if c in before]
            if common_old != common_new:
                out.append(
                    Change(
                        area, path, f"{label}：顺序由 {_show(common_old)} 改为 {_show(common_new)}"
                    )
                )
            return
    if old is None:
        out.append(Change(area, path, f"{label}：新增 {_show(new)}"))
    elif new is None:
        out.append(Change(area, path, f"{label}：删除（原为 {_show(old)}）"))
    else:
        out.append(Change(area, path, f"{label}：{_show(old)} → {_show(new)}"))


def describe(changes: list[Change]) -> list[str]:
    """The changes as lines under their area's heading."""
    if not changes:
        return ["两个规则集的内容相同。"]
    lines: list[str] = []
    current = None
    for change in changes:
        if change.area != current:
            current = change.area
            lines.append(f"【{current}】")
        lines.append(f"  {change.text}")
    return lines
