"""The shared vocabulary of the rule sets: channels, unit kinds and stage kinds, one label each.

Every list of these codes in the portal is imported from here (the rule-set schema, the facts,
the eligibility checks, `simulate`, the application's channel choices), so a code and its
Chinese label are written once.

Labels follow the policy texts' words: 沪松人社规〔2024〕1号 四(二) names the channels
"单位推荐、专家或社会团体举荐、个人自荐" (举荐, not 推荐, for experts and groups); the 2024
上海工匠 notice "单位推荐、社团推荐、个人自荐" (社团推荐).
"""

from __future__ import annotations

from typing import Literal

# How a candidate is put forward (推荐方式).
CHANNEL_LABELS: dict[str, str] = {
    "unit": "单位推荐",
    "expert_or_group": "专家或社会团体举荐",
    "self": "个人自荐",
    "union": "工会推荐",
    "social_org": "社团推荐",
}
CHANNELS: tuple[str, ...] = tuple(CHANNEL_LABELS)

# What kind of organisation a unit is (the `unit_kind` fact and `organisation.kind`).
UNIT_KIND_LABELS: dict[str, str] = {
    "enterprise": "企业",
    "public_institution": "事业单位",
    "vocational_college": "职业院校",
    "training_institution": "社会培训机构",
    "industrial_park": "产业园区",
    "industry_association": "行业协会",
    "social_org": "社会团体",
    "other": "其他",
}
UNIT_KINDS: tuple[str, ...] = tuple(UNIT_KIND_LABELS)

# What a workflow stage does (`workflow.stages[].kind`); each stage also has its own name.
STAGE_KIND_LABELS: dict[str, str] = {
    "nomination": "申报推荐",
    "internal_publicity": "内部公示",
    "unit_review": "单位审核",
    "street_review": "街镇初审",
    "department_review": "主管部门初审",
    "qualification_review": "资格审核",
    "interview": "面试",
    "material_review": "材料初审",
    "group_approval": "协调小组审核",
    "expert_review": "专家评审",
    "expert_scoring": "专家评分",
    "release_meeting": "评审发布会",
    "credit_check": "信用核查",
    "publicity": "社会公示",
    "inspection": "实地考察",
    "final_approval": "审定",
    "naming": "命名公布",
}
STAGE_KINDS: tuple[str, ...] = tuple(STAGE_KIND_LABELS)
# Stages that are a publicity period (working days, objections).
PUBLICITY_KINDS = ("publicity", "internal_publicity")

# The same codes as types, for the pydantic models of the rule set and the facts.
ChannelCode = Literal[CHANNELS]  # type: ignore[valid-type]
UnitKind = Literal[UNIT_KINDS]  # type: ignore[valid-type]
StageKind = Literal[STAGE_KINDS]  # type: ignore[valid-type]

__all__ = [
    "CHANNELS",
    "CHANNEL_LABELS",
    "PUBLICITY_KINDS",
    "STAGE_KINDS",
    "STAGE_KIND_LABELS",
    "UNIT_KINDS",
    "UNIT_KIND_LABELS",
    "ChannelCode",
    "StageKind",
    "UnitKind",
]
