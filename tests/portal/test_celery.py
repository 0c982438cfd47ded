"""Mail goes out after commit through a real Celery worker on Redis."""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from portal.notifications import notify
from portal.tasks import ping

pytestmark = [pytest.mark.celery, pytest.mark.pg]


def wait_for(predicate, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_worker_answers_through_redis(celery_worker):
    assert ping.delay().get(timeout=30) == "pong"


def test_mail_is_sent_by_the_worker_only_after_commit(celery_worker):
    with transaction.atomic():
        notify(recipients=["li_ming@example.cn"], subject="申报已提交", body="您的申报已提交。")
        time.sleep(1)
        assert not list(celery_worker.mail_dir.iterdir())
    assert wait_for(lambda: list(celery_worker.mail_dir.iterdir()))
    content = next(celery_worker.mail_dir.iterdir()).read_text()
    assert "li_ming@example.cn" in content


def test_rolled_back_change_sends_no_mail(celery_worker):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        notify(recipients=["li_ming@example.cn"], subject="不应发送", body="x")
        raise Boom
    assert ping.delay().get(timeout=30) == "pong"  # the worker has drained its queue
    assert not list(celery_worker.mail_dir.iterdir())
