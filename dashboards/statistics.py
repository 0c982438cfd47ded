"""Statistics per role: one selector per table, each table also a chart and an xlsx file.

A table is {"key", "title", "columns", "rows", "chart"}; `chart` (or None) is the data of a
Chart.js chart drawn from local assets. The office sees the programmes of its district (an
office of the city level sees every programme); `scope_districts(user)` decides which.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Avg, Case, CharField, Count, Max, Min, Q, StdDev, Sum, When
from django.db.models.functions import Cast, ExtractYear, Substr

from applications.models import Application, ApplicationEvent
from portal import scope as authority_scope
from portal.models import Role, Unit
from portal.roles import has_role, scopes
from programmes.models import Round
from reviews.models import ScoreSheet
from subsidies.models import Assessment, Award, Funding, Payment

ALL = "*"


def scope_districts(user) -> set:
    """The authorities (ids) whose programmes the user's statistics cover (ALL: the system
    admin). The office and finance see their own authority's (portal.scope)."""
    office = authority_scope.office_authority_ids(user)
    finance = authority_scope.finance_authority_ids(user)
    if office is None or finance is None:
        return {ALL}
    return office | finance


def rounds_in_scope(districts: set):
    rounds = Round.objects.select_related("version__programme").order_by("-year", "name")
    if ALL in districts:
        return list(rounds)
    return list(rounds.filter(version__programme__authority_id__in=districts))


@dataclass
class Scope:
    """What one user's statistics cover: programmes of `districts`, applications `within`."""

    districts: set[str]
    within: Q = field(default_factory=Q)
    tables: frozenset[str] = frozenset()


APPLICATION_TABLES = frozenset({"stages", "streets", "unit_kinds", "time_in_stage"})
OFFICE_TABLES = APPLICATION_TABLES | {"scores", "awards", "money", "assessments"}


def scope_of(user) -> Scope | None:
    """The dashboard a user's roles give: the office sees everything of its district; a street,
    department or union reviewer the applications of their street, department or union;
    finance the awards and the money. None: no dashboard."""
    districts = scope_districts(user)
    offices = authority_scope.office_authority_ids(user)
    if user.is_superuser:
        return Scope({ALL}, Q(), OFFICE_TABLES)
    if has_role(user, Role.DISTRICT_OFFICE) and offices:
        return Scope(offices, Q(), OFFICE_TABLES)
    streets = scopes(user, Role.STREET_REVIEWER, "region")
    departments = scopes(user, Role.DEPARTMENT_REVIEWER, "department")
    unions = scopes(user, Role.UNION_REVIEWER, "union")
    if any(u.kind == "city" for u in unions) and offices:
        return Scope(offices, Q(), OFFICE_TABLES)
    if streets or departments or unions:
        within = Q(pk__in=[])
        if streets:
            within |= Q(street__in=streets)
        if departments:
            within |= Q(department__in=departments)
        if unions:
            within |= Q(union__in=unions)
        staff = authority_scope.staff_authority_ids(user)
        return Scope({ALL} if staff is None else staff, within, APPLICATION_TABLES)
    if has_role(user, Role.FINANCE) and districts:
        return Scope(districts, Q(), frozenset({"awards", "money"}))
    return None


def _applications(rounds, within: Q):
    return Application.objects.filter(round__in=rounds).filter(within)


def _short(label, limit: int = 12) -> str:
    text = str(label)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _chart(kind, labels, datasets) -> dict:
    """Chart.js data; long labels (stage titles) shortened, the table keeps them whole.
    `integer`: every value is a count, so the value axis has whole-number ticks only."""
    integer = all(
        isinstance(v, int) and not isinstance(v, bool) for d in datasets for v in d["data"]
    )
    return {
        "type": kind,
        "labels": [_short(x) for x in labels],
        "datasets": datasets,
        "integer": integer,
    }


def applications_per_stage(rounds, within: Q = Q()) -> dict:  # noqa: B008
    counts = Counter()
    titles = {}
    for row in (
        _applications(rounds, within)
        .exclude(status=Application.Status.DRAFT)
        .values("round", "stage", "status")
        .annotate(n=Count("id"))
    ):
        chosen = next(r for r in rounds if r.pk == row["round"])
        stage = chosen.version.ruleset.stage(row["stage"]) if row["stage"] else None
        title = stage.title if stage else row["stage"]
        key = (chosen.name, title, Application.Status(row["status"]).label)
        counts[key] += row["n"]
        titles[title] = True
    rows = [[r, s, st, n] for (r, s, st), n in sorted(counts.items())]
    per_stage = Counter()
    for (_r, s, _st), n in counts.items():
        per_stage[s] += n
    return {
        "key": "stages",
        "title": "各环节申报数",
        "columns": ["批次", "环节", "状态", "件数"],
        "rows": rows,
        "chart": _chart("bar", per_stage, [{"label": "件数", "data": list(per_stage.values())}]),
    }


def applications_per_street(rounds, within: Q = Q()) -> dict:  # noqa: B008
    rows = [
        [row["round__name"], row["street__name"] or "（主管部门/工会渠道）", row["n"]]
        for row in _applications(rounds, within)
        .exclude(status=Application.Status.DRAFT)
        .values("round__name", "street__name")
        .annotate(n=Count("id"))
        .order_by("round__name", "-n")
    ]
    totals = Counter()
    for _round, street, n in rows:
        totals[street] += n
    return {
        "key": "streets",
        "title": "各街镇申报数",
        "columns": ["批次", "街道/镇/园区", "件数"],
        "rows": rows,
        "chart": _chart("bar", totals, [{"label": "件数", "data": list(totals.values())}]),
    }


def applications_per_unit_kind(rounds, within: Q = Q()) -> dict:  # noqa: B008
    labels = dict(Unit.Kind.choices)
    counts = Counter()
    for row in (
        _applications(rounds, within)
        .exclude(status=Application.Status.DRAFT)
        .values("unit__kind")
        .annotate(n=Count("id"))
    ):
        counts[str(labels.get(row["unit__kind"], "未填单位"))] += row["n"]
    return {
        "key": "unit_kinds",
        "title": "按单位性质（行业）统计",
        "columns": ["单位性质", "件数"],
        "rows": [[k, n] for k, n in counts.most_common()],
        "chart": _chart("doughnut", counts, [{"label": "件数", "data": list(counts.values())}]),
    }


_SPANS = """
WITH marked AS (
  SELECT application_id, at, id, to_stage,
         LAG(to_stage) OVER (PARTITION BY application_id ORDER BY at, id) AS before
  FROM {events}
  WHERE to_stage <> '' AND application_id IN ({applications})
), changes AS (
  SELECT to_stage, at,
         LEAD(at) OVER (PARTITION BY application_id ORDER BY at, id) AS next_at
  FROM marked
  WHERE before IS NULL OR before <> to_stage
)
SELECT to_stage, COUNT(*), AVG({seconds}) / 86400.0, MAX({seconds}) / 86400.0
FROM changes WHERE next_at IS NOT NULL
GROUP BY to_stage
"""


def _stage_spans(applications) -> list[tuple[str, int, float, float]]:
    """(stage, spans, mean days, longest days) over the audit trail of `applications`, in the
    database: a span runs from the event that brought an application onto a stage to the next
    event that moved it to another one (events that leave the stage as it was are no change)."""
    inner, params = applications.values("pk").query.sql_with_params()
    if connection.vendor == "postgresql":
        seconds = "EXTRACT(EPOCH FROM (next_at - at))"
    else:  # SQLite, the demo's database
        seconds = "((julianday(next_at) - julianday(at)) * 86400.0)"
    sql = _SPANS.format(events=ApplicationEvent._meta.db_table, applications=inner, seconds=seconds)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(code, n, float(mean), float(longest)) for code, n, mean, longest in cursor]


def time_in_stage(rounds, within: Q = Q()) -> dict:  # noqa: B008
    """Mean and longest days spent in each stage, from the audit trail's transitions (summed
    by the database; the stages in the order of the rule sets' workflows)."""
    titles: dict[str, str] = {}
    for chosen in rounds:
        for stage in chosen.version.ruleset.workflow.stages:
            titles.setdefault(stage.code, stage.title)
    order = {code: index for index, code in enumerate(titles)}
    spans = sorted(
        _stage_spans(_applications(rounds, within)),
        key=lambda s: (order.get(s[0], len(order)), s[0]),
    )
    rows = [
        [titles.get(code, code), n, round(mean_days, 1), round(longest, 1)]
        for code, n, mean_days, longest in spans
    ]
    return {
        "key": "time_in_stage",
        "title": "各环节办理时长（天）",
        "columns": ["环节", "已办结件数", "平均天数", "最长天数"],
        "rows": rows,
        "chart": _chart(
            "bar", [r[0] for r in rows], [{"label": "平均天数", "data": [r[2] for r in rows]}]
        ),
    }


# The page lists the applications with the highest mean score; the xlsx lists them all.
SCORES_SHOWN = 50


def score_spread(rounds, *, limit: int | None = SCORES_SHOWN) -> dict:
    """Per scored application: the sheets submitted, mean, lowest, highest and (population)
    standard deviation of their totals, highest mean first; summed by the database, the
    declaration never read. `limit`: the first so many rows (None: all, for the xlsx)."""
    per_application = (
        ScoreSheet.objects.filter(
            assignment__application__round__in=rounds, submitted_at__isnull=False
        )
        .values("assignment__application")
        .annotate(
            n=Count("id"),
            mean=Avg("total"),
            low=Min("total"),
            high=Max("total"),
            spread=StdDev("total"),
            real_name=Max("assignment__application__applicant__real_name"),
            username=Max("assignment__application__applicant__username"),
        )
        .order_by("-mean", "assignment__application")
    )
    found = list(per_application if limit is None else per_application[:limit])
    total = len(found) if limit is None or len(found) < limit else per_application.count()
    rows = [
        [
            r["real_name"] or r["username"],
            r["n"],
            round(float(r["mean"]), 2),
            float(r["low"]),
            float(r["high"]),
            round(float(r["spread"] or 0), 2),
        ]
        for r in found
    ]
    table = {
        "key": "scores",
        "title": "专家评分分布",
        "columns": ["申报人", "评分专家数", "平均分", "最低分", "最高分", "标准差"],
        "rows": rows,
        "chart": _chart(
            "bar",
            [r[0] for r in rows],
            [
                {"label": "最低分", "data": [r[3] for r in rows]},
                {"label": "平均分", "data": [r[2] for r in rows]},
                {"label": "最高分", "data": [r[4] for r in rows]},
            ],
        ),
    }
    if total > len(rows):
        table["note"] = f"共 {total} 人，此处列平均分最高的 {len(rows)} 人；完整名单请下载 Excel。"
    return table


def _awards(districts):
    awards = Award.objects.all()
    if ALL not in districts:
        awards = awards.filter(ruleset_version__programme__authority_id__in=districts)
    return awards


def awards_active(districts) -> dict:
    labels = dict(Award.Title.choices)
    rows = [
        [
            row["ruleset_version__programme__name"],
            str(labels.get(row["title"], row["title"])),
            row["n"],
        ]
        for row in _awards(districts)
        .values("ruleset_version__programme__name", "title")
        .annotate(n=Count("id"))
        .order_by("ruleset_version__programme__name", "title")
    ]
    return {
        "key": "awards",
        "title": "命名人选（称号状态）",
        "columns": ["项目", "称号状态", "人数"],
        "rows": rows,
        "chart": None,
    }


def money_paid(districts) -> dict:
    labels = dict(Funding.choices)
    payments = Payment.objects.filter(award__in=_awards(districts))
    rows = []
    by_year = defaultdict(dict)
    for row in (
        # A one-time payment's period is "once": it counts in the year it falls due.
        payments.annotate(
            year=Case(
                When(
                    period__startswith="once",
                    then=Cast(ExtractYear("due_on"), output_field=CharField()),
                ),
                default=Substr("period", 1, 4),
            )
        )
        .values("year", "funding")
        .annotate(total=Sum("amount"))
        .order_by("year", "funding")
    ):
        label = str(labels.get(row["funding"], row["funding"]))
        total = row["total"] or Decimal("0")
        rows.append([row["year"], label, f"{total:.2f}"])
        by_year[label][row["year"]] = float(total)
    years = sorted({r[0] for r in rows})
    return {
        "key": "money",
        "title": "各资金渠道发放金额（元，按年度）",
        "columns": ["年度", "资金渠道", "金额（元）"],
        "rows": rows,
        "chart": _chart(
            "bar",
            years,
            [
                {"label": label, "data": [values.get(y, 0) for y in years]}
                for label, values in by_year.items()
            ],
        ),
    }


# What the table reads: names and the version (its rule set parsed once per process, its JSON
# never read again), not the payees' encrypted fields.
ASSESSMENT_COLUMNS = (
    "code",
    "due_on",
    "award__person__real_name",
    "award__person__username",
    "award__unit__name",
    "award__ruleset_version__programme__name",
    "award__ruleset_version__digest",
    "award__ruleset_version__source_file",
)


# The page lists the assessments due soonest; the xlsx lists them all.
ASSESSMENTS_SHOWN = 50


def assessments_due(districts, today: date, *, limit: int | None = ASSESSMENTS_SHOWN) -> dict:
    """The assessments without a result, soonest due first; `limit`: the first so many rows
    (None: all, for the xlsx), the page saying how many there are in all."""
    pending = (
        Assessment.objects.filter(award__in=_awards(districts), result="")
        .select_related("award__person", "award__unit", "award__ruleset_version__programme")
        .only(*ASSESSMENT_COLUMNS)
        .order_by("due_on", "pk")
    )
    found = list(pending if limit is None else pending[:limit])
    total = len(found) if limit is None or len(found) < limit else pending.count()
    rows = []
    for assessment in found:
        award = assessment.award
        who = award.person.display_name if award.person else (award.unit.name if award.unit else "")
        overdue = assessment.due_on < today
        rows.append(
            [
                award.ruleset_version.programme.name,
                who,
                next(
                    (
                        rule.label
                        for rule in award.ruleset_version.ruleset.assessments
                        if rule.code == assessment.code
                    ),
                    assessment.code,
                ),
                assessment.due_on.isoformat(),
                "已逾期" if overdue else "待考核",
            ]
        )
    table = {
        "key": "assessments",
        "title": "待考核与逾期考核",
        "columns": ["项目", "对象", "考核类型", "应考核日期", "状态"],
        "rows": rows,
        "chart": None,
    }
    if total > len(rows):
        table["note"] = f"共 {total} 项，此处列最早到期的 {len(rows)} 项；完整名单请下载 Excel。"
    return table


def dashboard(
    scope: Scope, *, round_id: int | None, today: date, full: bool = False
) -> tuple[list, list[dict]]:
    """The rounds and the tables of one scope (optionally one round); `full`: every row of
    the tables the page shows in part (the xlsx downloads)."""
    districts, within = scope.districts, scope.within
    rounds = rounds_in_scope(districts)
    chosen = [r for r in rounds if r.pk == round_id] if round_id else rounds
    makers = {
        "stages": lambda: applications_per_stage(chosen, within),
        "streets": lambda: applications_per_street(chosen, within),
        "unit_kinds": lambda: applications_per_unit_kind(chosen, within),
        "time_in_stage": lambda: time_in_stage(chosen, within),
        "scores": lambda: score_spread(chosen, limit=None if full else SCORES_SHOWN),
        "awards": lambda: awards_active(districts),
        "money": lambda: money_paid(districts),
        "assessments": lambda: assessments_due(
            districts, today, limit=None if full else ASSESSMENTS_SHOWN
        ),
    }
    tables = [make() for key, make in makers.items() if key in scope.tables]
    return rounds, tables
