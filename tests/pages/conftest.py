"""The demo data, with one application carried on to the experts so their pages have content."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


def carry_to_experts() -> None:
    """张伟's Songjiang application, passed stage by stage (by whoever may decide there) up to
    the expert scoring, where expert_a scores it (expert_b works at the same unit: no)."""
    from applications.models import Application
    from portal.models import User
    from reviews import services, workflow
    from reviews.models import Assignment
    from reviews.permissions import can_decide_at, ruleset_of

    application = Application.objects.get(
        applicant__username="demo_zhang",
        round__version__programme__code="songjiang-chief-technician",
    )
    staff = list(User.objects.filter(roles__isnull=False).distinct().order_by("pk"))
    for _ in range(10):
        application.refresh_from_db()
        stage = ruleset_of(application).stage(application.stage)
        if stage.kind in workflow.EXPERT_KINDS:
            break
        actor = next(u for u in staff if can_decide_at(u, application, stage))
        # a group's approval records its meeting (the gate asks for it)
        services.decide(
            application=application,
            stage=stage.code,
            outcome="pass",
            by=actor,
            meeting="区协调小组2026年第3次会议纪要",
        )
    else:
        raise AssertionError("the demo application did not reach the expert scoring")
    office = User.objects.get(username="chen_office")
    services.assign_expert(
        application=application, expert=User.objects.get(username="expert_a"), by=office
    )
    assignment = Assignment.objects.get(application=application, expert__username="expert_a")
    items = services.sheet_items(ruleset_of(application))
    services.save_scores(
        assignment=assignment,
        by=assignment.expert,
        points={item.code: item.max_points for item in items},
        opinion="业绩突出，同意推荐。",
        submit=True,
    )


@pytest.fixture
def demo_at_every_stage(db):
    call_command("load_demo", stdout=io.StringIO())
    carry_to_experts()
