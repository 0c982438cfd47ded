"""The reviewers' pages: the queue, one application's file and the decision on it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.models import Application
from portal import audit
from portal.scope import may_see_full_identity
from reviews import display, selectors, services, workflow
from reviews.forms import DecisionForm
from reviews.models import ScoreSheet
from reviews.permissions import current_stage, is_organiser_of, may_decide, route_of, ruleset_of
from reviews.views.access import QUEUE_ROLES, _require_role, attachment_url
from reviews.views.queue_batch import PAGE_SIZE, queue_context

RECORDED_BODIES = {"coordination_group": "协调小组", "talent_office": "人才工作领导小组（办公室）"}

__all__ = ["PAGE_SIZE", "RECORDED_BODIES", "decide", "detail", "queue"]  # PAGE_SIZE: its old home


@login_required
def queue(request):
    """待审核: what waits at the stages this user acts on, for the user's organisation, with the
    batch actions and the export; with a search text, every application in scope that matches
    (reviews.views.queue_batch)."""
    _require_role(request.user, *QUEUE_ROLES)
    return render(request, "reviews/queue.html", queue_context(request.user, request.GET))


def _file_context(request, application, *, form=None):
    ruleset = ruleset_of(application)
    stage = current_stage(application)
    can_decide = may_decide(request.user, application)
    if can_decide and form is None:
        form = DecisionForm(
            initial={"stage": application.stage},
            outcomes=workflow.allowed_outcomes(stage),
            field_choices=display.field_choices(ruleset),
            recorded_for=RECORDED_BODIES.get(stage.role, ""),
            publicity_dates=stage.kind == "internal_publicity",
        )
    attachments = [(a, attachment_url(a)) for a in application.attachments.all()]

    sheets = []
    if is_organiser_of(request.user, application):
        sheets = list(
            ScoreSheet.objects.filter(assignment__application=application)
            .select_related("assignment__expert", "assignment__panel")
            .prefetch_related("rows")
            .order_by("assignment__panel__stage", "assignment__expert__username")
        )
    if may_see_full_identity(request.user, application):
        audit.record("view_full_id", obj=application)
    return {
        "sheets": sheets,
        "material_titles": {c.code: c.title for c in ruleset.form.checklist},
        "stage_titles": {s.code: s.title for s in ruleset.workflow.stages},
        "sheet_item_titles": {item.code: item.title for item in selectors.sheet_items(ruleset)},
        "application": application,
        "ruleset": ruleset,
        "stage": stage,
        "sections": display.present(
            ruleset,
            application.data,
            for_expert=False,
            full_identity=may_see_full_identity(request.user, application),
        ),
        "versions": application.versions.all(),
        "attachments": attachments,
        "events": _history(application, ruleset),
        "can_decide": can_decide,
        "form": form if can_decide else None,
        "path": workflow.path(ruleset.workflow, route_of(application)),
    }


def _history(application, ruleset) -> list[dict]:
    """The audit trail for staff: stage titles and status labels, internal notes included."""
    statuses = dict(Application.Status.choices)

    def title(code):
        stage = ruleset.stage(code) if code else None
        return stage.title if stage else code

    return [
        {
            "at": e.at,
            "actor": e.actor.display_name if e.actor else "",
            "from_stage": title(e.from_stage),
            "to_stage": title(e.to_stage),
            "from_status": statuses.get(e.from_status, e.from_status),
            "to_status": statuses.get(e.to_status, e.to_status),
            "note": e.note,
            "internal_note": e.internal_note,
        }
        for e in application.events.all()
    ]


def _viewable(request, pk) -> Application:
    try:
        application = selectors.review_file(pk)
    except Application.DoesNotExist:
        raise Http404 from None
    if not request.user.has_perm("reviews.view_application", application):
        raise Http404
    return application


@login_required
def detail(request, pk: int):
    """The application read-only: declaration, versions, materials, history, decision form."""
    _require_role(request.user, *QUEUE_ROLES)
    application = _viewable(request, pk)
    return render(request, "reviews/detail.html", _file_context(request, application))


@login_required
@require_POST
def decide(request, pk: int):
    _require_role(request.user, *QUEUE_ROLES)
    application = _viewable(request, pk)
    ruleset = ruleset_of(application)
    # the stage the decider saw: the form is built for it, so that a decision on an application
    # that moved on meanwhile is told so (StaleDecision) rather than refused as a bad form
    stage = ruleset.stage(request.POST.get("stage", "")) or current_stage(application)
    if stage is None:
        raise Http404
    form = DecisionForm(
        request.POST,
        outcomes=workflow.allowed_outcomes(stage),
        field_choices=display.field_choices(ruleset),
        recorded_for=RECORDED_BODIES.get(stage.role, ""),
        publicity_dates=stage.kind == "internal_publicity",
    )
    if form.is_valid():
        try:
            services.decide(
                application=application,
                stage=form.cleaned_data["stage"],
                outcome=form.cleaned_data["outcome"],
                by=request.user,
                note=form.full_note(),
                internal_note=form.cleaned_data["internal_note"],
                field_reasons=form.field_reasons(),
                meeting=form.cleaned_data.get("meeting") or "",
                publicity_dates=(
                    form.cleaned_data.get("publicity_starts_on"),
                    form.cleaned_data.get("publicity_ends_on"),
                ),
            )
        except services.StaleDecision as exc:
            messages.error(request, exc.message)
            return redirect("reviews:queue")
        except services.ReviewError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("已提交：%(name)s %(outcome)s。")
                % {
                    "name": application.applicant.display_name,
                    "outcome": services.OUTCOME_LABELS[form.cleaned_data["outcome"]],
                },
            )
            return redirect("reviews:queue")
    return render(
        request, "reviews/detail.html", _file_context(request, application, form=form), status=400
    )
