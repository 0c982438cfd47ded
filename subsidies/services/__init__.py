"""State changes of awards, the ledger, assessments and batches: one service per change.

Each runs in a transaction, locks the award (or batch) it changes, writes its audit row
(AwardEvent) and sends mail and Celery work after commit. The facts recorded here are the
events the pure schedule functions read (subsidies.schedules); what they make due is inserted
into the ledger through subsidies.ledger, never computed a second way.
"""

from __future__ import annotations

from subsidies.services.batches import (
    approve_batch,
    mark_batch_paid,
)
from subsidies.services.common import (
    OTHER_BENEFITS,
    OTHER_TITLES,
    AwardError,
)
from subsidies.services.facts import (
    ADJUSTMENTS,
    adjust_award,
    adjustment_reasons,
    record_assessment,
    record_other_benefit,
    record_other_title,
    record_studio,
)
from subsidies.services.naming import (
    create_award,
    name_award,
    payee_missing,
    payees_of,
)
from subsidies.services.recovery import (
    approve_recovery,
    confirm_recovery,
    order_recovery,
)
from subsidies.services.runs import (
    REMIND_DAYS,
    run_annual,
    run_payments,
    send_assessment_reminders,
    start_run,
)

__all__ = [
    "ADJUSTMENTS",
    "OTHER_BENEFITS",
    "OTHER_TITLES",
    "REMIND_DAYS",
    "AwardError",
    "adjust_award",
    "adjustment_reasons",
    "approve_batch",
    "approve_recovery",
    "confirm_recovery",
    "create_award",
    "mark_batch_paid",
    "name_award",
    "order_recovery",
    "payee_missing",
    "payees_of",
    "record_assessment",
    "record_other_benefit",
    "record_other_title",
    "record_studio",
    "run_annual",
    "run_payments",
    "send_assessment_reminders",
    "start_run",
]
