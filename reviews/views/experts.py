"""The experts' pages: their assignments, the score sheet, the declaration of a conflict."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.models import Role
from reviews import display, selectors, services
from reviews.forms import RecuseForm, ScoreSheetForm
from reviews.models import Assignment
from reviews.permissions import ruleset_of
from reviews.views.access import _require_role, attachment_url


@login_required
def expert_queue(request):
    """专家评审: the expert's own assignments only."""
    _require_role(request.user, Role.EXPERT)
    return render(
        request, "reviews/expert_queue.html", {"assignments": selectors.expert_queue(request.user)}
    )


def _own_assignment(request, pk: int):
    _require_role(request.user, Role.EXPERT)
    try:
        return Assignment.objects.select_related(
            "application__round__version__programme",
            "application__applicant",
            "panel__round__version",
        ).get(pk=pk, expert=request.user)
    except Assignment.DoesNotExist:
        raise Http404 from None


def _score_context(request, assignment, *, form=None, recuse_form=None):
    application = assignment.application
    ruleset = ruleset_of(application)
    sheet = getattr(assignment, "sheet", None)
    items = selectors.sheet_items(ruleset)
    if form is None:
        initial = {"opinion": sheet.opinion if sheet else ""}
        if sheet:
            initial.update({f"item_{r.item}": r.points for r in sheet.rows.all()})
        form = ScoreSheetForm(initial=initial, items=items)
    return {
        "assignment": assignment,
        "application": application,
        "sheet": sheet,
        "form": form,
        "recuse_form": recuse_form or RecuseForm(),
        "sections": display.present(
            ruleset, application.data, for_expert=True, full_identity=False
        ),
        "attachments": [
            (a, attachment_url(a))
            for a in application.attachments.all()
            if not display.hidden_from_experts(ruleset, a.item)
        ],
        "criteria": ruleset.scoring.criteria if ruleset.scoring else [],
        "locked": bool(sheet and sheet.submitted) or assignment.status != "assigned",
    }


@login_required
def score(request, pk: int):
    """The score sheet of one assignment: the declaration without ID, phone or bank fields."""
    assignment = _own_assignment(request, pk)
    if request.method == "POST":
        ruleset = ruleset_of(assignment.application)
        form = ScoreSheetForm(request.POST, items=selectors.sheet_items(ruleset))
        if form.is_valid():
            submit = "submit" in request.POST
            try:
                services.save_scores(
                    assignment=assignment,
                    by=request.user,
                    points=form.points(),
                    opinion=form.cleaned_data["opinion"],
                    submit=submit,
                )
            except services.ReviewError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("评分已提交。") if submit else _("评分已暂存。"))
                if submit:
                    return redirect("reviews:expert_queue")
                return redirect("reviews:score", pk=pk)
        return render(
            request,
            "reviews/score.html",
            _score_context(request, assignment, form=form),
            status=400,
        )
    return render(request, "reviews/score.html", _score_context(request, assignment))


@login_required
@require_POST
def recuse(request, pk: int):
    assignment = _own_assignment(request, pk)
    form = RecuseForm(request.POST)
    if form.is_valid():
        try:
            services.recuse(
                assignment=assignment, by=request.user, reason=form.cleaned_data["reason"]
            )
        except services.ReviewError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已申明回避，区人社局将重新分配专家。"))
            return redirect("reviews:expert_queue")
    return render(
        request,
        "reviews/score.html",
        _score_context(request, assignment, recuse_form=form),
        status=400,
    )
