"""A return's text message to a phone-only applicant goes out after commit through the real
Celery worker, by the backend SMS_BACKEND names (here the file backend, one file per text)."""

from __future__ import annotations

import time

import pytest

from portal.models import Role, User
from portal.roles import grant
from reviews.services import decide

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sms_dir(tmp_path, monkeypatch):
    """The worker's SMS backend and folder (set before the worker starts: it reads them)."""
    folder = tmp_path / "sms"
    monkeypatch.setenv("SMS_BACKEND", "portal.sms.FileSmsBackend")
    monkeypatch.setenv("SMS_FILE_PATH", str(folder))
    return folder


def test_the_worker_texts_a_phone_only_applicant_of_a_return(
    sms_dir, make_round, make_application, persona, celery_worker
):
    applicant = User.objects.create(username="13912340002", real_name="陆海", phone="13912340002")
    grant(applicant, Role.APPLICANT)
    app = make_application(
        make_round("songjiang-chief-technician"), applicant=applicant, stage="street_review"
    )
    decide(
        application=app,
        stage="street_review",
        outcome="return",
        by=persona("zhao_street"),
        field_reasons={"material.id_card": "身份证复印件不清晰"},
    )
    deadline = time.monotonic() + 60
    texts: list[str] = []
    while time.monotonic() < deadline and not texts:
        texts = [p.read_text("utf-8") for p in sms_dir.glob("*.sms")] if sms_dir.exists() else []
        time.sleep(0.3)
    assert texts, celery_worker.log.read_text()[-2000:]
    (text,) = [t for t in texts if t.startswith("13912340002\n")]
    _phone, template, message = text.splitlines()
    assert template == "returned"
    assert message.startswith("【人才项目申报平台】您的申报“2026年度松江区首席技师”已被退回修改：")
    assert "身份证复印件不清晰" in message
