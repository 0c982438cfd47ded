"""The schedule functions of the ledger: the pure rules live in `programmes.schedules`.

The payment run, reconciliation, `audit_ledger` and `simulate` all call the one copy in
`programmes/schedules/` (the rules layer, no ORM), so the ledger holds exactly the rows the dry
run lists. Nothing here needs the ORM; this module keeps the import path `subsidies.schedules`
working for every caller.
"""

from programmes.schedules import (
    ADJUSTMENT_EVENTS,
    BENEFIT_STATES,
    DEFAULT_ADJUSTMENTS,
    EVENT_KINDS,
    TITLES,
    AwardEvent,
    AwardState,
    DueAssessment,
    DuePayment,
    ScheduleError,
    assessment_schedule,
    award_state,
    award_status,
    higher_benefit,
    payments_due,
    payments_for_period,
    payments_in_month,
    term,
)

__all__ = [
    "ADJUSTMENT_EVENTS",
    "BENEFIT_STATES",
    "DEFAULT_ADJUSTMENTS",
    "EVENT_KINDS",
    "TITLES",
    "AwardEvent",
    "AwardState",
    "DueAssessment",
    "DuePayment",
    "ScheduleError",
    "assessment_schedule",
    "award_state",
    "award_status",
    "higher_benefit",
    "payments_due",
    "payments_for_period",
    "payments_in_month",
    "term",
]
