"""Findings about an application that bar later rounds (the rule set's `bans`)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from applications.models import Application, ApplicationEvent, Finding
from reviews.permissions import ruleset_of
from reviews.services.base import ReviewError, _locked, _require_organiser


@transaction.atomic
def record_finding(*, application: Application, rule: str, against: str, found_on, note: str, by):
    """The office records a finding about an application (上海工匠 五(三): false information;
    市中 第十四条(三): the unit at fault); later rounds' eligibility refuses by the rule set's
    `bans`."""
    locked = _locked(application)
    _require_organiser(by, locked)
    ruleset = ruleset_of(locked)
    ban = next((b for b in ruleset.bans if b.code == rule), None)
    if ban is None:
        raise ReviewError(_("本项目的规则中没有该认定事项。"))
    if against not in ban.barred:
        raise ReviewError(_("该认定事项不针对这一对象。"))
    if against == Finding.Against.UNIT and not locked.unit_id:
        raise ReviewError(_("该申报没有所在单位。"))
    if not note.strip():
        raise ReviewError(_("请写明认定情况。"))
    finding = Finding.objects.create(
        programme=locked.round.version.programme,
        rule=rule,
        against=against,
        person=locked.applicant if against == Finding.Against.PERSON else None,
        unit=locked.unit if against == Finding.Against.UNIT else None,
        application=locked,
        found_on=found_on,
        note=note.strip(),
        recorded_by=by,
    )
    ApplicationEvent.record(
        locked,
        by=by,
        action="finding_recorded",
        internal_note=_("%(label)s（%(source)s）：%(note)s")
        % {"label": ban.label, "source": ban.source, "note": finding.note},
    )
    return finding
