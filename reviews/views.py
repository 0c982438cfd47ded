"""Staff pages of review: thin views that parse a form, call one service, render.

Object permissions come from reviews.permissions (rules), and the lists from reviews.selectors
with the same scopes; a page a user may not open answers 404 (it does not say it exists) and a
page of a role the user does not hold answers 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.models import Application
from portal.models import Role
from portal.roles import has_role, sees_full_identity
from reviews import display, selectors, services, workflow
from reviews.forms import DecisionForm, QueueFilterForm
from reviews.permissions import current_stage, may_decide, ruleset_of

QUEUE_ROLES = (
    Role.STREET_REVIEWER,
    Role.DEPARTMENT_REVIEWER,
    Role.UNION_REVIEWER,
    Role.DISTRICT_OFFICE,
    Role.SYSTEM_ADMIN,
)
PAGE_SIZE = 25


def _require_role(user, *roles):
    if not has_role(user, *roles):
        raise PermissionDenied(_("您没有访问该页面的权限。"))


def attachment_url(attachment) -> str | None:
    try:
        return reverse("applications:attachment", args=[attachment.pk])
    except NoReverseMatch:
        return None


@login_required
def queue(request):
    """待审核: what waits at the stages this user acts on, for the user's organisation."""
    _require_role(request.user, *QUEUE_ROLES)
    form = QueueFilterForm(
        request.GET or None,
        programmes=selectors.programme_choices(),
        stages=selectors.stage_choices(request.user),
    )
    filters = selectors.QueueFilter()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.QueueFilter(
            programme=data["programme"] or "",
            round=data["round"],
            stage=data["stage"] or "",
            q=data["q"] or "",
            sort=data["sort"] or "waiting",
        )
    page = Paginator(selectors.queue_for(request.user, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = selectors.annotate_rows(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reviews/queue.html",
        {"form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )


def _file_context(request, application, *, form=None):
    ruleset = ruleset_of(application)
    stage = current_stage(application)
    can_decide = may_decide(request.user, application)
    if can_decide and form is None:
        form = DecisionForm(
            initial={"stage": application.stage},
            outcomes=workflow.allowed_outcomes(stage),
            field_choices=display.field_choices(ruleset),
        )
    attachments = [(a, attachment_url(a)) for a in application.attachments.all()]
    return {
        "application": application,
        "ruleset": ruleset,
        "stage": stage,
        "sections": display.present(
            ruleset,
            application.data,
            for_expert=False,
            full_identity=sees_full_identity(request.user),
        ),
        "versions": application.versions.all(),
        "attachments": attachments,
        "events": application.events.all(),
        "can_decide": can_decide,
        "form": form if can_decide else None,
        "path": workflow.path(ruleset.workflow, services.route_of(application)),
    }


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
    stage = current_stage(application)
    if not may_decide(request.user, application):
        raise PermissionDenied(_("您无权在该阶段作出决定。"))
    form = DecisionForm(
        request.POST,
        outcomes=workflow.allowed_outcomes(stage),
        field_choices=display.field_choices(ruleset_of(application)),
    )
    if form.is_valid():
        try:
            services.decide(
                application=application,
                stage=form.cleaned_data["stage"],
                outcome=form.cleaned_data["outcome"],
                by=request.user,
                note=form.cleaned_data["note"],
                internal_note=form.cleaned_data["internal_note"],
                field_reasons=form.field_reasons(),
            )
        except services.StaleDecision as exc:
            messages.error(request, exc.message)
            return redirect("reviews:detail", pk=application.pk)
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
