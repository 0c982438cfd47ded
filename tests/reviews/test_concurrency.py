"""Two staff deciding on one application at once, on two real PostgreSQL connections: exactly
one decision counts, the other is told in Chinese what happened."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from applications.models import Application
from reviews.services import StaleDecision, decide

pytestmark = [pytest.mark.pg, pytest.mark.django_db(transaction=True)]


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def test_two_simultaneous_decisions_leave_exactly_one(make_round, make_application, persona):
    app = make_application(make_round("songjiang-chief-technician"), stage="street_review")
    zhao, office = persona("zhao_street"), persona("admin")
    first_holds_lock = threading.Event()
    release = threading.Event()
    results: dict[str, object] = {}

    def first():
        try:
            with transaction.atomic():
                decide(application=app, stage="street_review", outcome="pass", by=zhao)
                first_holds_lock.set()
                release.wait(30)
            results["first"] = "passed"
        except Exception as exc:  # reported by the assertions below
            results["first"] = exc
        finally:
            connections.close_all()

    def second():
        first_holds_lock.wait(30)
        copy = Application.objects.get(pk=app.pk)  # what the second person saw: not yet moved
        copy.stage = "street_review"
        try:
            decide(
                application=copy, stage="street_review", outcome="reject", by=office, note="不符合"
            )
            results["second"] = "rejected"
        except StaleDecision as exc:
            results["second"] = exc
        except Exception as exc:
            results["second"] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    # the second decision is blocked on the first one's row lock before the first commits
    deadline = time.monotonic() + 30
    while not _waiting_on_a_lock():
        assert time.monotonic() < deadline, "the second decision never waited for the lock"
        time.sleep(0.02)
    release.set()
    for t in threads:
        t.join(30)

    assert results["first"] == "passed"
    assert isinstance(results["second"], StaleDecision), results["second"]
    assert "未生效" in results["second"].message and "赵强" in results["second"].message
    app.refresh_from_db()
    assert (app.status, app.stage) == ("in_review", "material_review")
    assert app.events.filter(action__in=["passed", "rejected"]).count() == 1
