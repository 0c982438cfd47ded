"""What changed between two rule sets, in words: conditions, stages, score items, amounts, dates.

`describe(old, new)` compares two parsed rule sets section by section. Lists whose items carry a
`code` (checks, channels, stages, score items, schedules, assessments …) are matched by code, so
a condition added, removed or changed is named as such, with its old and new parameters; other
values are compared as they are. Used by `manage.py diff_ruleset` and by the office's rules page
(`/programmes/<code>/rules/<n>/`). Pure: no database, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from programmes.ruleset import RuleSet

SECTIONS = {
    "identity": "基本信息",
    "form": "申报表",
    "eligibility": "申报条件",
    "workflow": "流程",
    "scoring": "评审与名额",
    "benefits": "待遇",
    "assessments": "考核",
    "adjustments": "中止与撤销",
}

# Chinese names of the keys staff change most; any other key is shown as it is written.
KEYS = {
    "in_force_from": "施行日期",
    "in_force_until": "失效日期",
    "in_force_source": "施行依据",
    "document_number": "文号",
    "document_title": "文件名称",
    "issued_on": "发布日期",
    "name_zh": "项目名称",
    "checks": "资格检查",
    "conditions": "条件",
    "channels": "推荐渠道",
    "internal_publicity": "单位内部公示",
    "stages": "流程阶段",
    "kind": "类型",
    "role": "办理角色",
    "scope": "办理范围",
    "outcomes": "办理结果",
    "title": "名称",
    "days": "天数",
    "working_days": "工作日",
    "deadline_working_days": "办理时限（工作日）",
    "severity": "判定",
    "params": "参数",
    "cap_per_unit": "每单位推荐人数上限",
    "cap_severity": "超出上限的判定",
    "window": "申报时间",
    "opens": "开始",
    "closes": "截止",
    "quota": "名额",
    "count": "人数",
    "period_years": "周期（年）",
    "total": "总分",
    "aggregation": "计分方式",
    "indicators": "评分指标",
    "items": "评分项",
    "max_points": "最高分",
    "term_months": "享受期（月）",
    "schedules": "发放项目",
    "amount": "金额",
    "amounts_by_level": "分级金额",
    "payee": "收款方",
    "funding": "资金来源",
    "max_times": "最多次数",
    "sections": "栏目",
    "checklist": "材料清单",
    "required": "必须",
    "source": "依据条款",
    "label": "名称",
}

SEVERITIES = {"fail": "不符合即不予受理", "warn": "需书面说明"}


@dataclass(frozen=True)
class Change:
    """One difference: its section, what it is (in words), and the old and new value as text."""

    section: str
    what: str
    old: str = ""
    new: str = ""

    @property
    def text(self) -> str:
        if self.old and self.new:
            return f"{self.section}：{self.what}：{self.old} → {self.new}"
        if self.new:
            return f"{self.section}：新增{self.what}：{self.new}"
        if self.old:
            return f"{self.section}：删除{self.what}：{self.old}"
        return f"{self.section}：{self.what}"


def _key(name: str) -> str:
    return KEYS.get(name, name)


def _shown(value: Any) -> str:
    """A value as staff read it."""
    if value is None:
        return "（无）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        return SEVERITIES.get(value, value)
    if isinstance(value, dict):
        return "，".join(f"{_key(k)} {_shown(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(_shown(v) for v in value) or "（无）"
    return str(value)


def _name(item: dict) -> str:
    """How an item of a keyed list is named: its title or label, else its code."""
    label = item.get("title") or item.get("label") or item.get("name")
    code = item.get("code")
    if label and code and label != code:
        return f"“{label}”"
    return f"“{label or code}”"


def _summary(item: dict) -> str:
    keep = {
        k: v
        for k, v in item.items()
        if k not in ("code", "title", "label", "description", "source", "message")
        and v not in (None, [], {})
    }
    text = _shown(keep) if keep else ""
    source = item.get("source")
    return f"{text}（{source}）" if source and text else (f"（{source}）" if source else text)


def _keyed(values: Any) -> bool:
    return (
        isinstance(values, list)
        and bool(values)
        and all(isinstance(v, dict) and "code" in v for v in values)
    )


def _compare(section: str, path: str, old: Any, new: Any, out: list[Change]) -> None:
    if old == new:
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for name in [*old, *(k for k in new if k not in old)]:
            where = f"{path}{_key(name)}" if not path else f"{path}的{_key(name)}"
            _compare(section, where, old.get(name), new.get(name), out)
        return
    if _keyed(old) or _keyed(new):
        before = {v["code"]: v for v in old or []}
        after = {v["code"]: v for v in new or []}
        noun = path or "项目"
        for code, item in before.items():
            if code not in after:
                out.append(Change(section, f"{noun}{_name(item)}", old=_summary(item) or "—"))
        for code, item in after.items():
            if code not in before:
                out.append(Change(section, f"{noun}{_name(item)}", new=_summary(item) or "—"))
            else:
                _compare(section, f"{noun}{_name(item)}", before[code], item, out)
        if [c for c in before if c in after] != [c for c in after if c in before]:
            out.append(Change(section, f"{noun}的顺序", old="原顺序", new="新顺序"))
        return
    out.append(Change(section, path or "内容", old=_shown(old), new=_shown(new)))


def describe(old: RuleSet, new: RuleSet) -> list[Change]:
    """Every difference between two rule sets, section by section, in words."""
    before, after = old.model_dump(mode="json"), new.model_dump(mode="json")
    changes: list[Change] = []
    for key in [*before, *(k for k in after if k not in before)]:
        if key in ("schema_version", "not_encoded"):
            continue
        section = SECTIONS.get(key, key)
        _compare(section, "", before.get(key), after.get(key), changes)
    return changes
