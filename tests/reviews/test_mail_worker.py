"""A decision's mail goes out after commit through a real Celery worker on Redis."""

from __future__ import annotations

import time

import pytest

from reviews.services import decide

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def test_return_for_revision_mails_the_applicant_through_the_worker(
    make_round, make_application, persona, celery_worker
):
    app = make_application(make_round("songjiang-chief-technician"), stage="street_review")
    decide(
        application=app,
        stage="street_review",
        outcome="return",
        by=persona("zhao_street"),
        field_reasons={"person.name": "姓名与身份证不一致"},
    )
    deadline = time.monotonic() + 60
    found = ""
    while time.monotonic() < deadline and not found:
        for path in celery_worker.mail_dir.glob("*"):
            text = path.read_text(encoding="utf-8", errors="replace")
            if app.applicant.email in text and "Subject:" in text:
                found = text
        time.sleep(0.2)
    assert found, celery_worker.log.read_text()[-2000:]
