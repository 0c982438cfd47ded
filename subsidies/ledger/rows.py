"""Inserting due payments once (ON CONFLICT DO NOTHING) and attaching them to draft batches."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from subsidies import schedules
from subsidies.models import Payment, PaymentBatch

# --- inserting -----------------------------------------------------------------------------


def pg_array(values: Iterable) -> str:
    """A PostgreSQL array literal of ids, numbers, dates or text (None as NULL), for a
    parameter cast in the query (`%s::bigint[]`).

    The database connection binds parameters on the client: psycopg's array dumper adapts each
    element in Python, which cost a third of a 100,000-award run; one string is quoted once.
    Text elements are double-quoted with their quotes and backslashes escaped.
    """
    parts = []
    for value in values:
        if value is None:
            parts.append("NULL")
        elif isinstance(value, str):
            parts.append('"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"')
        elif isinstance(value, (int, Decimal)):
            parts.append(str(value))
        elif isinstance(value, date):
            parts.append(value.isoformat())
        else:
            raise TypeError(f"no array literal for {type(value).__name__}")
    return "{" + ",".join(parts) + "}"


_INSERT = """
INSERT INTO subsidies_payment (award_id, kind, period, due_on, payee, amount, funding, batch_id,
                               created_at)
SELECT t.award_id, t.kind, t.period, t.due_on, t.payee, t.amount, t.funding, t.batch_id, %s
FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::date[], %s::text[], %s::numeric[],
            %s::text[], %s::bigint[])
     AS t(award_id, kind, period, due_on, payee, amount, funding, batch_id)
ORDER BY t.award_id, t.kind, t.period
ON CONFLICT (award_id, kind, period, seq) DO NOTHING
"""


def insert_rows(rows: list[tuple[int, schedules.DuePayment]], *, batch_of=None) -> int:
    """Insert the (award id, due payment) rows the ledger does not hold; the number inserted.

    `batch_of(award_id, payment)`: the batch id a new row goes in (None: none yet).

    Sorted, so two transactions inserting the same rows wait on each other instead of
    deadlocking; the conflicting one inserts nothing. (SQLite, the demo's database, has a
    single writer: there the missing rows are found first and inserted.)
    """
    if not rows:
        return 0
    rows = sorted(rows, key=lambda r: (r[0], r[1].kind, r[1].period))
    if connection.vendor != "postgresql":
        return _insert_rows_portable(rows, batch_of)
    columns = (
        pg_array(r[0] for r in rows),
        pg_array(r[1].kind for r in rows),
        pg_array(r[1].period for r in rows),
        pg_array(r[1].date for r in rows),
        pg_array(r[1].payee for r in rows),
        pg_array(r[1].amount for r in rows),
        pg_array(r[1].funding for r in rows),
        pg_array(batch_of(*r) if batch_of else None for r in rows),
    )
    with connection.cursor() as cursor:
        cursor.execute(_INSERT, [timezone.now(), *columns])
        return cursor.rowcount


def _insert_rows_portable(rows, batch_of=None) -> int:
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
            batch_id=batch_of(award_id, p) if batch_of else None,
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
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        # the ids as one array parameter: one plan, whatever the chunk's size
        ids = pg_array(award_ids)
        with connection.cursor() as cursor:
            cursor.execute(_WAITING_KEYS, [ids, until])
            keys = set(cursor.fetchall())
    else:
        # Recovery claims are collected, not paid: they never enter a payroll batch.
        waiting = Payment.objects.filter(
            award_id__in=award_ids, batch__isnull=True, due_on__lte=until, amount__gt=0
        )
        keys = set(waiting.values_list(PAYING_AUTHORITY, "funding").distinct())
    if not keys:
        return
    batches = draft_batches(period, keys, drafted_by_id)
    if postgresql:
        # One UPDATE for every (authority, funding) of the chunk, joined to its draft batch.
        if batches:
            with connection.cursor() as cursor:
                cursor.execute(_ATTACH, [ids, until, pg_array(batches.values())])
        return
    for (authority_id, funding), batch_id in batches.items():
        waiting.filter(funding=funding, **{PAYING_AUTHORITY: authority_id}).update(
            batch_id=batch_id
        )


_WAITING_KEYS = """
SELECT DISTINCT g.authority_id, p.funding
FROM subsidies_payment AS p
JOIN subsidies_award AS a ON a.id = p.award_id
JOIN programmes_programmeversion AS v ON v.id = a.ruleset_version_id
JOIN programmes_programme AS g ON g.id = v.programme_id
WHERE p.award_id = ANY(%s::bigint[]) AND p.batch_id IS NULL AND p.due_on <= %s AND p.amount > 0
"""

_ATTACH = """
UPDATE subsidies_payment AS p SET batch_id = b.id
FROM subsidies_award AS a
JOIN programmes_programmeversion AS v ON v.id = a.ruleset_version_id
JOIN programmes_programme AS g ON g.id = v.programme_id,
subsidies_paymentbatch AS b
WHERE p.award_id = ANY(%s::bigint[]) AND p.batch_id IS NULL AND p.due_on <= %s
  AND p.amount > 0 AND a.id = p.award_id AND b.id = ANY(%s::bigint[]) AND b.funding = p.funding
  AND b.authority_id IS NOT DISTINCT FROM g.authority_id
"""


def total(amounts: Iterable[Decimal]) -> Decimal:
    return sum(amounts, Decimal("0.00"))
