"""The unit HR's pages: the applications sent to the unit, and its discussion and publicity."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from applications import hooks, services
from applications.display import readable
from applications.forms import DiscussionForm, PublicityForm
from applications.models import Application
from applications.permissions import unit_applications


@login_required
def unit_nominations(request):
    if not services.is_unit_hr(request.user):
        raise PermissionDenied("只有单位人事可以办理推荐")
    applications = (
        unit_applications(request.user)
        .exclude(status=Application.Status.DRAFT)
        .select_related("round__version__programme", "applicant", "unit", "nomination")
        .order_by("round", "-submitted_at")
    )
    rows = [{"application": a, "waiting": services.awaits_unit(a)} for a in applications]
    return render(request, "applications/unit_nominations.html", {"rows": rows})


@login_required
def unit_nomination(request, pk: int):
    application = get_object_or_404(
        unit_applications(request.user).select_related("round__version", "applicant", "unit"),
        pk=pk,
    )
    ruleset = services.ruleset_of(application)
    stages = services.unit_stages(ruleset, application.channel)
    stage = next((s for s in stages if s.code == application.stage), None)
    form_class = None
    if stage is not None:
        form_class = DiscussionForm if stage.kind == "unit_review" else PublicityForm
    form = form_class(request.POST or None) if form_class else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if stage.kind == "unit_review":
                services.record_discussion(
                    application=application,
                    by=request.user,
                    discussed_on=data["discussed_on"],
                    note=data["note"],
                    outcome=data["outcome"],
                )
            else:
                services.record_internal_publicity(
                    application=application,
                    by=request.user,
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    objections=data["objections"],
                    outcome=data["outcome"],
                )
        except services.ApplicationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        except hooks.refusals() as exc:  # the workflow's decision refused (reviews)
            form.add_error(None, exc.message)
        else:
            messages.success(request, "已办理。")
            return redirect("applications:unit_nominations")
    return render(
        request,
        "applications/unit_nomination.html",
        {
            "application": application,
            "stage": stage,
            "form": form,
            "rows": readable(ruleset, application.data, user=request.user, application=application),
            "rule": ruleset.eligibility.internal_publicity,
            "cap": next(
                (
                    c.cap_per_unit
                    for c in ruleset.eligibility.channels
                    if c.code == application.channel
                ),
                None,
            ),
            "used": services.nominated_count(application),
        },
    )
