"""The run: every award of a window, in chunks, each chunk one transaction."""

from __future__ import annotations

from collections.abc import Callable

from django.db import OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from subsidies import schedules
from subsidies.ledger.facts import SCHEDULE_EVENT_KINDS, _Rulesets, event_from_row
from subsidies.ledger.rows import attach_to_batches, insert_rows
from subsidies.ledger.windows import AFTER_TERM, CHUNK, Window, window_for
from subsidies.models import Award, AwardEvent, PaymentRun

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
