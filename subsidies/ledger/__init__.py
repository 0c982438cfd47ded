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

from subsidies.ledger.awards import (
    FAR,
    audit_award,
    coverage,
    describe_cause,
    due_for_award,
    held_rows,
    reconcile_award,
    started_until,
)
from subsidies.ledger.facts import (
    SCHEDULE_EVENT_KINDS,
    award_events,
    event_from_row,
    run_kind_of,
)
from subsidies.ledger.rows import (
    PAYING_AUTHORITY,
    attach_to_batches,
    draft_batches,
    insert_rows,
    total,
)
from subsidies.ledger.runs import (
    awards_for,
    execute_run,
)
from subsidies.ledger.windows import (
    AFTER_TERM,
    CHUNK,
    RunError,
    Window,
    covered_until,
    month_window,
    window_for,
)

__all__ = [
    "AFTER_TERM",
    "CHUNK",
    "FAR",
    "PAYING_AUTHORITY",
    "SCHEDULE_EVENT_KINDS",
    "RunError",
    "Window",
    "attach_to_batches",
    "audit_award",
    "award_events",
    "awards_for",
    "coverage",
    "covered_until",
    "describe_cause",
    "draft_batches",
    "due_for_award",
    "event_from_row",
    "execute_run",
    "held_rows",
    "insert_rows",
    "month_window",
    "reconcile_award",
    "run_kind_of",
    "started_until",
    "total",
    "window_for",
]
