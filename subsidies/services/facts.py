"""Recording facts of an award (assessments, studios, other benefits and titles, adjustments);
each ends in `ledger.reconcile_award`."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import Unit
from portal.notifications import notify
from programmes.benefit_rules import parse_money
from subsidies import ledger, schedules
from subsidies.models import (
    Assessment,
    Award,
    AwardEvent,
)
from subsidies.services.common import OTHER_BENEFITS, OTHER_TITLES, AwardError, _recipients

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
