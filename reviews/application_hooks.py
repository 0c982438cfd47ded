"""The review's side of the declaration, registered with applications.hooks.

applications sits below reviews (.importlinter) and never imports it; ReviewsConfig.ready()
calls `register()` so that a submission starts the review, the unit's nomination decides at its
workflow stage, staff in review and assigned experts may open the application, and the
applicant's pages show the review's record.
"""

from __future__ import annotations

from applications import hooks
from reviews import permissions, services


def register() -> None:
    hooks.register_review(
        hooks.Review(
            start=services.start_review,
            resume=services.resume_after_revision,
            decide=services.decide,
            refusal=services.ReviewError,
            may_review=permissions.may_view_in_review,
            is_assigned_expert=permissions.is_assigned_expert,
            return_reasons=services.return_reasons,
            applicant_history=services.applicant_history,
        )
    )
