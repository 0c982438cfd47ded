"""Staff pages of review: thin views that parse a form, call one service, render.

Object permissions come from reviews.permissions (rules), and the lists from reviews.selectors
with the same scopes; a page a user may not open answers 404 (it does not say it exists) and a
page of a role the user does not hold answers 403. One module per page family: `queue`
(reviewers), `experts`, `office` (the organising office's rounds), `public` (publicity, no
sign-in); reviews.urls names every page.
"""

from reviews.views.access import QUEUE_ROLES, attachment_url
from reviews.views.experts import expert_queue, recuse, score
from reviews.views.office import (
    assign,
    assign_balanced,
    close_expert_stage,
    close_publicity,
    credit_check,
    naming,
    office_round,
    office_rounds,
    ranking_export,
    reopen_sheet,
    resolve_objection,
    start_publicity,
)
from reviews.views.public import publicity_detail, publicity_list
from reviews.views.queue import PAGE_SIZE, RECORDED_BODIES, decide, detail, queue
from reviews.views.queue_batch import export_queue, queue_batch

__all__ = [
    "PAGE_SIZE",
    "QUEUE_ROLES",
    "RECORDED_BODIES",
    "assign",
    "assign_balanced",
    "attachment_url",
    "close_expert_stage",
    "close_publicity",
    "credit_check",
    "decide",
    "detail",
    "expert_queue",
    "export_queue",
    "naming",
    "office_round",
    "office_rounds",
    "publicity_detail",
    "publicity_list",
    "queue",
    "queue_batch",
    "ranking_export",
    "recuse",
    "reopen_sheet",
    "resolve_objection",
    "score",
    "start_publicity",
]
