"""Naming: an award from a named application (or without one), its payees and its notice."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from applications.models import Application
from portal.notifications import notify
from subsidies import ledger, schedules
from subsidies.models import (
    Award,
    AwardEvent,
)
from subsidies.services.common import AwardError, _recipients
from subsidies.services.facts import _sync_assessments

# --- naming --------------------------------------------------------------------------------


def _award_name(application, kind: str, payees: dict) -> str:
    applicant = payees.get("person_name") or application.applicant.display_name
    if kind == "organisation" and application.unit_id:
        return application.unit.name
    if kind == "project" and application.unit_id:
        return f"{application.unit.name}·{applicant}"
    return applicant


def payees_of(application, ruleset, data: dict) -> dict:
    """The person paid, as the rule set names them (Award's person_* fields).

    With `benefits.person_payee` (青人社〔2020〕54号 五(一)2: the project leader), the person named
    in that section of the declaration with their ID number and bank account; else the
    applicant who signs in (an organisation's award pays no person).
    """
    rule = ruleset.benefits.person_payee
    if rule is None:
        if ruleset.identity.applicant_kind == "organisation":
            return {}
        applicant = application.applicant
        return {
            "person_name": applicant.display_name,
            "person_id_number": applicant.id_number or "",
        }
    section = data.get(rule.section) or {}
    values = {
        "person_name": str(section.get(rule.name) or "").strip(),
        "person_id_number": str(section.get(rule.id_number) or "").strip().upper(),
        "person_bank": str(section.get(rule.bank) or "").strip(),
        "person_account": str(section.get(rule.account) or "").strip(),
    }
    # Incomplete (a declaration made before the form asked for the bank): the award is named,
    # its page says what is missing, and finance cannot approve a batch paying no one.
    return values


def payee_missing(award: Award) -> bool:
    """Whether a payment to the award's person would not know whom it pays.

    The person's name and ID number always; the bank account too where the rule set names the
    person from the declaration (青人社〔2020〕54号 五(一)2: the leader's own account).
    """
    person = award.person
    name = award.person_name or (person.display_name if person else "")
    id_number = award.person_id_number or ((person.id_number or "") if person else "")
    if not name or not id_number:
        return True
    return award.ruleset_version.ruleset.benefits.person_payee is not None and not (
        award.person_bank and award.person_account
    )


def create_award(*, application, document_number: str, named_on: date, by) -> Award:
    """Name an application: its award with the term, its assessments, notices after commit.

    Called by naming (reviews). The payees: the person the rule set names (the applicant, or
    for a Qingpu project the leader named in the declaration, with ID number and bank account:
    青人社〔2020〕54号 五(一)2; never the organisation's login) and the application's unit for
    unit payments; an organisation's award has no person.
    沪松人社规〔2024〕1号 五(二); 青人社〔2020〕54号 七; 市中政办字〔2020〕33号 第四条.
    """
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("round__version__programme", "applicant", "unit")
            .get(pk=application.pk)
        )
        if Award.objects.filter(application=application).exists():
            raise AwardError(_("该申报已命名，不能重复命名。"))
        latest = application.versions.order_by("-number").first()
        version = latest.ruleset_version if latest else application.round.version
        ruleset = version.ruleset
        kind = ruleset.identity.applicant_kind
        payees = payees_of(application, ruleset, latest.data if latest else application.data)
        # The login of an organisation is never the person paid.
        person = application.applicant if kind == "person" else None
        return name_award(
            version=version,
            name=_award_name(application, kind, payees),
            person=person,
            unit=application.unit,
            document_number=document_number,
            named_on=named_on,
            by=by,
            application=application,
            banks=payees,
        )


def name_award(
    *,
    version,
    name: str,
    person,
    unit,
    document_number: str,
    named_on: date,
    by,
    application=None,
    banks: dict | None = None,
) -> Award:
    """An award without going through a declaration (imported awards, the demo) or with one.

    `banks`: the payees' fields (person_name, person_id_number, person_bank, person_account,
    unit_bank, unit_account); a person's name and ID number default to the person's account.
    """
    banks = dict(banks or {})
    if person is not None:
        banks.setdefault("person_name", person.display_name)
        banks.setdefault("person_id_number", person.id_number or "")
    if not document_number.strip():
        raise AwardError(_("请填写命名文号。"))
    ruleset = version.ruleset
    start, end = schedules.term(ruleset.benefits, named_on)
    with transaction.atomic():
        award = Award.objects.create(
            application=application,
            ruleset_version=version,
            district=ruleset.identity.district,
            name=name,
            person=person,
            unit=unit,
            document_number=document_number.strip(),
            named_on=named_on,
            term_start=start,
            term_end=end,
            **banks,
        )
        AwardEvent.objects.create(
            award=award,
            date=named_on,
            kind=AwardEvent.Kind.NAMED,
            fields={"document_number": award.document_number},
            recorded_by=by,
        )
        _sync_assessments(award, ruleset, ledger.award_events(award, []))
        ledger.reconcile_award(award, by=by)
        programme = version.programme.name
        body = _(
            "您（单位）已被命名为%(programme)s，命名文号：%(number)s，管理期%(start)s至%(end)s。"
        ) % {
            "programme": programme,
            "number": award.document_number,
            "start": start.isoformat(),
            "end": end.isoformat() if end else _("长期"),
        }
        notify(
            recipients=_recipients(award),
            subject=_("命名通知：%(programme)s") % {"programme": programme},
            body=body,
            sms_template="named",
            sms_params={"programme": programme, "number": award.document_number},
        )
    return award
