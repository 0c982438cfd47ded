"""The run: every award of a window, in chunks, each chunk one transaction.

Why the run is shaped so (issue 18, 5). The amounts come only from the pure schedule functions
that `manage.py simulate` calls (`subsidies.schedules.payments_due`), never from arithmetic
written again in SQL: a second copy of "a flat monthly amount from the month after naming, the
higher benefit only, suspended from ..." would drift from the first. What makes the run close to
the database is everything around that call:

- the schedule is evaluated once per distinct (programme version, facts) -- an award's facts
  are its naming date and recorded events, so 100,000 awards named over three years share about
  4,000 evaluations (`memo`), and the rest of the awards reuse the list of due payments;
- each chunk's rows go to PostgreSQL as one `INSERT ... SELECT ... FROM unnest(arrays) ON
  CONFLICT DO NOTHING` (set-wise, one statement, the unique key deciding what is new), each row
  already in its draft batch, so a row is written once, not inserted and then updated;
- the chunk's facts and waiting rows are read with the ids as one array parameter (one plan);
- award ids are streamed by keyset pagination (`award_chunks`): one chunk in memory, whatever
  the number of awards;
- a run may be split into id ranges (`part_bounds`, `execute_part`), each a Celery task any
  worker process takes (`subsidies.tasks.execute_run_part`); the parts count into one record and
  the last one to end marks the run done. The rows are the same as one process's: each part
  inserts the rows `payments_due` gives its awards, and the unique key keeps every row once.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.db import OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from subsidies import schedules
from subsidies.ledger.facts import SCHEDULE_EVENT_KINDS, _Rulesets, event_from_row
from subsidies.ledger.rows import attach_to_batches, draft_batches, insert_rows, pg_array
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


_EVENTS = """
SELECT award_id, kind, date, fields FROM subsidies_awardevent
WHERE award_id = ANY(%s::bigint[]) AND kind = ANY(%s::text[]) ORDER BY award_id, date, id
"""


def _events_by_award(award_ids: list[int]) -> dict[int, list[schedules.AwardEvent]]:
    found: dict[int, list[schedules.AwardEvent]] = {}
    if connection.vendor == "postgresql":
        # the ids as one array parameter: one plan for the chunk, not 2,000 placeholders
        with connection.cursor() as cursor:
            cursor.execute(_EVENTS, [pg_array(award_ids), pg_array(sorted(SCHEDULE_EVENT_KINDS))])
            # Django has psycopg hand jsonb over as text (JSONField decodes it): decoded here
            rows = [
                (a, k, d, json.loads(f) if isinstance(f, str) else f)
                for a, k, d, f in cursor.fetchall()
            ]
    else:
        rows = (
            AwardEvent.objects.filter(award_id__in=award_ids, kind__in=SCHEDULE_EVENT_KINDS)
            .order_by("award_id", "date", "id")
            .values_list("award_id", "kind", "date", "fields")
        )
    for award_id, kind, when, fields in rows:
        found.setdefault(award_id, []).append(event_from_row(kind, when, fields))
    return found


def award_chunks(awards, chunk_size: int, *, low: int | None = None, high: int | None = None):
    """The awards' (id, version id, named on) in id order, `chunk_size` at a time.

    Keyset pagination (`id > last ORDER BY id LIMIT n` over the primary key): one chunk in
    memory at a time, whatever the number of awards, never a list of every id. `low`/`high`:
    only ids in (low, high] (a part of a split run).
    """
    last = low or 0
    while True:
        page = awards.filter(id__gt=last)
        if high is not None:
            page = page.filter(id__lte=high)
        chunk = list(
            page.order_by("id").values_list("id", "ruleset_version_id", "named_on")[:chunk_size]
        )
        if not chunk:
            return
        yield chunk
        last = chunk[-1][0]


def run_awards(run: PaymentRun, window: Window | None = None):
    """The awards a run covers (its window's, and only its authority's for an office's run)."""
    awards = awards_for(window or window_for(run.kind, run.period))
    if run.authority_id is not None:  # an office's run: its own authority's awards
        awards = awards.filter(ruleset_version__programme__authority_id=run.authority_id)
    return awards


def part_bounds(run: PaymentRun, chunk_size: int = CHUNK) -> list[tuple[int, int | None]]:
    """The run cut into id ranges (low, high] of `chunk_size` awards each, the last one open.

    One small query per part (the id `chunk_size` rows on, through the primary key): the
    bounds are a few numbers per part, never the ids themselves.
    """
    awards = run_awards(run).order_by("id").values_list("id", flat=True)
    bounds: list[tuple[int, int | None]] = []
    low = 0
    while True:
        high = awards.filter(id__gt=low)[chunk_size - 1 : chunk_size].first()
        if high is None:
            if bounds and not awards.filter(id__gt=low).exists():
                bounds[-1] = (bounds[-1][0], None)  # the last full part stays open
            else:
                bounds.append((low, None))
            return bounds
        bounds.append((low, high))
        low = high


def begin_run(run: PaymentRun, window: Window) -> int:
    """Mark the run running, its counters at zero; the number of awards it covers."""
    total = run_awards(run, window).count()
    PaymentRun.objects.filter(pk=run.pk).update(
        status=PaymentRun.Status.RUNNING,
        started_at=timezone.now(),
        awards_total=total,
        awards_done=0,
        created=0,
        existing=0,
        error="",
    )
    return total


def execute_run(
    run: PaymentRun,
    *,
    chunk_size: int = CHUNK,
    after_chunk: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Insert the run's missing rows chunk by chunk; (created, existing).

    Safe to call again on the same run or on another run of the same period at the same time:
    each chunk inserts only what is missing. `after_chunk(n)` is called after each committed
    chunk (the tests use it to kill a worker half-way). The awards are read a chunk at a time
    (`award_chunks`), so the process's memory does not grow with their number.
    """
    window = window_for(run.kind, run.period)
    begin_run(run, window)
    created, existing = execute_part(run, window, chunk_size=chunk_size, after_chunk=after_chunk)
    finish_run(run)
    return created, existing


def execute_part(
    run: PaymentRun,
    window: Window,
    *,
    low: int | None = None,
    high: int | None = None,
    chunk_size: int = CHUNK,
    after_chunk: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """The run's awards with ids in (low, high], chunk by chunk; (created, existing).

    Each chunk adds its awards and rows to the run's counters in the same statement, so the
    parts of a split run, on any worker processes, count into one record."""
    rulesets = _Rulesets()
    memo: dict = {}
    created_total = existing_total = 0
    chunks = award_chunks(run_awards(run, window), chunk_size, low=low, high=high)
    for number, chunk in enumerate(chunks, start=1):
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
    return created_total, existing_total


def finish_run(run: PaymentRun) -> None:
    """The run done; an earlier run of its period left "running" by a dead worker, failed."""
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


def _batches_of(chunk, rows, rulesets: _Rulesets, run: PaymentRun, window: Window):
    """Each new row's draft batch, so it is inserted in its batch (one write, not an insert and
    then an update): the period's draft batch of its paying authority and funding line, made
    when missing; none for a recovery claim, or where that batch is approved already (the row
    waits for the next run's, as `attach_to_batches` does)."""
    authority = {award_id: rulesets.authority(version_id) for award_id, version_id, _n in chunk}

    def key(award_id, p):
        if p.amount > 0 and p.date <= window.until:
            return authority[award_id], p.funding
        return None

    keys = {k for award_id, p in rows if (k := key(award_id, p)) is not None}
    batches = draft_batches(run.period, keys, run.started_by_id)
    return lambda award_id, p: batches.get(key(award_id, p))


_SHARE = "SELECT id FROM subsidies_award WHERE id = ANY(%s::bigint[]) ORDER BY id FOR SHARE"


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
                        cursor.execute(_SHARE, [pg_array(award_ids)])
                rows = _chunk_rows(chunk, _events_by_award(award_ids), rulesets, window, memo)
                created = insert_rows(
                    rows, batch_of=_batches_of(chunk, rows, rulesets, run, window)
                )
                # rows of these awards left out of an earlier batch (approved before they came)
                attach_to_batches(award_ids, run.period, window.until, run.started_by_id)
            return created, len(rows)
        except OperationalError as exc:  # a deadlock with a concurrent run: try the chunk again
            if "deadlock" not in str(exc).lower() or attempt == attempts - 1:
                raise
    return 0, 0  # pragma: no cover
