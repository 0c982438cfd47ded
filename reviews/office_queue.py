"""Reads of the staff queue (/reviews/) beyond what waits: the filter's choices, the search over
every application in scope, the workbench's flags (resubmitted, overdue) and which listed rows
the user may decide on.

The queue lists what waits at the stages the user acts on (reviews.selectors.queue_for). A
search (`q`) looks further: every application the user may open (portal.scope, the view filter
reviews.permissions registers for Application), at any stage, by applicant name, unit name or
application number (the number printed on the form, 2026-000012, or its id). It never matches
ID numbers: those are stored encrypted, so no substring of one can be searched.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from applications.models import Application, ApplicationEvent
from portal import scope
from programmes.models import ProgrammeVersion
from programmes.selectors import working_day_calendar
from reviews import display, selectors
from reviews.models import Objection, Publicity
from reviews.selectors import QueueFilter

# The events that move an application along its path: the latest of them says where it stands.
FLOW_ACTIONS = ("review_started", "passed", "returned", "rejected", "resubmitted", "named")
ONLY = {"resubmitted", "overdue"}
_NUMBER = re.compile(r"^(?:(?P<year>\d{4})-)?(?P<id>\d{1,12})$")


# --- the filter's choices --------------------------------------------------------------------


def own_versions(user) -> list[int]:
    """Ids of the rule-set versions in use at which the user acts at some stage for the
    programme's authority, or whose programme the user's office runs (every version for the
    system admin)."""
    versions = selectors.versions_in_use(user)
    if getattr(user, "is_superuser", False):
        return sorted(versions)
    # a stage of a street, department or union counts where the user's organisation acts for
    # the programme's authority (a Songjiang street is no reviewer of a Qingpu programme)
    authorities = scope.staff_authority_ids(user) or set()
    acting = set(
        ProgrammeVersion.objects.filter(
            pk__in=list(selectors.acting_stages(user)), programme__authority_id__in=authorities
        ).values_list("pk", flat=True)
    )
    return sorted(acting | set(selectors.organised_versions(user)))


def own_programme_choices(user) -> list[tuple[str, str]]:
    """(code, name) of the programmes the user acts in, for the queue's programme filter."""
    rows = (
        ProgrammeVersion.objects.filter(pk__in=own_versions(user))
        .values_list("programme__code", "programme__name")
        .distinct()
    )
    return sorted(set(rows))


def own_stage_choices(user, programme: str = "") -> list[tuple[str, str]]:
    """(code, title) of the stages of the user's programmes (of `programme` alone when given),
    without the unit's nomination, in the order of the programmes' paths. A code two programmes
    share with different titles shows both titles."""
    wanted = ProgrammeVersion.objects.filter(pk__in=own_versions(user))
    if programme:
        wanted = wanted.filter(programme__code=programme)
    ids = set(wanted.values_list("pk", flat=True))
    titles: dict[str, list[str]] = {}
    for version_id, ruleset in sorted(selectors.versions_in_use(user).items()):
        if version_id not in ids:
            continue
        for stage in ruleset.workflow.stages:
            if stage.kind == "nomination":
                continue
            seen = titles.setdefault(stage.code, [])
            if stage.title not in seen:
                seen.append(stage.title)
    return [(code, "／".join(names)) for code, names in titles.items()]


# --- search --------------------------------------------------------------------------------


def search_q(text: str) -> Q:
    """Q over Application: applicant name, unit name or application number."""
    text = text.strip()
    found = (
        Q(applicant__real_name__icontains=text)
        | Q(applicant__username__iexact=text)
        | Q(unit__name__icontains=text)
    )
    match = _NUMBER.match(text)
    if match:
        number = Q(pk=int(match["id"]))
        if match["year"]:
            number &= Q(round__year=int(match["year"]))
        found |= number
    return found


def in_scope(user) -> QuerySet:
    """Every application the user may open (portal.scope), drafts and withdrawn ones aside."""
    return scope.visible(user, Application.objects.all()).exclude(
        status__in=[Application.Status.DRAFT, Application.Status.WITHDRAWN]
    )


def listing(user, filters: QueueFilter | None = None, *, today: date | None = None) -> QuerySet:
    """The queue page's rows: what waits for the user (filtered, flagged), or with a search
    text every application in scope that matches it; sorted as asked."""
    filters = filters or QueueFilter()
    if filters.q.strip():
        qs = filters.narrow(in_scope(user)).filter(search_q(filters.q))
        qs = qs.select_related("round__version__programme", "applicant", "unit", "street")
        qs = qs.defer("round__version__data", "data", "warn_reasons")
    else:
        qs = selectors.queue_for(
            user,
            QueueFilter(
                programme=filters.programme,
                round=filters.round,
                stage=filters.stage,
                sort=filters.sort,
            ),
        )
    if filters.only == "resubmitted":
        qs = resubmitted(qs)
    elif filters.only == "overdue":
        qs = qs.filter(pk__in=overdue_ids(user, today=today))
    return qs.order_by(*selectors.SORTS.get(filters.sort, selectors.SORTS["waiting"]))


def listing_page(user, filters: QueueFilter | None, number, size: int = 25):
    """One page of the listing: (page, rows), cut on ids first as selectors.queue_page does."""
    return selectors.page_of_rows(listing(user, filters), number, size)


def decidable_ids(user, applications) -> set[int]:
    """The listed applications that wait for this user's decision (one query)."""
    ids = [a.pk for a in applications]
    if not ids:
        return set()
    return set(selectors.queue_for(user).filter(pk__in=ids).values_list("pk", flat=True))


# --- the workbench's flags -----------------------------------------------------------------


def resubmitted(qs: QuerySet) -> QuerySet:
    """The applications whose latest step is a resubmission after a return (not decided since)."""
    latest = (
        ApplicationEvent.objects.filter(application=OuterRef("pk"), action__in=FLOW_ACTIONS)
        .order_by("-at", "-id")
        .values("action")[:1]
    )
    return qs.annotate(last_flow_action=Subquery(latest)).filter(last_flow_action="resubmitted")


def overdue_cutoff(today: date, calendar) -> date:
    """The last day a stage may have been entered and be overdue today: its deadline
    (selectors.stage_deadline, STAGE_WORKING_DAYS working days) falls before `today`."""
    day = today - timedelta(days=1)
    while selectors.stage_deadline(day, calendar) >= today:
        day -= timedelta(days=1)
    return day


def overdue_ids(user, *, today: date | None = None, calendar=None) -> list[int]:
    """Ids of what waits for the user past its deadline, as the queue marks it: a stage's
    working days, or a publicity's own last day."""
    today = today or timezone.localdate()
    calendar = calendar or working_day_calendar()
    waiting = selectors.queue_for(user)
    cutoff = overdue_cutoff(today, calendar)
    before = timezone.make_aware(datetime.combine(cutoff + timedelta(days=1), time.min))
    publicity_ends = {
        (p["round_id"], p["stage"]): p["ends_on"]
        for p in Publicity.objects.filter(
            round_id__in=waiting.values("round_id"), stage__in=waiting.values("stage")
        ).values("round_id", "stage", "ends_on")
    }
    candidates = waiting.filter(
        Q(stage_entered_at__lt=before)
        | Q(round_id__in={r for r, _s in publicity_ends}, stage__in={s for _r, s in publicity_ends})
    ).values_list("pk", "round_id", "stage", "stage_entered_at")
    found = []
    for pk, round_id, stage, entered in candidates:
        ends = publicity_ends.get((round_id, stage))
        if ends is not None:
            if today > ends:
                found.append(pk)
        elif entered is not None and entered < before:
            found.append(pk)
    return sorted(found)


def flag_counts(user, *, today: date | None = None) -> dict[str, int]:
    """{"resubmitted": n, "overdue": n} of what waits for the user."""
    return {
        "resubmitted": resubmitted(selectors.queue_for(user)).count(),
        "overdue": len(overdue_ids(user, today=today)),
    }


def open_objections(user) -> QuerySet:
    """Objections not yet resolved, in the rounds whose programme the user's office runs."""
    return (
        scope.visible(user, Objection.objects.filter(status=Objection.Status.OPEN))
        .select_related("publicity__round", "application__applicant")
        .order_by("lodged_at", "pk")
    )


def return_field_choices(applications) -> list[tuple[str, str]]:
    """The fields, tables and materials a batch return may name, over the rule sets of the
    listed applications (a key another rule set's form lacks is refused for that application
    by reviews.services.decide, with its reason)."""
    seen: dict[str, str] = {}
    versions = {}
    for app in applications:
        version = app.round.version
        versions.setdefault(version.pk, version.digest)
    for version_id, digest in sorted(versions.items()):
        for key, label in display.field_choices(selectors.ruleset_for(version_id, digest)):
            seen.setdefault(key, label)
    return list(seen.items())
