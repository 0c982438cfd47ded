"""What each role sees first on 我的工作台. Apps register a panel per role here."""

from __future__ import annotations

from collections.abc import Callable

from portal.models import Role

# role -> callable(user) -> dict(title, description, links=[(label, url)], items=[...])
PANEL_PROVIDERS: dict[str, list[Callable]] = {}

DEFAULT_PANELS = {
    Role.APPLICANT: ("申报人", "选择开放中的申报批次，在线填写申报表，上传材料并提交。"),
    Role.APPLICANT_ORG: ("申报单位", "以单位名义申报培养基地或首席技师资助项目。"),
    Role.UNIT_HR: ("单位人事", "推荐本单位人员，记录集体讨论和单位内部公示情况。"),
    Role.STREET_REVIEWER: ("街镇审核", "核对原件与复印件，出具街镇推荐意见。"),
    Role.DEPARTMENT_REVIEWER: ("主管部门审核", "审核本系统事业单位人员的申报材料。"),
    Role.UNION_REVIEWER: ("工会资格审查", "上海工匠申报人的资格审查与自荐人选面试。"),
    Role.DISTRICT_OFFICE: ("区人社局", "材料审核、专家评审、信用审查、公示、命名、待遇与考核。"),
    Role.EXPERT: ("评审专家", "按评分表为分配给您的申报人评分，如有利害关系请申明回避。"),
    Role.FINANCE: ("财务", "审核并导出当月（年度）待遇发放批次。"),
    Role.SYSTEM_ADMIN: ("系统管理", "管理账号、组织机构、规则版本和日历。"),
}


def register_panel(role: str, provider: Callable) -> None:
    PANEL_PROVIDERS.setdefault(role, []).append(provider)


def panels_for(user, codes) -> list[dict]:
    panels = []
    for code in codes:
        title, description = DEFAULT_PANELS[code]
        panel = {"role": code, "title": title, "description": description, "links": [], "items": []}
        for provider in PANEL_PROVIDERS.get(code, []):
            extra = provider(user) or {}
            panel["links"].extend(extra.get("links", []))
            panel["items"].extend(extra.get("items", []))
        if code == Role.SYSTEM_ADMIN or (
            code in (Role.DISTRICT_OFFICE, Role.UNION_REVIEWER) and user.is_staff
        ):
            panel["links"].append(("管理后台", "/admin/"))
        panels.append(panel)
    return panels
