"""The staff queue's tools (/reviews/): its context (what waits, the search in scope, the
filters of one's own programmes), the batch actions and the export.

Thin views over reviews.office_queue (reads), reviews.batch_actions (the same services as one
decision at a time) and reviews.queue_export; the filters offer only the user's own programmes
and their stages.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import scope
from reviews import batch_actions, office_queue, queue_export, selectors
from reviews.queue_forms import BATCH_REASON_ROWS, BatchForm, QueueForm
from reviews.selectors import QueueFilter
from reviews.views.access import QUEUE_ROLES, _require_role

PAGE_SIZE = 25


def queue_filters(user, params) -> tuple[QueueForm, QueueFilter]:
    """The queue's filter form over `params` (a GET) and the filters it gives."""
    programmes = office_queue.own_programme_choices(user)
    programme = params.get("programme", "")
    if programme not in {code for code, _name in programmes}:
        programme = ""
    form = QueueForm(
        params or None,
        programmes=programmes,
        stages=office_queue.own_stage_choices(user, programme),
    )
    filters = QueueFilter()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = QueueFilter(
            programme=data["programme"] or "",
            round=data["round"],
            stage=data["stage"] or "",
            q=(data["q"] or "").strip(),
            sort=data["sort"] or "waiting",
            only=data["only"] or "",
        )
    return form, filters


def batch_form_for(user, applications, data=None) -> BatchForm:
    return BatchForm(
        data,
        field_choices=office_queue.return_field_choices(applications),
        authority_ids=scope.office_authority_ids(user),
        may_assign=bool(selectors.organised_versions(user)) or user.is_superuser,
    )


def queue_context(user, params, *, batch_form=None, selected=()) -> dict:
    form, filters = queue_filters(user, params)
    page, rows = office_queue.listing_page(user, filters, params.get("page"), PAGE_SIZE)
    rows = selectors.annotate_rows(rows)
    decidable = office_queue.decidable_ids(user, rows)
    batch_form = batch_form or batch_form_for(user, rows)
    query = params.copy()
    query.pop("page", None)
    return {
        "form": form,
        "filters": filters,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "back": "?" + params.urlencode() if params else "",
        "export_url": reverse("reviews:queue_export") + ("?" + query.urlencode() if query else ""),
        "searching": bool(filters.q),
        "decidable": decidable,
        "selected": set(selected),
        "batch_form": batch_form,
        "batch_reason_rows": [
            (batch_form[f"reason_field_{i}"], batch_form[f"reason_text_{i}"])
            for i in range(BATCH_REASON_ROWS)
        ],
        "may_assign": len(batch_form.fields["action"].choices) > 2,
    }


def _back_params(request) -> QueryDict:
    back = request.POST.get("back", "")
    return QueryDict(back[1:] if back.startswith("?") else "")


@login_required
@require_POST
def queue_batch(request):
    """Pass, return or assign the selected applications, each through the service a decision
    on its own page calls; each refusal is reported with its reason (reviews.batch_actions).
    A selection naming an application the user may not open answers 404."""
    _require_role(request.user, *QUEUE_ROLES)
    params = _back_params(request)
    try:
        selection = batch_actions.resolve(request.user, request.POST.getlist("selected"))
    except batch_actions.OutsideScope:
        raise Http404 from None
    except batch_actions.BadSelection as exc:
        messages.error(request, exc.message)
        return redirect(reverse("reviews:queue") + ("?" + params.urlencode() if params else ""))
    form = batch_form_for(request.user, [s.application for s in selection], request.POST)
    if not form.is_valid():
        context = queue_context(
            request.user,
            params,
            batch_form=form,
            selected=[s.application.pk for s in selection],
        )
        return render(request, "reviews/queue.html", context, status=400)
    data = form.cleaned_data
    action = data["action"]
    try:
        if action in batch_actions.OUTCOMES:
            result = batch_actions.decide_many(
                user=request.user,
                selection=selection,
                outcome=action,
                note=data["note"],
                field_reasons=form.field_reasons() if action == "return" else {},
                internal_note=data["internal_note"],
                meeting=data["meeting"] if action == "pass" else "",
            )
        elif action == "assign":
            result = batch_actions.assign_many(
                user=request.user, selection=selection, expert=data["expert"]
            )
        else:
            result = batch_actions.draw_many(
                user=request.user, selection=selection, count=data["count"], seed=data["seed"]
            )
    except batch_actions.BadSelection as exc:
        messages.error(request, exc.message)
    else:
        (messages.success if result.done else messages.warning)(request, result.summary())
        for row in result.refused:
            messages.error(
                request,
                _("%(name)s（申报编号 %(number)s）未办理：%(why)s")
                % {"name": row.name, "number": row.number, "why": row.message},
            )
    return redirect(reverse("reviews:queue") + ("?" + params.urlencode() if params else ""))


@login_required
def export_queue(request):
    """The filtered queue (or search) as xlsx: only applications the user may open."""
    _require_role(request.user, *QUEUE_ROLES)
    _form, filters = queue_filters(request.user, request.GET)
    return queue_export.queue_xlsx(request.user, filters)
