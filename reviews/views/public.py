"""The public publicity pages (no sign-in): the running publicities, and objections to them."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.ratelimits import over_limit, refusal_message
from reviews import selectors, services
from reviews.forms import ObjectionForm


def publicity_list(request):
    """公示 (no sign-in): the publicities running today."""
    return render(
        request,
        "reviews/publicity_list.html",
        {"publicities": selectors.open_publicities(timezone.localdate())},
    )


def publicity_detail(request, pk: int):
    """One publicity: the candidates' name, unit and programme only; anyone may object."""
    today = timezone.localdate()
    publicity = get_object_or_404(selectors.open_publicities(today), pk=pk)
    listed = selectors.publicity_listing(publicity)
    candidates = [(a.pk, a.applicant.display_name) for a in listed]
    form = ObjectionForm(request.POST or None, candidates=candidates)
    status = 200
    if request.method == "POST":
        if over_limit(request, group="objection"):
            form.is_valid()
            form.add_error(None, refusal_message("objection"))
            status = 429
        elif form.is_valid():
            app = next(a for a in listed if a.pk == form.cleaned_data["application"])
            try:
                services.lodge_objection(
                    publicity=publicity,
                    application=app,
                    name=form.cleaned_data["name"],
                    contact=form.cleaned_data["contact"],
                    text=form.cleaned_data["text"],
                )
            except services.ReviewError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("您的异议已提交，我们将核实处理并与您联系。"))
                return redirect("reviews:publicity_detail", pk=publicity.pk)
        if status != 429:
            status = 400
    return render(
        request,
        "reviews/publicity_detail.html",
        {"publicity": publicity, "listed": listed, "form": form},
        status=status,
    )
