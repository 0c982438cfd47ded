"""Reads of review: queues scoped by the user's roles, one application's review file.

Each queue is one query (plus a constant few for the user's roles and the rule sets), scoped
by the same rules as reviews.permissions (reviews.scopes), so a queue never lists what its user
may not open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone

from applications.models import Application
from programmes.models import Programme
from programmes.selectors import working_day_calendar
from reviews.models import Assignment, Publicity
from reviews.scopes import ruleset_for, stage_scope_q, versions_in_use

# How long a stage may take when the rule set gives no period (working days); the queue shows
# the deadline and marks what is overdue. Publicity stages use their own length.
STAGE_WORKING_DAYS = 10
SORTS = {
    "waiting": ("stage_entered_at", "id"),
    "-waiting": ("-stage_entered_at", "-id"),
    "name": ("applicant__real_name", "id"),
    "submitted": ("submitted_at", "id"),
}
LIVE_STATUSES = (Application.Status.IN_REVIEW, Application.Status.APPROVED)


def _base() -> QuerySet:
    return Application.objects.select_related(
        "round__version__programme", "applicant", "unit", "street"
    ).defer("round__version__data", "data", "warn_reasons")


@dataclass(frozen=True)
class QueueFilter:
    programme: str = ""
    round: int | None = None
    stage: str = ""
    q: str = ""
    sort: str = "waiting"
    only: str = ""  # "resubmitted" or "overdue": the workbench's flags (reviews.office_queue)

    def narrow(self, qs: QuerySet) -> QuerySet:
        """`qs` cut to the chosen programme, round and stage."""
        if self.programme:
            qs = qs.filter(round__version__programme__code=self.programme)
        if self.round:
            qs = qs.filter(round_id=self.round)
        if self.stage:
            qs = qs.filter(stage=self.stage)
        return qs


def queue_for(user, filters: QueueFilter | None = None) -> QuerySet:
    """What waits for this user's decision: live applications at a stage the user acts on, for
    the user's street, department, union or district; filtered and sorted."""
    filters = filters or QueueFilter()
    scope = stage_scope_q(user)
    if scope is None:
        return Application.objects.none()
    qs = filters.narrow(_base().filter(scope, status__in=LIVE_STATUSES))
    if filters.q:
        qs = qs.filter(
            Q(applicant__real_name__contains=filters.q) | Q(unit__name__contains=filters.q)
        )
    return qs.order_by(*SORTS.get(filters.sort, SORTS["waiting"]))


# The columns a queue row shows (the application, its round and programme, applicant, unit).
ROW_COLUMNS = (
    "id", "status", "stage", "stage_entered_at", "round_id", "applicant_id", "unit_id",
    "round__name", "round__year", "round__version__digest",
    "round__version__programme__name", "round__version__programme__code",
    "applicant__real_name", "applicant__username", "unit__name",
)  # fmt: skip


def page_of_rows(applications: QuerySet, number, size: int = 25):
    """(page, rows) of `applications`: the page is cut on ids alone (sorting narrow rows), then
    only its rows are loaded with their relations: two queries whatever the list's size."""
    ids = applications.values_list("pk", flat=True)
    page = Paginator(ids, size).get_page(number)
    wanted = list(page.object_list)
    rows = (
        Application.objects.filter(pk__in=wanted)
        .select_related("round__version__programme", "applicant", "unit")
        .only(*ROW_COLUMNS)
    )
    loaded = {app.pk: app for app in rows}
    return page, [loaded[pk] for pk in wanted if pk in loaded]


def queue_page(user, filters: QueueFilter | None, number, size: int = 25):
    """One page of the queue: (page, rows), as `page_of_rows` cuts it."""
    return page_of_rows(queue_for(user, filters), number, size)


def expert_queue(user) -> QuerySet:
    """The expert's assignments (never anything not assigned), with their sheets."""
    return (
        Assignment.objects.filter(expert=user)
        .select_related(
            "application__round__version__programme", "application__applicant", "panel", "sheet"
        )
        .defer("application__round__version__data", "application__data")
        .order_by("status", "-assigned_at")
    )


@dataclass(frozen=True)
class Waiting:
    since: datetime | None
    days: int
    deadline: date | None
    overdue: bool


def stage_deadline(entered: date, calendar) -> date:
    """The day a stage entered on `entered` is due (STAGE_WORKING_DAYS working days)."""
    try:
        return calendar.add_working_days(entered, STAGE_WORKING_DAYS)
    except ValueError:  # a year the calendar does not know: calendar weeks instead
        return entered + timedelta(days=STAGE_WORKING_DAYS * 7 // 5)


def waiting(application: Application, *, now: datetime, calendar, deadlines=None) -> Waiting:
    """How long the application has waited at its stage and when the stage is due."""
    since = application.stage_entered_at
    if since is None:
        return Waiting(None, 0, None, False)
    entered = timezone.localtime(since).date()
    today = timezone.localtime(now).date()
    if deadlines is None:
        deadlines = {}
    if entered not in deadlines:
        deadlines[entered] = stage_deadline(entered, calendar)
    deadline = deadlines[entered]
    return Waiting(since, (today - entered).days, deadline, today > deadline)


def annotate_rows(applications, *, now: datetime | None = None, calendar=None) -> list:
    """Attach stage title, waiting time and deadline to a page of applications."""
    now = now or timezone.now()
    calendar = calendar or working_day_calendar()

    rows = list(applications)
    deadlines: dict[date, date] = {}  # rows entered on the same day share their deadline
    stages = {}
    for app in rows:
        version = app.round.version
        stages[app.pk] = ruleset_for(version.pk, version.digest).stage(app.stage)
    # Read whether or not a publicity stage is on this page, so that the page's queries do not
    # depend on which applications it happens to list (one query either way).
    publicity_ends = {
        (p.round_id, p.stage): p.ends_on
        for p in Publicity.objects.filter(round_id__in={app.round_id for app in rows}).only(
            "round_id", "stage", "ends_on"
        )
    }
    for app in rows:
        stage = stages[app.pk]
        app.stage_title = stage.title if stage else app.stage
        app.waiting = waiting(app, now=now, calendar=calendar, deadlines=deadlines)
        ends = publicity_ends.get((app.round_id, app.stage))
        if ends is not None:  # a publicity runs to its own last day
            today = timezone.localtime(now).date()
            app.waiting = Waiting(app.waiting.since, app.waiting.days, ends, today > ends)
    return rows


def stage_choices(user) -> list[tuple[str, str]]:
    """(code, title) of the stages of the programmes in use, for the queue's filter."""
    seen: dict[str, str] = {}
    for ruleset in versions_in_use(user).values():
        for stage in ruleset.workflow.stages:
            if stage.kind != "nomination":
                seen.setdefault(stage.code, stage.title)
    return sorted(seen.items())


def programme_choices() -> list[tuple[str, str]]:
    return list(Programme.objects.order_by("code").values_list("code", "name"))


def review_file(application_id: int) -> Application:
    """One application with what its review page shows: versions, attachments, history."""
    return (
        Application.objects.select_related(
            "round__version__programme", "applicant", "unit", "street", "department", "union"
        )
        .prefetch_related("versions", "attachments", "events__actor", "events__field_reasons")
        .get(pk=application_id)
    )
