"""The declaration's panels on 我的工作台: the applicant's applications, the unit's queue."""

from __future__ import annotations

from django.urls import reverse

from applications.models import Application
from applications.nomination import awaits_unit
from applications.permissions import own_applications, unit_applications
from portal.models import Role
from portal.workbench import register_panel


def applicant_panel(user) -> dict:
    items = []
    for application in own_applications(user).select_related("round").order_by("-updated_at")[:10]:
        asked = {
            Application.Status.DRAFT: "尚未提交，请填写完整后提交",
            Application.Status.RETURNED: "被退回修改，请按意见修改后重新提交",
        }.get(application.status, "")
        url_name = (
            "applications:edit"
            if application.status in (Application.Status.DRAFT, Application.Status.RETURNED)
            else "applications:detail"
        )
        items.append(
            {
                "label": application.round.name,
                "status": application.get_status_display(),
                "note": asked,
                "url": reverse(url_name, args=[application.pk]),
            }
        )
    return {"links": [("我的申报", reverse("applications:mine"))], "items": items}


def unit_hr_panel(user) -> dict:
    waiting = sum(
        1
        for application in unit_applications(user)
        .filter(status=Application.Status.IN_REVIEW)
        .select_related("round__version")
        if awaits_unit(application)
    )
    items = []
    if waiting:
        items.append(
            {
                "label": "待单位办理的推荐",
                "status": f"{waiting} 件",
                "note": "",
                "url": reverse("applications:unit_nominations"),
            }
        )
    return {"links": [("单位推荐", reverse("applications:unit_nominations"))], "items": items}


def register() -> None:
    register_panel(Role.APPLICANT, applicant_panel)
    register_panel(Role.APPLICANT_ORG, applicant_panel)
    register_panel(Role.UNIT_HR, unit_hr_panel)
