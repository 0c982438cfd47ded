"""The role-aware navigation shown on every page."""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from portal.models import Role
from portal.notifications import unread_count
from portal.roles import is_staff_member, ordered_roles, role_codes

# (role, label, url name) in the order the menu shows them; later issues add entries here.
NAVIGATION: list[tuple[str, str, str]] = [
    (Role.APPLICANT, "我的申报", "applications:mine"),
    (Role.APPLICANT_ORG, "单位申报", "applications:mine"),
    (Role.UNIT_HR, "单位推荐", "applications:unit_nominations"),
    (Role.STREET_REVIEWER, "街镇初审", "reviews:queue"),
    (Role.DEPARTMENT_REVIEWER, "部门审核", "reviews:queue"),
    (Role.UNION_REVIEWER, "资格审查", "reviews:queue"),
    (Role.DISTRICT_OFFICE, "审核工作", "reviews:queue"),
    (Role.DISTRICT_OFFICE, "评审组织", "reviews:office_rounds"),
    (Role.DISTRICT_OFFICE, "统计分析", "statistics"),
    (Role.SYSTEM_ADMIN, "统计分析", "statistics"),
    (Role.STREET_REVIEWER, "统计分析", "statistics"),
    (Role.DEPARTMENT_REVIEWER, "统计分析", "statistics"),
    (Role.UNION_REVIEWER, "统计分析", "statistics"),
    (Role.FINANCE, "统计分析", "statistics"),
    (Role.EXPERT, "专家评审", "reviews:expert_queue"),
    (Role.DISTRICT_OFFICE, "待遇与考核", "subsidies:awards"),
    (Role.FINANCE, "资金发放", "subsidies:batches"),
    (Role.DISTRICT_OFFICE, "申报表导出", "pdf_batches:list"),
    (Role.STREET_REVIEWER, "申报表导出", "pdf_batches:list"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_roles": [], "nav_unread_messages": 0}
    codes = role_codes(user)
    items, seen = [], set()
    for role, label, url_name in NAVIGATION:
        if role not in codes:
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        if url in seen:
            continue
        seen.add(url)
        items.append({"label": label, "url": url})
    role_labels = [Role(code).label for code in ordered_roles(codes)]

    return {
        "nav_unread_messages": unread_count(user),
        "mfa_off_banner": not settings.STAFF_MFA_REQUIRED and is_staff_member(user),
        "nav_items": items,
        "nav_roles": role_labels,
        "nav_is_staff_site": bool(codes - {Role.APPLICANT, Role.APPLICANT_ORG, Role.UNIT_HR}),
    }
