"""Where the review plugs into the declaration: a registry filled in `AppConfig.ready()`.

applications sits below reviews in the layer contract (.importlinter): it never imports the
review. What the declaration needs from the review is registered here by the review
(reviews.application_hooks, from ReviewsConfig.ready), as the workbench panels are
(portal.workbench):

- `submitted`: a submission starts the review (the first) or resumes it (after a return), in the
  submission's own transaction, so the two commit together;
- `decide_stage`: the unit's nomination records its decision at a unit stage of the workflow;
  `refusals()` are the errors such a decision may raise with a message for the user;
- `may_review` / `is_assigned_expert`: who else opens an application (staff in review, the experts
  assigned to it);
- `return_reasons` / `applicant_history`: the review's record shown on the applicant's pages.

Without a registered review nothing else may open an application and a submission only freezes
its version.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Review:
    """What the review offers the declaration (one engine; see the module docstring)."""

    start: Callable[..., object]  # start_review(*, application, by)
    resume: Callable[..., object]  # resume_after_revision(*, application, by)
    decide: Callable[..., object]  # decide(*, application, stage, outcome, by, note)
    refusal: type[Exception]  # what decide raises for the user; `.message` is Chinese
    may_review: Callable[[object, object], bool]  # (user, application)
    is_assigned_expert: Callable[[object, object], bool]  # (user, application)
    return_reasons: Callable[[object], dict[str, str]]  # (application) -> {field key: reason}
    applicant_history: Callable[[object], list[dict]]  # (application) -> events as shown


_review: Review | None = None


def register_review(review: Review) -> None:
    global _review
    _review = review


def registered_review() -> Review | None:
    return _review


def _required() -> Review:
    if _review is None:
        raise RuntimeError("没有登记评审流程（reviews 未安装）。")
    return _review


def submitted(*, application, by, first: bool) -> None:
    """Hand a submitted application to the review (inside the submission's transaction)."""
    if _review is None:
        return
    if first:
        _review.start(application=application, by=by)
    else:
        _review.resume(application=application, by=by)


def decide_stage(*, application, stage: str, outcome: str, by, note: str) -> None:
    _required().decide(application=application, stage=stage, outcome=outcome, by=by, note=note)


def refusals() -> tuple[type[Exception], ...]:
    return (_review.refusal,) if _review is not None else ()


def may_review(user, application) -> bool:
    return _review is not None and _review.may_review(user, application)


def is_assigned_expert(user, application) -> bool:
    return _review is not None and _review.is_assigned_expert(user, application)


def return_reasons(application) -> dict[str, str]:
    return _review.return_reasons(application) if _review is not None else {}


def applicant_history(application) -> list[dict] | None:
    """The history as the applicant sees it, or None when no review tells it."""
    return _review.applicant_history(application) if _review is not None else None
