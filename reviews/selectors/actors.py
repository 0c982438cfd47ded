"""Who acts at a stage for an application, and who organises its programme (to be told)."""

from __future__ import annotations

from applications.models import Application
from portal.models import User
from reviews import workflow
from reviews.permissions import can_decide_at, is_organiser_of, ruleset_of


def stage_actors(application: Application, stage) -> list:
    """The people who act at `stage` for this application."""
    role = workflow.acting_role(ruleset_of(application).workflow, stage)
    users = User.objects.filter(roles__role=role, is_active=True).distinct()
    return [u for u in users if can_decide_at(u, application, stage)]


def stage_actor_emails(application: Application, stage) -> list[str]:
    """The addresses of the people who act at `stage` for this application."""
    return [u.email for u in stage_actors(application, stage) if u.email]


def organisers(application: Application) -> list:
    """The office that runs the application's programme."""
    candidates = User.objects.filter(
        roles__role__in=["district_office", "union_reviewer"], is_active=True
    ).distinct()
    return [u for u in candidates if is_organiser_of(u, application)]


def organiser_emails(application: Application) -> list[str]:
    """The addresses of the office that runs the application's programme."""
    return [u.email for u in organisers(application) if u.email]
