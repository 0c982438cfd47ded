"""Reads of review: queues scoped by the user's roles, one application's review file.

Each queue is one query (plus a constant few for the user's roles and the rule sets), scoped
by the same rules as reviews.permissions, so a queue never lists what its user may not open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from applications.models import Application
from portal.models import Role
from portal.roles import assignments_of
from programmes.models import ProgrammeVersion
from reviews import workflow

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


def ruleset_for(version_id: int, digest: str, load=None):
    """The parsed rule set of a version, from the process cache (programmes.models)."""
    from programmes.models import parsed_ruleset

    return parsed_ruleset(
        version_id,
        digest,
        lambda: (load() if load else ProgrammeVersion.objects.get(pk=version_id)).ruleset,
    )


def versions_in_use(user=None) -> dict[int, object]:
    """{version id: rule set} of the versions any round uses (kept on `user` for the request)."""
    cached = getattr(user, "_review_versions", None)
    if cached is not None:
        return cached
    from programmes.models import Round

    triples = list(Round.objects.order_by().values_list("id", "version_id", "version__digest"))
    versions = {pk: ruleset_for(pk, digest) for _r, pk, digest in sorted(triples)}
    if user is not None:
        user._review_versions = versions
        rounds: dict[int, list[int]] = {}
        for round_id, version_id, _digest in triples:
            rounds.setdefault(version_id, []).append(round_id)
        user._review_rounds = rounds
    return versions


def _rounds_of(user, version_id: int) -> list[int]:
    rounds = getattr(user, "_review_rounds", None)
    if rounds is None:
        from programmes.models import Round

        return list(Round.objects.filter(version_id=version_id).values_list("id", flat=True))
    return rounds.get(version_id, [])


def _ids(user, role: str, kind: str) -> list[int]:
    return [getattr(a, f"{kind}_id") for a in assignments_of(user) if a.role == role]


def _version_authorities(user) -> dict[int, int | None]:
    """{version id: the authority running its programme} (kept on `user` for the request)."""
    cached = getattr(user, "_review_version_authorities", None)
    if cached is None:
        from programmes.models import ProgrammeVersion

        cached = dict(ProgrammeVersion.objects.values_list("id", "programme__authority_id"))
        if user is not None:
            user._review_version_authorities = cached
    return cached


def _organises_version(user, version_id: int, ruleset) -> bool:
    """Whether the user's office (or the city union) runs this version's programme."""
    authority_id = _version_authorities(user).get(version_id)
    if authority_id is None:
        return False
    organiser = workflow.organiser_role(ruleset.workflow)
    for a in assignments_of(user):
        if a.authority_id != authority_id or a.role != organiser:
            continue
        if organiser == Role.DISTRICT_OFFICE:
            return True
        if organiser == Role.UNION_REVIEWER and a.union_id and a.union.kind == "city":
            return True
    return False


def _city_union(user, version_id: int) -> bool:
    """A reviewer of the city union, for a version whose programme the city union runs."""
    authority_id = _version_authorities(user).get(version_id)
    return any(
        a.role == Role.UNION_REVIEWER
        and a.union_id
        and a.union.kind == "city"
        and a.authority_id == authority_id
        for a in assignments_of(user)
    )


def _org_filters(user) -> dict[str, Q]:
    streets = _ids(user, Role.STREET_REVIEWER, "region")
    departments = _ids(user, Role.DEPARTMENT_REVIEWER, "department")
    unions = _ids(user, Role.UNION_REVIEWER, "union")
    units = _ids(user, Role.UNIT_HR, "unit")
    return {
        "organiser": Q(),
        "street": Q(street_id__in=streets),
        "department": Q(department_id__in=departments)
        | Q(department__isnull=True, unit__department_id__in=departments),
        "city_union": Q(),
        "union": Q(union_id__in=unions) | Q(union__isnull=True, unit__union_id__in=unions),
        "unit": Q(unit_id__in=units),
    }


def acting_stages(user) -> dict[int, dict[str, list[str]]]:
    """{version id: {organisation filter: [stage codes]}}: the stages of each rule-set version in
    use at which this user acts, by the organisation filter (_org_filters) that scopes them."""
    streets = _ids(user, Role.STREET_REVIEWER, "region")
    departments = _ids(user, Role.DEPARTMENT_REVIEWER, "department")
    unions = _ids(user, Role.UNION_REVIEWER, "union")
    units = _ids(user, Role.UNIT_HR, "unit")
    found: dict[int, dict[str, list[str]]] = {}
    for version_id, ruleset in versions_in_use(user).items():
        organiser = workflow.organiser_role(ruleset.workflow)
        is_organiser = _organises_version(user, version_id, ruleset)
        city_union = _city_union(user, version_id)
        codes: dict[str, list[str]] = {}  # which organisation filter -> the stage codes
        for stage in ruleset.workflow.stages:
            role = workflow.acting_role(ruleset.workflow, stage)
            if role == organiser and stage.scope in ("district", "city"):
                kind = "organiser" if is_organiser else None
            elif role == Role.STREET_REVIEWER and streets:
                kind = "street"
            elif role == Role.DEPARTMENT_REVIEWER and departments:
                kind = "department"
            elif role == Role.UNION_REVIEWER and stage.scope == "city" and city_union:
                kind = "city_union"
            elif role == Role.UNION_REVIEWER and unions and stage.scope != "city":
                kind = "union"
            elif role == Role.UNIT_HR and units:
                kind = "unit"
            else:
                kind = None
            if kind:
                codes.setdefault(kind, []).append(stage.code)
        if codes:
            found[version_id] = codes
    return found


def stage_scope_q(user) -> Q | None:
    """Q over Application: applications at a stage this user acts on, for its organisation."""
    if getattr(user, "is_superuser", False):
        return Q()
    org_filters = _org_filters(user)
    parts: list[Q] = []
    for version_id, codes in acting_stages(user).items():
        for kind, stage_codes in codes.items():
            at = Q(round_id__in=_rounds_of(user, version_id), stage__in=stage_codes)
            parts.append(at & org_filters[kind])
    if not parts:
        return None
    combined = parts[0]
    for part in parts[1:]:
        combined |= part
    return combined


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


def queue_for(user, filters: QueueFilter | None = None) -> QuerySet:
    """What waits for this user's decision: live applications at a stage the user acts on, for
    the user's street, department, union or district; filtered and sorted."""
    filters = filters or QueueFilter()
    scope = stage_scope_q(user)
    if scope is None:
        return Application.objects.none()
    qs = _base().filter(scope, status__in=LIVE_STATUSES)
    if filters.programme:
        qs = qs.filter(round__version__programme__code=filters.programme)
    if filters.round:
        qs = qs.filter(round_id=filters.round)
    if filters.stage:
        qs = qs.filter(stage=filters.stage)
    if filters.q:
        qs = qs.filter(
            Q(applicant__real_name__contains=filters.q) | Q(unit__name__contains=filters.q)
        )
    return qs.order_by(*SORTS.get(filters.sort, SORTS["waiting"]))


def queue_page(user, filters: QueueFilter | None, number, size: int = 25):
    """One page of the queue: (page, rows). The page is cut on ids alone (sorting narrow rows),
    then only its rows are loaded with their relations: two queries whatever the queue's size."""
    from django.core.paginator import Paginator

    ids = queue_for(user, filters).values_list("pk", flat=True)
    page = Paginator(ids, size).get_page(number)
    wanted = list(page.object_list)
    rows = (
        Application.objects.filter(pk__in=wanted)
        .select_related("round__version__programme", "applicant", "unit")
        .only(
            "id", "status", "stage", "stage_entered_at", "round_id", "applicant_id", "unit_id",
            "round__name", "round__version__digest", "round__version__programme__name",
            "applicant__real_name", "applicant__username", "unit__name",
        )
    )  # fmt: skip
    loaded = {app.pk: app for app in rows}
    return page, [loaded[pk] for pk in wanted if pk in loaded]


def expert_queue(user) -> QuerySet:
    """The expert's assignments (never anything not assigned), with their sheets."""
    from reviews.models import Assignment

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
    from programmes.selectors import working_day_calendar

    now = now or timezone.now()
    calendar = calendar or working_day_calendar()
    from reviews.models import Publicity

    rows = list(applications)
    deadlines: dict[date, date] = {}  # rows entered on the same day share their deadline
    stages = {}
    for app in rows:
        version = app.round.version
        stages[app.pk] = ruleset_for(version.pk, version.digest).stage(app.stage)
    publicity_ends = {}
    if any(stage is not None and stage.kind == "publicity" for stage in stages.values()):
        publicity_ends = {
            (p.round_id, p.stage): p.ends_on
            for p in Publicity.objects.filter(round_id__in={app.round_id for app in rows})
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
    from programmes.models import Programme

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


def office_rounds(user) -> list:
    """The rounds whose programme this user's office runs, newest first."""
    from programmes.models import Round
    from reviews.permissions import organises_round

    rounds = Round.objects.select_related("version__programme").defer("version__data")
    return [r for r in rounds.order_by("-opens_on", "name") if organises_round(user, r)]


def round_applications(round_) -> QuerySet:
    return (
        Application.objects.filter(round=round_)
        .exclude(status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN])
        .select_related("applicant", "unit", "round__version")
        .defer("round__version__data")
        .order_by("pk")
    )


def expert_assignments(applications, stage: str) -> dict[int, list]:
    from reviews.models import Assignment

    out: dict[int, list] = {}
    for a in (
        Assignment.objects.filter(application__in=applications, panel__stage=stage)
        .select_related("expert", "sheet")
        .order_by("expert__username")
    ):
        out.setdefault(a.application_id, []).append(a)
    return out


def open_publicities(today: date):
    """Publicities running today, for the public page."""
    from reviews.models import Publicity

    return (
        Publicity.objects.filter(starts_on__lte=today, ends_on__gte=today, closed_at__isnull=True)
        .select_related("round__version__programme")
        .defer("round__version__data")
        .order_by("ends_on")
    )


def publicity_listing(publicity) -> list:
    """The candidates still listed: name, unit and programme only."""
    return list(
        publicity.applications.filter(status=Application.Status.IN_REVIEW, stage=publicity.stage)
        .select_related("applicant", "unit")
        .only("id", "applicant__real_name", "applicant__username", "unit__name")
        .order_by("pk")
    )


def organised_versions(user) -> list[int]:
    """Ids of the rule-set versions (in use by a round) whose programme this user's office runs."""
    return [
        version_id
        for version_id, ruleset in versions_in_use(user).items()
        if _organises_version(user, version_id, ruleset)
    ]


def admin_scope_q(user) -> Q | None:
    """What the admin's application list shows: every application of the programmes the user's
    office runs, and what waits at the user's own stages."""
    if getattr(user, "is_superuser", False):
        return Q()
    parts = []
    organised = organised_versions(user)
    if organised:
        parts.append(Q(round__version_id__in=organised))
    staged = stage_scope_q(user)
    if staged is not None:
        parts.append(staged)
    if not parts:
        return None
    combined = parts[0]
    for part in parts[1:]:
        combined |= part
    return combined & ~Q(status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN])
