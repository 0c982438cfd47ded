"""The beat tasks (run in-process here), the beat schedule, a failed run recorded as failed."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from portal.celery import app
from subsidies import services, tasks
from subsidies.models import Payment, PaymentRun

pytestmark = pytest.mark.django_db

EVERYONE = [
    "li_ming",
    "gu_base",
    "wang_hr",
    "zhao_street",
    "qian_dept",
    "zhou_union",
    "chen_office",
    "expert_a",
    "sun_finance",
    "admin",
]


def test_the_beat_schedule_names_registered_tasks():
    app.loader.import_default_modules()
    schedule = settings.CELERY_BEAT_SCHEDULE
    names = {entry["task"] for entry in schedule.values()}
    assert {n for n in names if n.startswith("subsidies.")} == {
        "subsidies.monthly_run",
        "subsidies.annual_run",
        "subsidies.assessment_reminders",
    }
    assert names <= set(app.tasks)
    monthly = schedule["subsidies-monthly-run"]["schedule"]
    assert monthly.day_of_month == {1}
    assert schedule["subsidies-annual-run"]["schedule"].month_of_year == {1}


def test_the_monthly_and_annual_tasks_are_idempotent(award_for):
    award_for("songjiang-chief-technician", date(2025, 12, 10))
    award_for("shizhong-chief-technician", date(2024, 12, 20), unit_key="shizhong_works")
    first = PaymentRun.objects.get(pk=tasks.monthly_run.delay("2026-01").get())
    again = PaymentRun.objects.get(pk=tasks.monthly_run.delay("2026-01").get())
    assert (first.created, again.created, again.existing) == (1, 0, 1)
    annual = PaymentRun.objects.get(pk=tasks.annual_run.delay(2026).get())
    assert (annual.kind, annual.created) == ("annual", 1)
    assert Payment.objects.count() == 2


def test_the_reminder_task(award_for, monkeypatch):
    award_for("songjiang-chief-technician", date(2025, 3, 10))  # mid-term due 2026-09-30
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 9, 10))
    assert tasks.assessment_reminders.delay().get() == 1
    assert tasks.assessment_reminders.delay().get() == 0


def test_a_run_that_fails_is_recorded_as_failed(db, monkeypatch):
    run = services.start_run(kind="monthly", period="2026-01", enqueue=False)

    def broken(*args, **kwargs):
        raise RuntimeError("数据库不可用")

    monkeypatch.setattr("subsidies.ledger.execute_run", broken)
    with pytest.raises(RuntimeError):
        tasks.execute_run.delay(run.pk)
    run.refresh_from_db()
    assert (run.status, run.error) == ("failed", "数据库不可用")


def test_the_assessments_and_run_pages_are_the_offices(client, login_as, award_for, persona):
    from portal.models import Authority

    award_for("songjiang-chief-technician", date(2024, 1, 10))
    # An office's run is its authority's (beat's runs, for every authority, the admin's).
    run = services.start_run(
        kind="monthly",
        period="2026-01",
        enqueue=False,
        by=persona("chen_office"),
        authority=Authority.objects.get(code="songjiang-hrss"),
    )
    urls = [
        reverse("subsidies:assessments"),
        reverse("subsidies:runs"),
        reverse("subsidies:run", args=[run.pk]),
        reverse("subsidies:run_status", args=[run.pk]),
    ]
    for username in EVERYONE:
        client.logout()
        login_as(username)
        for url in urls:
            code = client.get(url).status_code
            assert code == (200 if username in {"chen_office", "admin"} else 403), (username, url)
