"""What every award service shares: the other benefits and titles, the error, who is told."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from portal.models import Role, RoleAssignment
from subsidies.models import (
    Award,
)

# Other benefits and titles a person may hold (rule sets' `no_double_benefit.comparable` and
# `stops_on_other_title.titles`), with the labels the office sees.
OTHER_BENEFITS = {
    "district_leading_talent": gettext_lazy("区领军人才"),
    "district_top_talent": gettext_lazy("区拔尖人才"),
    "chief_teacher": gettext_lazy("首席教师"),
    "chief_doctor": gettext_lazy("首席医师"),
    "young_talent": gettext_lazy("青年英才"),
    "similar_district_high_skill_subsidy": gettext_lazy("区级同类高技能人才资助"),
}
OTHER_TITLES = {"city_chief_technician": gettext_lazy("市级首席技师")}


class AwardError(ValueError):
    """A change that cannot be made; the message says why, in Chinese, for the user."""


def _recipients(award: Award, *, office: bool = False) -> list:
    """The awardee, the unit's HR (and the district office): accounts, told by every channel
    they have (portal.notifications: in-app, mail or SMS)."""
    people = []
    if award.person_id:
        people.append(award.person)
    if award.unit_id:
        people.extend(
            a.user
            for a in RoleAssignment.objects.filter(
                role=Role.UNIT_HR, unit_id=award.unit_id
            ).select_related("user")
        )
    if office:
        people.extend(
            a.user
            for a in RoleAssignment.objects.filter(
                role=Role.DISTRICT_OFFICE,
                authority_id=award.ruleset_version.programme.authority_id,
            ).select_related("user")
        )
    return people
