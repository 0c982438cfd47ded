"""State changes of review: one function per change, each locking the application it moves.

Each runs in `transaction.atomic()`, locks the row (`select_for_update`), writes the audit row
(applications.ApplicationEvent) in the same transaction and sends mail after commit
(portal.notifications.notify). Views, admin actions and the declaration side call these.

One module per sub-domain: `decisions` (start, resubmission, pass / return / reject),
`experts` (assignment, draw, balance, recusal), `scoring` (sheets, the close by ranking),
`credit`, `publicity` (and objections), `naming`, `findings`. The reads they use are
reviews.selectors; the names below are re-exported so `reviews.services.<name>` keeps working.
"""

from reviews.permissions import can_decide_at, route_of, ruleset_of
from reviews.selectors import (
    aggregate_for,
    applicant_history,
    expert_pool,
    group_of,
    organiser_emails,
    organisers,
    ranking_for,
    return_reasons,
    scores_of,
    sheet_items,
    stage_actor_emails,
    stage_actors,
    tie_preference,
)
from reviews.services.base import ReviewError, StaleDecision
from reviews.services.credit import record_credit_check
from reviews.services.decisions import (
    ACTIONS,
    OUTCOME_LABELS,
    RETURN_NEEDS_A_FIELD,
    SMS_TEMPLATES,
    Decision,
    decide,
    resume_after_revision,
    start_review,
)
from reviews.services.experts import (
    assign_balanced,
    assign_expert,
    draw_experts,
    recuse,
)
from reviews.services.findings import record_finding
from reviews.services.naming import name_candidates
from reviews.services.publicity import (
    DEFAULT_PUBLICITY_WORKING_DAYS,
    close_publicity,
    lodge_objection,
    publicity_end,
    resolve_objection,
    start_publicity,
)
from reviews.services.scoring import close_expert_stage, reopen_sheet, save_scores

__all__ = [
    "ACTIONS",
    "DEFAULT_PUBLICITY_WORKING_DAYS",
    "OUTCOME_LABELS",
    "RETURN_NEEDS_A_FIELD",
    "SMS_TEMPLATES",
    "Decision",
    "ReviewError",
    "StaleDecision",
    "aggregate_for",
    "applicant_history",
    "assign_balanced",
    "assign_expert",
    "can_decide_at",
    "close_expert_stage",
    "close_publicity",
    "decide",
    "draw_experts",
    "expert_pool",
    "group_of",
    "lodge_objection",
    "name_candidates",
    "organiser_emails",
    "organisers",
    "publicity_end",
    "ranking_for",
    "record_credit_check",
    "record_finding",
    "recuse",
    "reopen_sheet",
    "resolve_objection",
    "resume_after_revision",
    "return_reasons",
    "route_of",
    "ruleset_of",
    "save_scores",
    "scores_of",
    "sheet_items",
    "stage_actor_emails",
    "stage_actors",
    "start_publicity",
    "start_review",
    "tie_preference",
]
