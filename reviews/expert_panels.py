"""What the office may still put on an application's expert panel, and whether the panel's
sheets are in: the choices of the round page's assign and draw forms, and the ranking's warning.

The pool of one application is reviews.services.expert_pool's (the authority's active experts,
an expert of the applicant's unit left out, one already assigned or recused on it left out),
computed here for a whole stage at once so the round page stays a constant number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from portal.models import User
from reviews.models import Assignment, ExpertProfile

DEFAULT_DRAW = 3  # the draw's usual panel where the rule set says nothing (DrawForm's initial)


@dataclass(frozen=True)
class DrawOffer:
    """What the draw form offers for one application: at most `pool` experts."""

    pool: int
    default: int

    @property
    def possible(self) -> bool:
        return self.pool > 0


def draw_offer(pool_size: int, *, required: int | None = None, assigned: int = 0) -> DrawOffer:
    """The draw's default and maximum: as many as the panel still needs (the rule set's
    `experts_required`, else DEFAULT_DRAW, less those assigned), never more than the pool."""
    wanted = max((required or DEFAULT_DRAW) - assigned, 1)
    return DrawOffer(pool=pool_size, default=min(wanted, pool_size))


def _taken(apps, stage: str | None = None) -> dict[int, set[int]]:
    assignments = Assignment.objects.filter(application__in=apps)
    if stage is not None:
        assignments = assignments.filter(panel__stage=stage)
    taken: dict[int, set[int]] = {}
    for app_id, expert_id in assignments.values_list("application_id", "expert_id"):
        taken.setdefault(app_id, set()).add(expert_id)
    return taken


def eligible_experts(applications, stage: str | None = None) -> dict[int, list]:
    """{application id: [experts]} the office may still assign to it at `stage`, by name: the
    experts of the programme's authority (the assign form's pool, portal.scope.pool_experts),
    none of the applicant's unit, none already on its panel at that stage (every stage when
    None; a recused expert stays on the panel, recused, so is never offered again)."""
    apps = list(applications)
    if not apps:
        return {}
    authorities = {a.round.version.programme.authority_id for a in apps}
    pools: dict[int, set] = {}
    for user_id, authority_id in (
        User.objects.filter(roles__role="expert")
        .filter(Q(roles__authority_id__in=authorities) | Q(roles__authority__isnull=True))
        .values_list("pk", "roles__authority_id")
    ):
        pools.setdefault(user_id, set()).add(authority_id)
    units = dict(ExpertProfile.objects.filter(user_id__in=pools).values_list("user_id", "unit_id"))
    users = {u.pk: u for u in User.objects.filter(pk__in=pools)}
    taken = _taken(apps, stage)
    out: dict[int, list] = {}
    for app in apps:
        authority = app.round.version.programme.authority_id
        chosen = [
            users[pk]
            for pk, pool in pools.items()
            if pool & {authority, None}
            and not (app.unit_id and units.get(pk) == app.unit_id)
            and pk not in taken.get(app.pk, set())
        ]
        out[app.pk] = sorted(chosen, key=lambda u: (u.display_name, u.pk))
    return out


def draw_pools(applications) -> dict[int, int]:
    """{application id: how many experts a draw may take} (reviews.services.expert_pool: active
    experts of the authority's pool, or of no pool yet, none of the applicant's unit, none
    already on the application)."""
    apps = list(applications)
    if not apps:
        return {}
    authorities = {a.round.version.programme.authority_id for a in apps}
    profiles = list(
        ExpertProfile.objects.filter(active=True, user__roles__role="expert")
        .filter(Q(authority_id__in=authorities) | Q(authority__isnull=True))
        .values_list("user_id", "authority_id", "unit_id")
        .distinct()
    )
    taken = _taken(apps)
    out = {}
    for app in apps:
        authority = app.round.version.programme.authority_id
        out[app.pk] = len(
            {
                user_id
                for user_id, pool, unit_id in profiles
                if pool in (authority, None)
                and not (app.unit_id and unit_id == app.unit_id)
                and user_id not in taken.get(app.pk, set())
            }
        )
    return out


@dataclass(frozen=True)
class SheetCount:
    """Submitted score sheets of one application at an expert stage against what it needs."""

    submitted: int
    needed: int

    @property
    def short(self) -> bool:
        return self.submitted < self.needed


def sheets_needed(*, assigned: int, required: int | None) -> int:
    """The sheets an application needs before its ranking stands: the rule set's
    `experts_required`, else every assigned expert who has not recused, and at least one (the
    rule of reviews.requirements.expert_work_done, which the gate applies)."""
    return required or max(assigned, 1)


def sheet_counts(ruleset, assignments: dict[int, list], application_ids) -> dict[int, SheetCount]:
    """{application id: SheetCount} from the stage's assignments (selectors.expert_assignments:
    each with its sheet)."""
    required = ruleset.scoring.experts_required if ruleset.scoring else None
    counts = {}
    for pk in application_ids:
        active = [a for a in assignments.get(pk, []) if a.status == "assigned"]
        submitted = sum(
            1 for a in active if getattr(a, "sheet", None) is not None and a.sheet.submitted_at
        )
        counts[pk] = SheetCount(submitted, sheets_needed(assigned=len(active), required=required))
    return counts
