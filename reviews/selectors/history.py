"""The trail of one application as its applicant may see it, and the reasons of its last return."""

from __future__ import annotations

from applications.models import Application
from reviews.permissions import ruleset_of


def stage_title(ruleset, code: str) -> str:
    stage = ruleset.stage(code)
    return stage.title if stage else code


def applicant_history(application: Application) -> list[dict]:
    """The audit trail as the applicant sees it: who, when, from, to and the note, without the
    internal notes and without the office's internal steps (expert assignments, draws)."""
    internal = {"expert_assigned", "experts_drawn", "expert_recused", "sheet_reopened"}
    ruleset = ruleset_of(application)
    return [
        {
            "at": e.at,
            "actor": e.actor.display_name if e.actor else "",
            "action": e.action,
            "from_stage": stage_title(ruleset, e.from_stage) if e.from_stage else "",
            "to_stage": stage_title(ruleset, e.to_stage) if e.to_stage else "",
            "to_status": e.to_status,
            "note": e.note,
            "field_reasons": {r.field: r.reason for r in e.field_reasons.all()},
        }
        for e in application.events.select_related("actor")
        .prefetch_related("field_reasons")
        .exclude(action__in=internal)
        .order_by("at", "id")
    ]


def return_reasons(application: Application) -> dict[str, str]:
    """The field reasons of the latest return, for the applicant's form ({field key: reason})."""
    event = application.events.filter(action="returned").order_by("-at", "-id").first()
    if event is None:
        return {}
    return {row.field: row.reason for row in event.field_reasons.all()}
