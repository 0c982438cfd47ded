"""The payment ledger: the rows the schedule functions say are due, inserted once.

Every row comes from `subsidies.schedules.payments_due` over the award's events, the same call
`manage.py simulate` makes, so the ledger holds exactly what the dry run lists. Rows are inserted
with `INSERT ... ON CONFLICT DO NOTHING` on the unique (award, kind, period): a run repeated, two
runs at once, or a run killed half-way and started again leave each due payment exactly once.
Each chunk of awards is one transaction (rows, batch links and the run's progress together).

Runs: the monthly run (`monthly`) covers every schedule except the annual allowance paid in
arrears, whose rows the annual run (`annual`, in January) inserts. A run's window is its period
(the month, or the calendar year) plus whatever lies between the last completed run of its kind
and the period, so a month whose run never finished is caught up. Whatever a fact recorded later
changes inside an already covered window (a tranche after an assessment, a suspension recorded
months late) is settled by `reconcile_award`, which every service recording a fact ends in:
missing payments are inserted, payments no longer due get recovery claims (subsidies.reconciliation).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.benefit_rules import AdjustmentRules, AnnualInArrearsSchedule
from subsidies import reconciliation, schedules
from subsidies.models import Award, AwardEvent, Payment, PaymentBatch, PaymentRun

CHUNK = 2000
# Arrears and the last tranche can fall due after the term: keep looking at an award this long.
AFTER_TERM = timedelta(days=800)

# Events the schedule functions read; `named` comes from the award itself.
SCHEDULE_EVENT_KINDS = frozenset(schedules.EVENT_KINDS) - {"named", "publicity_start", "objection"}


class RunError(ValueError):
    """A run that cannot start (a malformed period)."""


@dataclass(frozen=True)
class Window:
    """The rows a run inserts: dated from `since` (None: from the start) up to `until`."""

    kind: str
    period: str
    start: date
    until: date
    since: date | None


def month_window(period: str) -> tuple[date, date]:
    try:
        first = date.fromisoformat(f"{period}-01")
    except ValueError:
        raise RunError(_("期间“%(p)s”格式应为 YYYY-MM") % {"p": period}) from None
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


def covered_until(kind: str) -> date | None:
    """The last day the completed runs of this kind have covered (None: no run yet)."""
    run = (
        PaymentRun.objects.filter(kind=kind, status=PaymentRun.Status.DONE)
        .order_by("-until")
        .first()
    )
    return run.until if run else None


def window_for(kind: str, period: str) -> Window:
    if kind == PaymentRun.Kind.MONTHLY:
        start, until = month_window(period)
    else:
        try:
            year = int(period)
        except ValueError:
            raise RunError(_("年度“%(p)s”格式应为 YYYY") % {"p": period}) from None
        start, until = date(year, 1, 1), date(year, 12, 31)
    covered = covered_until(kind)
    since = None if covered is None else min(start, covered + timedelta(days=1))
    return Window(kind=kind, period=period, start=start, until=until, since=since)


# --- the facts of an award -----------------------------------------------------------------


def event_from_row(kind: str, when: date, fields: dict) -> schedules.AwardEvent:
    return schedules.AwardEvent.from_scenario(when, kind, fields)


def award_events(award: Award, rows: Iterable[AwardEvent] | None = None):
    """The award's facts as the schedule functions read them: `named`, then what was recorded."""
    if rows is None:
        rows = award.events.all()
    events = [schedules.AwardEvent(date=award.named_on, kind="named")]
    events.extend(
        event_from_row(row.kind, row.date, row.fields)
        for row in rows
        if row.kind in SCHEDULE_EVENT_KINDS
    )
    return events


def run_kind_of(ruleset, code: str) -> str:
    for schedule in ruleset.benefits.schedules:
        if schedule.code == code:
            if isinstance(schedule, AnnualInArrearsSchedule):
                return PaymentRun.Kind.ANNUAL
            return PaymentRun.Kind.MONTHLY
    return PaymentRun.Kind.MONTHLY


class _Rulesets:
    """Parsed rule sets by version id, and each schedule code's run kind."""

    def __init__(self):
        self._cache: dict[int, tuple[object, dict[str, str]]] = {}

    def get(self, version_id: int):
        found = self._cache.get(version_id)
        if found is None:
            from programmes.models import ProgrammeVersion

            # the parsed rule set is cached per process: the JSON is read only if it is not
            ruleset = ProgrammeVersion.objects.defer("data").get(pk=version_id).ruleset
            kinds = {s.code: run_kind_of(ruleset, s.code) for s in ruleset.benefits.schedules}
            found = (ruleset, kinds)
            self._cache[version_id] = found
        return found


# --- inserting -----------------------------------------------------------------------------

_INSERT = """
INSERT INTO subsidies_payment (award_id, kind, period, due_on, payee, amount, funding, created_at)
SELECT t.award_id, t.kind, t.period, t.due_on, t.payee, t.amount, t.funding, %s
FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::date[], %s::text[], %s::numeric[],
            %s::text[]) AS t(award_id, kind, period, due_on, payee, amount, funding)
ORDER BY t.award_id, t.kind, t.period
ON CONFLICT (award_id, kind, period, seq) DO NOTHING
"""


def insert_rows(rows: list[tuple[int, schedules.DuePayment]]) -> int:
    """Insert the (award id, due payment) rows the ledger does not hold; the number inserted.

    Sorted, so two transactions inserting the same rows wait on each other instead of
    deadlocking; the conflicting one inserts nothing. (SQLite, the demo's database, has a
    single writer: there the missing rows are found first and inserted.)
    """
    if not rows:
        return 0
    rows = sorted(rows, key=lambda r: (r[0], r[1].kind, r[1].period))
    if connection.vendor != "postgresql":
        return _insert_rows_portable(rows)
    columns = (
        [r[0] for r in rows],
        [r[1].kind for r in rows],
        [r[1].period for r in rows],
        [r[1].date for r in rows],
        [r[1].payee for r in rows],
        [r[1].amount for r in rows],
        [r[1].funding for r in rows],
    )
    with connection.cursor() as cursor:
        cursor.execute(_INSERT, [timezone.now(), *columns])
        return cursor.rowcount


def _insert_rows_portable(rows) -> int:
    held = set(
        Payment.objects.filter(award_id__in={r[0] for r in rows}, seq=0).values_list(
            "award_id", "kind", "period"
        )
    )
    new = [
        Payment(
            award_id=award_id,
            kind=p.kind,
            period=p.period,
            due_on=p.date,
            payee=p.payee,
            amount=p.amount,
            funding=p.funding,
        )
        for award_id, p in rows
        if (award_id, p.kind, p.period) not in held
    ]
    Payment.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def draft_batches(
    period: str, keys: Iterable[tuple[int | None, str]], drafted_by_id: int | None = None
) -> dict[tuple[int | None, str], int]:
    """The draft batch of each (paying authority, funding line) for `period` (created when
    missing), by that key.

    A batch already approved or paid takes no more rows: they wait for the next run's batch.
    """
    keys = sorted(set(keys), key=lambda k: (k[0] or 0, k[1]))
    if not keys:
        return {}
    PaymentBatch.objects.bulk_create(
        [
            PaymentBatch(period=period, authority_id=a, funding=f, drafted_by_id=drafted_by_id)
            for a, f in keys
        ],
        ignore_conflicts=True,  # the unique (authority, period, funding): made already
    )
    found = PaymentBatch.objects.filter(
        period=period,
        funding__in={f for _a, f in keys},
        status=PaymentBatch.Status.DRAFT,
    ).values_list("authority_id", "funding", "id")
    return {(a, f): pk for a, f, pk in found if (a, f) in set(keys)}


PAYING_AUTHORITY = "award__ruleset_version__programme__authority_id"


def attach_to_batches(
    award_ids: list[int], period: str, until: date, drafted_by_id: int | None = None
) -> None:
    """Put the awards' rows not in a batch yet, due by `until`, into the period's draft batches
    of their paying authority (the awards' programme's) and funding line."""
    # Recovery claims are collected, not paid: they never enter a payroll batch.
    waiting = Payment.objects.filter(
        award_id__in=award_ids, batch__isnull=True, due_on__lte=until, amount__gt=0
    )
    keys = set(waiting.values_list(PAYING_AUTHORITY, "funding").distinct())
    for (authority_id, funding), batch_id in draft_batches(period, keys, drafted_by_id).items():
        waiting.filter(funding=funding, **{PAYING_AUTHORITY: authority_id}).update(
            batch_id=batch_id
        )


# --- one award -----------------------------------------------------------------------------


def due_for_award(award: Award, *, until: date, rows=None) -> list[schedules.DuePayment]:
    ruleset = award.ruleset_version.ruleset
    return schedules.payments_due(
        ruleset.benefits,
        ruleset.assessments,
        ruleset.adjustments,
        award_events(award, rows),
        until=until,
    )


def started_until(kind: str) -> date | None:
    """The last day any run of this kind, finished or not, covers (None: no run yet)."""
    run = PaymentRun.objects.filter(kind=kind).order_by("-until").first()
    return run.until if run else None


def _state(row: Payment) -> str:
    if row.recovers_id is not None:
        return row.claim_status or reconciliation.APPROVED
    if row.batch_id is None:
        return reconciliation.WAITING
    if row.batch.status == PaymentBatch.Status.PAID:
        return reconciliation.PAID
    return reconciliation.BATCHED


def held_rows(award: Award) -> list[reconciliation.HeldRow]:
    """The award's ledger rows as the pure comparison reads them."""
    rows = award.payments.select_related("batch").order_by("kind", "period", "seq", "pk")
    return [
        reconciliation.HeldRow(
            pk=row.pk,
            kind=row.kind.removeprefix(reconciliation.RECOVERY_PREFIX)
            if row.recovers_id
            else row.kind,
            period=row.period,
            seq=row.seq,
            amount=row.amount,
            origin=row.origin,
            state=_state(row),
            due_on=row.due_on,
            payee=row.payee,
            funding=row.funding,
            cause=row.cause,
        )
        for row in rows
    ]


def coverage(award: Award):
    """`covered(payment)`: whether a run (finished or not) has covered the payment's date.

    A run still going (or failed) counts: it may have read this award before the fact.
    """
    limits = {kind: started_until(kind) for kind in PaymentRun.Kind.values}
    ruleset = award.ruleset_version.ruleset

    def covered(payment: schedules.DuePayment) -> bool:
        limit = limits[run_kind_of(ruleset, payment.kind)]
        return limit is not None and payment.date <= limit

    return covered


FAR = date(9999, 12, 31)


def audit_award(award: Award) -> reconciliation.Audit:
    """What the recorded facts make due against what the ledger holds (`audit_ledger`)."""
    return reconciliation.audit(
        due_for_award(award, until=FAR), held_rows(award), covered=coverage(award)
    )


def reconcile_award(
    award: Award, *, cause_event: AwardEvent | None = None, by=None, today: date | None = None
) -> list[Payment]:
    """Bring the award's ledger to what its recorded facts make due in every period run so far.

    The one service every recorded fact ends in (naming, an assessment, a studio, an other
    benefit or title, an adjustment, whatever its date): due but not held becomes a payment
    (the next run's batch takes it); held but no longer due becomes a recovery claim (追回)
    pointing at the payment, with the fact and the clause that caused it, pending the
    office's confirmation and finance's approval. Nothing held is changed or deleted. The caller
    holds the award's lock (`select_for_update`); returns the rows made.
    """
    today = today or timezone.localdate()
    ruleset = award.ruleset_version.ruleset
    due = due_for_award(award, until=FAR)
    fixes = reconciliation.corrections(due, held_rows(award), covered=coverage(award), today=today)
    if not fixes:
        return []
    cause, clause = describe_cause(ruleset, cause_event)
    originals = [f for f in fixes if f.origin == reconciliation.SCHEDULE]
    if originals:
        insert_rows(
            [
                (
                    award.pk,
                    schedules.DuePayment(
                        date=f.due_on,
                        period=f.period,
                        payee=f.payee,
                        kind=f.kind,
                        amount=f.amount,
                        funding=f.funding,
                    ),
                )
                for f in originals
            ]
        )
    made = []
    for fix in fixes:
        if fix.origin == reconciliation.SCHEDULE:
            continue
        recovery = fix.amount < 0
        made.append(
            Payment.objects.create(
                award=award,
                kind=fix.kind,
                period=fix.period,
                seq=fix.seq,
                due_on=fix.due_on,
                payee=fix.payee,
                amount=fix.amount,
                funding=fix.funding,
                recovers_id=fix.recovers,
                origin=fix.origin,
                claim_status=Payment.ClaimStatus.PENDING if recovery else "",
                cause=cause,
                clause=clause,
                cause_event=cause_event,
                drafted_by=by,
            )
        )
    return made


def describe_cause(ruleset, event: AwardEvent | None) -> tuple[str, str]:
    """The fact (in words, for the office and finance) and the clause that made a correction."""
    if event is None:
        return _("按已记录情况核对"), ""
    label = AwardEvent.Kind(event.kind).label
    fields = event.fields or {}
    clause = ""
    detail = ""
    if event.kind in ("suspended", "revoked", "left_post"):
        rule = (ruleset.adjustments or AdjustmentRules()).rule_for(event.kind)
        clause = rule.source
        detail = (rule.reasons or {}).get(fields.get("reason", ""), "")
    elif event.kind == "other_benefit":
        rule = ruleset.benefits.no_double_benefit
        clause = rule.source if rule else ""
        detail = _("%(name)s 每月 %(amount)s 元") % {
            "name": fields.get("name", ""),
            "amount": fields.get("monthly_amount", ""),
        }
    elif event.kind == "other_title":
        rule = ruleset.benefits.stops_on_other_title
        clause = rule.source if rule else ""
        detail = fields.get("name", "")
    elif event.kind == "assessment":
        rule = next((a for a in ruleset.assessments if a.code == fields.get("code")), None)
        clause = rule.source if rule else ""
        detail = f"{rule.label if rule else fields.get('code', '')} {fields.get('result', '')}"
    elif event.kind == "studio_established":
        rule = next(
            (s for s in ruleset.benefits.schedules if getattr(s, "event", None) == event.kind),
            None,
        )
        clause = rule.source if rule else ""
        detail = fields.get("level", "")
    text = f"{event.date.isoformat()} {label}"
    if detail:
        text += f"（{detail}）"
    if event.reason:
        text += f"：{event.reason}"
    return text, clause


# --- the run -------------------------------------------------------------------------------


def awards_for(window: Window):
    """The awards that may have rows in the window (named by then, term not long over)."""
    awards = Award.objects.filter(named_on__lte=window.until)
    if window.since is not None:
        awards = awards.filter(
            Q(term_end__isnull=True) | Q(term_end__gte=window.since - AFTER_TERM)
        )
    return awards


def _chunk_rows(chunk, events_by_award, rulesets: _Rulesets, window: Window, memo: dict):
    rows = []
    for award_id, version_id, named_on in chunk:
        events = [schedules.AwardEvent(date=named_on, kind="named")]
        events.extend(events_by_award.get(award_id, ()))
        key = (version_id, tuple(events))
        due = memo.get(key)
        if due is None:
            ruleset, kinds = rulesets.get(version_id)
            due = [
                p
                for p in schedules.payments_due(
                    ruleset.benefits,
                    ruleset.assessments,
                    ruleset.adjustments,
                    events,
                    until=window.until,
                )
                if kinds.get(p.kind, PaymentRun.Kind.MONTHLY) == window.kind
                and (window.since is None or p.date >= window.since)
            ]
            memo[key] = due
        rows.extend((award_id, p) for p in due)
    return rows


def _events_by_award(award_ids: list[int]) -> dict[int, list[schedules.AwardEvent]]:
    found: dict[int, list[schedules.AwardEvent]] = {}
    rows = (
        AwardEvent.objects.filter(award_id__in=award_ids, kind__in=SCHEDULE_EVENT_KINDS)
        .order_by("award_id", "date", "id")
        .values_list("award_id", "kind", "date", "fields")
    )
    for award_id, kind, when, fields in rows:
        found.setdefault(award_id, []).append(event_from_row(kind, when, fields))
    return found


def execute_run(
    run: PaymentRun,
    *,
    chunk_size: int = CHUNK,
    after_chunk: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Insert the run's missing rows chunk by chunk; (created, existing).

    Safe to call again on the same run or on another run of the same period at the same time:
    each chunk inserts only what is missing. `after_chunk(n)` is called after each committed
    chunk (the tests use it to kill a worker half-way).
    """
    window = window_for(run.kind, run.period)
    awards = awards_for(window)
    if run.authority_id is not None:  # an office's run: its own authority's awards
        awards = awards.filter(ruleset_version__programme__authority_id=run.authority_id)
    ids = list(awards.order_by("id").values_list("id", "ruleset_version_id", "named_on"))
    PaymentRun.objects.filter(pk=run.pk).update(
        status=PaymentRun.Status.RUNNING,
        started_at=timezone.now(),
        awards_total=len(ids),
        awards_done=0,
        created=0,
        existing=0,
        error="",
    )
    rulesets = _Rulesets()
    memo: dict = {}
    created_total = existing_total = 0
    for number, offset in enumerate(range(0, len(ids), chunk_size), start=1):
        chunk = ids[offset : offset + chunk_size]
        created, count = _insert_chunk(chunk, rulesets, memo, run, window)
        created_total += created
        existing_total += count - created
        PaymentRun.objects.filter(pk=run.pk).update(
            awards_done=F("awards_done") + len(chunk),
            created=F("created") + created,
            existing=F("existing") + count - created,
        )
        if after_chunk is not None:
            after_chunk(number)
    PaymentRun.objects.filter(pk=run.pk).update(
        status=PaymentRun.Status.DONE, finished_at=timezone.now()
    )
    # An earlier run of the period left "running" by a worker that died is finished by this
    # one; one still going sets itself done when it ends.
    PaymentRun.objects.filter(
        kind=run.kind,
        period=run.period,
        status=PaymentRun.Status.RUNNING,
        queued_at__lt=run.queued_at,
    ).update(
        status=PaymentRun.Status.FAILED, error=_("中断；已由第 %(id)s 号计算完成") % {"id": run.pk}
    )
    return created_total, existing_total


_SHARE = "SELECT id FROM subsidies_award WHERE id = ANY(%s) ORDER BY id FOR SHARE"


def _insert_chunk(
    chunk, rulesets: _Rulesets, memo: dict, run: PaymentRun, window: Window, attempts: int = 5
) -> tuple[int, int]:
    """One chunk in one transaction: (rows inserted, rows due).

    The chunk's awards are share-locked before their facts are read: a fact being recorded
    (which locks its award for update and then reconciles) waits for the chunk, or the chunk
    for the fact, so a row is never inserted from facts read before a fact that a
    reconciliation has already settled.
    """
    award_ids = [row[0] for row in chunk]
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute(_SHARE, [award_ids])
                rows = _chunk_rows(chunk, _events_by_award(award_ids), rulesets, window, memo)
                created = insert_rows(rows)
                attach_to_batches(award_ids, run.period, window.until, run.started_by_id)
            return created, len(rows)
        except OperationalError as exc:  # a deadlock with a concurrent run: try the chunk again
            if "deadlock" not in str(exc).lower() or attempt == attempts - 1:
                raise
    return 0, 0  # pragma: no cover


def total(amounts: Iterable[Decimal]) -> Decimal:
    return sum(amounts, Decimal("0.00"))
