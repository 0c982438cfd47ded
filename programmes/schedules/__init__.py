"""What an award pays, which assessments fall due, and the state of its title and benefits.

Pure functions over a rule set's `benefits`, `assessments` and `adjustments` sections
(`programmes/benefit_rules.py`) and the award's events: no Django, no clock. `manage.py simulate`
and the payment run call the same functions, so the ledger holds exactly the rows the dry run
lists. The payment run should, for each award, build its events (a `named` event from the award's
naming date, then the recorded events) and insert the rows of `payments_due(..., until=run_date)`
that the ledger does not hold yet: the ledger's unique (award, kind, period) makes that idempotent
and also picks up a month missed by an earlier run. `payments_in_month` gives one month's rows.

Conventions (SCENARIOS.md, where the policy texts are silent; each is tested in
tests/unit/test_schedules.py):
- The term starts on the first day of the month after the naming date and lasts `term_months`.
- A monthly allowance is paid for each month of the term on whose first day the award is active,
  dated that first day; an annual-in-arrears allowance pays a year's active months on 1 January
  (`pay_month`) of the next year; a payment that depends on an assessment or an event is dated
  that day.
- An event takes effect on its date. A suspension, revocation, leaving the post, a stop effect of
  an assessment or a title that ends the benefits, dated D, stops every month whose first day is
  on or after D (one dated the 1st stops that month too: on that day the award is no longer
  active) and every payment dated on or after D. Months earned before D and paid in arrears are
  still paid (市中政办字〔2020〕33号 第十四条(二): the title may be kept, the benefits end).
- `cancel_funding` (青人社〔2020〕54号 八(二) 取消资助) also cancels what was earned but not yet paid.
- No double benefit (就高不重复, `higher_benefit`): a person's monthly or in-arrears month is not
  paid when, on its first day, the person holds a comparable benefit whose monthly amount is
  higher than or equal to ours; a person's yearly payment (per assessment: 青浦 the leader's
  20,000 a year) is compared a month at a time (a twelfth of it) on its date. With equal amounts
  paying ours would be paying twice, and this office can only prevent that by withholding its
  own; the person loses nothing. One-time payments and a unit's grants are not compared: they
  are not a person's recurring benefit.
- Events dated before the naming are ignored, except `other_benefit` (a benefit held already).
"""

from programmes.benefit_rules import DEFAULT_ADJUSTMENTS
from programmes.schedules.assessments import assessment_schedule
from programmes.schedules.events import (
    ADJUSTMENT_EVENTS,
    BENEFIT_STATES,
    EVENT_KINDS,
    TITLES,
    AwardEvent,
    AwardState,
    DueAssessment,
    DuePayment,
    ScheduleError,
)
from programmes.schedules.payments import (
    higher_benefit,
    payments_due,
    payments_for_period,
    payments_in_month,
)
from programmes.schedules.reading import term
from programmes.schedules.state import award_state, award_status

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
