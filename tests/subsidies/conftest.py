"""Fixtures of the subsidies tests: the rule sets loaded, rounds, named awards."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The rule sets and the demo people, loaded once for the session's database tests.

    Tests on a real worker (transactional) run last and empty the tables; the fixtures below
    load again what is missing.
    """
    from portal.demo import load_demo_people

    with django_db_blocker.unblock():
        call_command("load_programmes", verbosity=0, stdout=io.StringIO())
        load_demo_people()


@pytest.fixture
def demo_people(db):
    """The demo units by key (loaded when a transactional test has emptied the tables)."""
    from portal.demo import UNITS, load_demo_people
    from portal.models import Unit, User

    if not User.objects.filter(username="admin").exists():
        return load_demo_people()
    codes = {spec["key"]: spec["credit_code"] for spec in UNITS}
    by_code = {u.credit_code: u for u in Unit.objects.filter(credit_code__in=codes.values())}
    return {key: by_code[code] for key, code in codes.items()}


@pytest.fixture
def versions(db):
    """The five rule sets as versions, by programme code."""
    from programmes.models import ProgrammeVersion

    if ProgrammeVersion.objects.count() < 5:
        call_command("load_programmes", verbosity=0, stdout=io.StringIO())
    return {v.programme.code: v for v in ProgrammeVersion.objects.select_related("programme")}


@pytest.fixture
def make_application(versions, demo_people, persona):
    """An application of `code` by `username` for its unit, as a review would leave it."""
    from applications.models import Application
    from programmes.models import Round

    def make(code: str = "songjiang-chief-technician", username: str = "li_ming", unit=None):
        version = versions[code]
        round_, _ = Round.objects.get_or_create(
            version=version,
            name=f"{version.programme.name} 2025",
            defaults={"year": 2025, "opens_on": date(2025, 1, 1), "closes_on": date(2025, 3, 31)},
        )
        return Application.objects.create(
            round=round_,
            applicant=persona(username),
            unit=unit if unit is not None else demo_people["songjiang_machinery"],
            status=Application.Status.APPROVED,
        )

    return make


@pytest.fixture
def award_for(versions, demo_people, persona):
    """An award without a declaration (imported), named on `named_on`."""
    from subsidies.services import name_award

    def make(code: str, named_on: date, username: str = "li_ming", unit_key="songjiang_machinery"):
        person = persona(username)
        return name_award(
            version=versions[code],
            name=person.display_name,
            person=person,
            unit=demo_people[unit_key],
            document_number=f"{code}-{named_on.isoformat()}",
            named_on=named_on,
            by=persona("chen_office"),
        )

    return make


@pytest.fixture
def second_worker(celery_worker, tmp_path):
    """Another worker process on the same queue as `celery_worker`: two tasks run at once."""
    import os
    import socket
    import subprocess
    import sys
    import time

    from django.db import connection

    from portal.celery import app

    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": (
                f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
                f"{db['NAME']}"
            ),
            "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            "CELERY_QUEUE": celery_worker.queue,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
    )
    name = f"{celery_worker.queue}-2"
    log = tmp_path / "worker2.log"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "-Q",
            celery_worker.queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{name}@%h",
        ],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[f"{name}@{socket.gethostname()}"], timeout=0.5):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("second Celery worker did not start:\n" + log.read_text())
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
