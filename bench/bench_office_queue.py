"""Benchmark: the district office's review queue with 2,000 applications in one round.

`run()` makes (again, each time) a Songjiang round of its own in the benchmark database with
2,000 applications waiting at the office's material review, signs in as chen_office and times
`GET /reviews/` (the first page of the queue: 25 rows, filters, waiting time and deadline)
against a bare Django view in the same process that lists the same 25 rows with a one-line
template. Figures: the queue's median and 95th-percentile milliseconds (goal: median at most
twice the bare view's), and its query count with 200 and with 2,000 applications (goal: the
same). Prints nothing.
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import timedelta
from pathlib import Path

from bench.django_setup import setup_django

ROOT = Path(__file__).resolve().parents[1]
APPLICATIONS = int(os.environ.get("BENCH_QUEUE_APPLICATIONS", "2000"))
SMALL = 200
REQUESTS = int(os.environ.get("BENCH_QUEUE_REQUESTS", "60"))
WARMUP = 5
ROUND_NAME = "基准测试：区人社局审核队列"
USER_PREFIX = "bench_queue_"

urlpatterns: list = []  # filled by _urls() once Django is set up


def _setup_django() -> None:
    setup_django()


def bare_view(request):
    """The baseline: the same first 25 rows, one query, a one-line template."""
    from django.http import HttpResponse
    from django.template import engines

    from applications.models import Application

    rows = (
        Application.objects.filter(round__name=ROUND_NAME, stage="material_review")
        .select_related("applicant", "unit")
        .only("id", "stage", "stage_entered_at", "applicant__real_name", "unit__name")
        .order_by("stage_entered_at", "id")[:25]
    )
    template = engines["django"].from_string(
        "<table>{% for a in rows %}<tr><td>{{ a.applicant.real_name }}</td>"
        "<td>{{ a.unit.name }}</td><td>{{ a.stage_entered_at }}</td></tr>{% endfor %}</table>"
    )
    return HttpResponse(template.render({"rows": rows}, request))


def _urls() -> None:
    from django.urls import include, path

    urlpatterns[:] = [path("bench/bare/", bare_view), path("", include("portal.urls"))]


def _prepare(count: int):
    """The round and `count` applications at the office's material review; returns the round."""
    from django.utils import timezone

    from applications.models import Application
    from bench.fixtures import fresh_users, in_material_review, review_round

    round_, units, street = review_round(ROUND_NAME)
    users = fresh_users(USER_PREFIX, count, "申报人")
    now = timezone.now()
    Application.objects.bulk_create(
        in_material_review(
            round_,
            user,
            units,
            street,
            stage_entered_at=now - timedelta(minutes=7 * i),
            data={"person": {"name": user.real_name}},
            submitted_at=now - timedelta(days=30),
        )
        for i, user in enumerate(users)
    )
    from django.db import connection

    with connection.cursor() as cursor:  # what autovacuum would do after a bulk load
        cursor.execute("ANALYZE applications_application; ANALYZE portal_user")
    return round_


def _time(client, urls: list[str]) -> dict[str, list[float]]:
    """Milliseconds per request of each URL, the URLs taken in turn so that both see the same
    load on the machine."""
    for _ in range(WARMUP):
        for url in urls:
            client.get(url)
    samples: dict[str, list[float]] = {url: [] for url in urls}
    for _ in range(REQUESTS):
        for url in urls:
            started = time.perf_counter()
            response = client.get(url)
            samples[url].append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
    return samples


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured.captured_queries)


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def run() -> list[dict]:
    _setup_django()
    _urls()
    from django.test import Client, override_settings

    from portal.models import User

    with override_settings(ROOT_URLCONF="bench.bench_office_queue", DEBUG=False):
        _prepare(SMALL)
        office = User.objects.get(username="chen_office")
        client = Client()
        client.force_login(office, backend="portal.auth_backends.PhoneOrEmailBackend")
        queries_small = _queries(client, "/reviews/")
        _prepare(APPLICATIONS)
        queries_full = _queries(client, "/reviews/")
        bare_queries = _queries(client, "/bench/bare/")
        samples = _time(client, ["/reviews/", "/bench/bare/"])
        queue, bare = samples["/reviews/"], samples["/bench/bare/"]
    median, bare_median = statistics.median(queue), statistics.median(bare)
    ratio = median / bare_median if bare_median else float("inf")
    details = {
        "applications": APPLICATIONS,
        "requests": REQUESTS,
        "queue_median_ms": round(median, 2),
        "queue_p95_ms": round(_p95(queue), 2),
        "bare_median_ms": round(bare_median, 2),
        "bare_p95_ms": round(_p95(bare), 2),
        "ratio": round(ratio, 2),
        "queue_queries_200": queries_small,
        "queue_queries_2000": queries_full,
        "bare_queries": bare_queries,
    }
    return [
        {
            "name": "office queue median (2,000 applications)",
            "value": round(median, 2),
            "unit": "ms",
            "goal": f"≤ 2 × bare view ({bare_median:.1f} ms)",
            "met": ratio <= 2.0,
            "details": details,
        },
        {
            "name": "office queue p95 (2,000 applications)",
            "value": round(_p95(queue), 2),
            "unit": "ms",
            "goal": "reported",
            "met": True,
            "details": {"bare_p95_ms": details["bare_p95_ms"]},
        },
        {
            "name": "office queue queries (200 → 2,000 applications)",
            "value": queries_full,
            "unit": "queries",
            "goal": f"constant (200 applications: {queries_small})",
            "met": queries_full == queries_small,
            "details": {"bare_queries": bare_queries},
        },
    ]
