"""What every review page shares: the role check (403) and the link to an uploaded file."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from portal.models import Role
from portal.roles import has_role

QUEUE_ROLES = (
    Role.STREET_REVIEWER,
    Role.DEPARTMENT_REVIEWER,
    Role.UNION_REVIEWER,
    Role.DISTRICT_OFFICE,
    Role.SYSTEM_ADMIN,
)


def _require_role(user, *roles):
    if not has_role(user, *roles):
        raise PermissionDenied(_("您没有访问该页面的权限。"))


def attachment_url(attachment) -> str | None:
    try:
        return reverse("applications:attachment", args=[attachment.pk])
    except NoReverseMatch:
        return None
