"""State changes of awards, the ledger, assessments and batches: one service per change.

Each runs in a transaction, locks the award (or batch) it changes, writes its audit row
(AwardEvent) and sends mail and Celery work after commit. The facts recorded here are the
events the pure schedule functions read (subsidies.schedules); what they make due is inserted
into the ledger through subsidies.ledger, never computed a second way.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import outbox
from portal.models import Role, RoleAssignment, Unit
from portal.notifications import notify
from programmes.benefit_rules import parse_money
from subsidies import ledger, schedules
from subsidies.models import (
    Assessment,
    Award,
    AwardEvent,
    Payment,
    PaymentBatch,
    PaymentRun,
)
from subsidies.reconciliation import recovery_kind

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
    from applications.models import Application

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


# --- recording facts -----------------------------------------------------------------------


def _sync_assessments(award: Award, ruleset, events) -> None:
    """Assessment rows as `assessment_schedule` lists them (rows are kept, made inactive)."""
    listed = schedules.assessment_schedule(
        ruleset.benefits, ruleset.assessments, events, adjustments=ruleset.adjustments
    )
    existing = {(a.code, a.due_on): a for a in award.assessments.all()}
    seen = set()
    for due in listed:
        key = (due.code, due.due)
        seen.add(key)
        row = existing.get(key)
        values = {
            "kind": due.kind,
            "organiser": due.organiser,
            "result": due.result or "",
            "decided_on": due.decided_on,
            "active": True,
        }
        if row is None:
            Assessment.objects.create(award=award, code=due.code, due_on=due.due, **values)
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            row.save()
    for key, row in existing.items():
        if key not in seen and row.active and not row.result:
            row.active = False
            row.save(update_fields=["active"])


def _apply(
    award: Award, *, today: date, cause_event: AwardEvent | None = None, by=None
) -> schedules.AwardState:
    """After a fact: the title, the unit's right to nominate, the assessments, the ledger."""
    ruleset = award.ruleset_version.ruleset
    events = ledger.award_events(award)
    state = schedules.award_state(
        ruleset.benefits, ruleset.assessments, ruleset.adjustments, events, on=today
    )
    title = state.title if state.title in Award.Title.values else Award.Title.HELD
    if award.title != title:
        award.title = title
        award.save(update_fields=["title"])
    if state.unit_loses_nomination and award.unit_id:
        Unit.objects.filter(pk=award.unit_id).update(may_nominate=False)
    _sync_assessments(award, ruleset, events)
    ledger.reconcile_award(award, cause_event=cause_event, by=by, today=today)
    return state


def _record(*, award: Award, kind: str, on: date, fields: dict, by, reason: str = "") -> AwardEvent:
    today = timezone.localdate()
    if on > today:
        raise AwardError(_("日期不能晚于今天。"))
    if on < award.named_on and kind != AwardEvent.Kind.OTHER_BENEFIT:
        raise AwardError(_("日期不能早于命名日期。"))
    with transaction.atomic():
        award = Award.objects.select_for_update().select_related("ruleset_version").get(pk=award.pk)
        ruleset = award.ruleset_version.ruleset
        try:
            event = ledger.event_from_row(kind, on, fields)
            # The rule set must be able to take it (an assessment it defines ...).
            schedules.award_state(
                ruleset.benefits,
                ruleset.assessments,
                ruleset.adjustments,
                [*ledger.award_events(award), event],
                on=on,
            )
        except schedules.ScheduleError as exc:
            raise AwardError(str(exc)) from exc
        row = AwardEvent.objects.create(
            award=award, date=on, kind=kind, fields=fields, reason=reason, recorded_by=by
        )
        _apply(award, today=today, cause_event=row, by=by)
    return row


def record_assessment(
    *,
    award: Award,
    code: str,
    result: str,
    on: date,
    by,
    unit_at_fault: bool = False,
    after_rectification: bool = False,
    note: str = "",
) -> AwardEvent:
    """Record an assessment's result; its effects follow from the rule set.

    A tranche or a leader's yearly payment falls due (青人社〔2020〕54号 五(一); 沪松人社〔2024〕9号
    六(一)), a failed Shizhong end-of-term revokes the title and, with the unit at fault, its right
    to nominate (市中政办字〔2020〕33号 第十四条(三)), a Qingpu fail confirmed after rectification
    cancels the funding (青人社〔2020〕54号 八(二)).
    """
    rule = next((a for a in award.ruleset_version.ruleset.assessments if a.code == code), None)
    if rule is None:
        raise AwardError(_("该项目没有这项考核。"))
    if result not in rule.results:
        raise AwardError(
            _("该考核的结果只能是：%(results)s。") % {"results": "、".join(rule.results)}
        )
    fields = {"kind": rule.kind, "code": code, "result": result}
    if unit_at_fault:
        fields["unit_at_fault"] = True
    if after_rectification:
        fields["after_rectification"] = True
    return _record(
        award=award, kind=AwardEvent.Kind.ASSESSMENT, on=on, fields=fields, by=by, reason=note
    )


def record_studio(*, award: Award, level: str, on: date, by, note: str = "") -> AwardEvent:
    """A chief-technician studio set up (沪松人社规〔2024〕1号 五(三)): its grant falls due."""
    return _record(
        award=award,
        kind=AwardEvent.Kind.STUDIO_ESTABLISHED,
        on=on,
        fields={"level": level},
        by=by,
        reason=note,
    )


def record_other_benefit(
    *, award: Award, name: str, monthly_amount, on: date, by, note: str = ""
) -> AwardEvent:
    """Another benefit the person holds, with its monthly amount: only the higher is paid."""
    if name not in OTHER_BENEFITS:
        raise AwardError(_("请选择其他待遇的类别。"))
    try:
        amount = parse_money(monthly_amount)
    except ValueError as exc:
        raise AwardError(str(exc)) from exc
    if amount < 0:
        raise AwardError(_("金额不能为负。"))
    return _record(
        award=award,
        kind=AwardEvent.Kind.OTHER_BENEFIT,
        on=on,
        fields={"name": name, "monthly_amount": f"{amount:.2f}"},
        by=by,
        reason=note,
    )


def record_other_title(*, award: Award, name: str, on: date, by, note: str = "") -> AwardEvent:
    """Another title the person obtained (市中政办字〔2020〕33号 第十条: a city title ends ours)."""
    if name not in OTHER_TITLES:
        raise AwardError(_("请选择称号。"))
    return _record(
        award=award,
        kind=AwardEvent.Kind.OTHER_TITLE,
        on=on,
        fields={"name": name},
        by=by,
        reason=note,
    )


ADJUSTMENTS = {
    AwardEvent.Kind.SUSPENDED: "suspended",
    AwardEvent.Kind.REVOKED: "revoked",
    AwardEvent.Kind.LEFT_POST: "left_post",
}


def adjustment_reasons(award: Award, kind: str) -> dict[str, str]:
    """The reasons the rule set lists for an adjustment (empty: any reason, written out)."""
    rule = getattr(award.ruleset_version.ruleset.adjustments, kind, None)
    return dict(getattr(rule, "reasons", None) or {})


def adjust_award(
    *, award: Award, kind: str, reason: str, on: date, by, note: str = ""
) -> AwardEvent:
    """Suspend, revoke, or record that the person left the post or the district.

    Payments stop from the month after (SCENARIOS.md: an adjustment dated the 1st stops that
    month too); the title follows the rule set's `adjustments`.
    """
    if kind not in ADJUSTMENTS:
        raise AwardError(_("未知的调整事项。"))
    reasons = adjustment_reasons(award, kind)
    if reasons and reason not in reasons:
        raise AwardError(_("请选择原因。"))
    if not reasons and not (reason or note).strip():
        raise AwardError(_("请填写原因。"))
    event = _record(
        award=award,
        kind=kind,
        on=on,
        fields={"reason": reason or "other"},
        by=by,
        reason=note,
    )
    award.refresh_from_db()
    notify(
        recipients=_recipients(award),
        subject=_("待遇调整通知"),
        body=_("%(name)s：%(what)s，自%(date)s起生效。%(note)s")
        % {
            "name": award.name,
            "what": AwardEvent.Kind(kind).label,
            "date": on.isoformat(),
            "note": note,
        },
    )
    return event


def order_recovery(
    *, award: Award, payments: Iterable[Payment], on: date, reason: str, by
) -> list[Payment]:
    """Money paid and ordered back (青人社〔2020〕54号 五(三)4; 市中政办字〔2020〕33号 第十五条).

    The office's own decision (责令追回), not a consequence of the recorded facts: each
    recovered payment gets a negative row pointing at it, confirmed by the office that orders
    it and waiting for finance's approval; nothing is deleted. A payment is recovered at most
    once, and reconciliation never pays it out again.
    """
    if not reason.strip():
        raise AwardError(_("请填写追回原因。"))
    with transaction.atomic():
        award = Award.objects.select_for_update().get(pk=award.pk)
        ids = [p.pk for p in payments]
        rows = list(
            Payment.objects.select_for_update()
            .filter(pk__in=ids, award=award, recovers__isnull=True, amount__gt=0)
            .order_by("pk")
        )
        if not rows or len(rows) != len(ids):
            raise AwardError(_("请选择本待遇下的发放记录。"))
        made = []
        for row in rows:
            if row.recoveries.exists():
                raise AwardError(
                    _("%(period)s %(kind)s 已追回。") % {"period": row.period, "kind": row.kind}
                )
            kind = recovery_kind(row.kind)
            seq = Payment.objects.filter(award=award, kind=kind, period=row.period).count()
            made.append(
                Payment.objects.create(
                    award=award,
                    kind=kind,
                    period=row.period,
                    seq=seq,
                    due_on=on,
                    payee=row.payee,
                    amount=-row.amount,
                    funding=row.funding,
                    recovers=row,
                    origin=Payment.Origin.ORDER,
                    claim_status=Payment.ClaimStatus.CONFIRMED,
                    cause=reason.strip(),
                    drafted_by=by,
                    confirmed_by=by,
                    confirmed_at=timezone.now(),
                )
            )
        AwardEvent.objects.create(
            award=award,
            date=on,
            kind=AwardEvent.Kind.RECOVERY,
            fields={
                "payments": [r.pk for r in rows],
                "amount": f"{sum((r.amount for r in rows), Decimal('0')):.2f}",
            },
            reason=reason,
            recorded_by=by,
        )
    return made


def confirm_recovery(*, claim: Payment, by, note: str = "") -> Payment:
    """The office confirms a recovery claim made by reconciliation (then finance approves it)."""
    with transaction.atomic():
        claim = Payment.objects.select_for_update().get(pk=claim.pk)
        if claim.recovers_id is None or claim.claim_status != Payment.ClaimStatus.PENDING:
            raise AwardError(_("该追回记录不在待确认状态。"))
        claim.claim_status = Payment.ClaimStatus.CONFIRMED
        claim.confirmed_by = by
        claim.confirmed_at = timezone.now()
        claim.save(update_fields=["claim_status", "confirmed_by", "confirmed_at"])
        AwardEvent.objects.create(
            award_id=claim.award_id,
            date=timezone.localdate(),
            kind=AwardEvent.Kind.RECOVERY,
            fields={
                "claim": claim.pk,
                "status": claim.claim_status,
                "amount": f"{-claim.amount:.2f}",
            },
            reason=note or _("经办确认追回"),
            recorded_by=by,
        )
    return claim


def approve_recovery(*, claim: Payment, by, note: str = "") -> Payment:
    """Finance approves a confirmed recovery claim; never the one who drafted or confirmed it."""
    with transaction.atomic():
        claim = Payment.objects.select_for_update().get(pk=claim.pk)
        if claim.recovers_id is None or claim.claim_status != Payment.ClaimStatus.CONFIRMED:
            raise AwardError(_("该追回记录须先经经办确认。"))
        if by.pk in {claim.drafted_by_id, claim.confirmed_by_id}:
            raise AwardError(_("制单或确认追回的人不能审批同一笔追回。"))
        claim.claim_status = Payment.ClaimStatus.APPROVED
        claim.approved_by = by
        claim.approved_at = timezone.now()
        claim.save(update_fields=["claim_status", "approved_by", "approved_at"])
        AwardEvent.objects.create(
            award_id=claim.award_id,
            date=timezone.localdate(),
            kind=AwardEvent.Kind.RECOVERY,
            fields={
                "claim": claim.pk,
                "status": claim.claim_status,
                "amount": f"{-claim.amount:.2f}",
            },
            reason=note or _("财务审批追回"),
            recorded_by=by,
        )
    return claim


# --- runs ----------------------------------------------------------------------------------


def start_run(
    *, kind: str, period: str, by=None, enqueue: bool = True, authority=None
) -> PaymentRun:
    """A run record, and its task queued after commit (the office watches the record).

    `authority`: the run covers that authority's awards only (an office's run); None: all."""
    ledger.window_for(kind, period)  # raises RunError for a malformed period
    with transaction.atomic():
        run = PaymentRun.objects.create(
            kind=kind,
            authority=authority,
            period=period,
            until=ledger.window_for(kind, period).until,
            started_by=by,
        )
        if enqueue:
            # Recorded in this transaction, sent after commit (or later, if the broker is down).
            outbox.enqueue("subsidies.execute_run", run.pk)
    return run


def run_payments(*, period: str, by=None) -> tuple[int, int]:
    """The monthly run for `period` ("YYYY-MM"): (created, existing). Idempotent."""
    run = start_run(kind=PaymentRun.Kind.MONTHLY, period=period, by=by, enqueue=False)
    return ledger.execute_run(run)


def run_annual(*, year: int, by=None) -> tuple[int, int]:
    """The annual run (allowances paid in arrears in January of `year`): (created, existing)."""
    run = start_run(kind=PaymentRun.Kind.ANNUAL, period=f"{int(year):04d}", by=by, enqueue=False)
    return ledger.execute_run(run)


# --- reminders -----------------------------------------------------------------------------

REMIND_DAYS = 30


def send_assessment_reminders(*, today: date, days: int = REMIND_DAYS) -> int:
    """Mail those concerned about assessments due within `days`, once each; the number sent."""
    sent = 0
    due = (
        Assessment.objects.select_related("award__person", "award__ruleset_version")
        .filter(
            active=True,
            result="",
            reminded_on__isnull=True,
            due_on__gte=today,
            due_on__lte=today + timedelta(days=days),
        )
        .order_by("pk")
    )
    for assessment in due:
        with transaction.atomic():
            locked = (
                Assessment.objects.select_for_update(skip_locked=True)
                .filter(pk=assessment.pk, reminded_on__isnull=True)
                .first()
            )
            if locked is None:
                continue
            locked.reminded_on = today
            locked.save(update_fields=["reminded_on"])
            award = assessment.award
            label = _assessment_label(award, assessment.code)
            notify(
                recipients=_recipients(award, office=True),
                subject=_("考核提醒：%(name)s %(label)s") % {"name": award.name, "label": label},
                body=_("%(name)s 的%(label)s应于%(due)s前完成。")
                % {"name": award.name, "label": label, "due": assessment.due_on.isoformat()},
            )
            sent += 1
    return sent


def _assessment_label(award: Award, code: str) -> str:
    for rule in award.ruleset_version.ruleset.assessments:
        if rule.code == code:
            return rule.label
    return code


# --- batches -------------------------------------------------------------------------------


def approve_batch(*, batch: PaymentBatch, by) -> PaymentBatch:
    """Finance approves a drafted batch; never the person who drafted it (four eyes)."""
    with transaction.atomic():
        batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
        if not by.has_perm("subsidies.approve_batch", batch):
            raise PermissionDenied(_("只能审核本机构的发放批次。"))
        if batch.status != PaymentBatch.Status.DRAFT:
            raise AwardError(_("该批次已审核，不能重复审核。"))
        if batch.drafted_by_id is not None and batch.drafted_by_id == by.pk:
            raise AwardError(_("制单人不能审核自己制作的批次。"))
        if not batch.payments.exists():
            raise AwardError(_("该批次没有发放记录。"))
        unknown = sorted(
            {
                row.award.name
                for row in batch.payments.filter(payee="person").select_related(
                    "award__person", "award__ruleset_version"
                )
                if payee_missing(row.award)
            }
        )
        if unknown:
            raise AwardError(
                _("以下待遇的收款人姓名、身份证号或银行账号不全，请先补全：%(names)s")
                % {"names": "、".join(unknown)}
            )
        batch.status = PaymentBatch.Status.APPROVED
        batch.approved_by = by
        batch.approved_at = timezone.now()
        batch.save(update_fields=["status", "approved_by", "approved_at"])
    return batch


def mark_batch_paid(*, batch: PaymentBatch, by) -> PaymentBatch:
    with transaction.atomic():
        batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
        if not by.has_perm("subsidies.approve_batch", batch):
            raise PermissionDenied(_("只能处理本机构的发放批次。"))
        if batch.status != PaymentBatch.Status.APPROVED:
            raise AwardError(_("只有已审核的批次才能标记为已发放。"))
        batch.status = PaymentBatch.Status.PAID
        batch.paid_at = timezone.now()
        batch.save(update_fields=["status", "paid_at"])
    return batch
