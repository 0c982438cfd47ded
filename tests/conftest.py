"""Shared fixtures: the named personas of STYLE.md and the real services."""

from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(config, items):
    """Tests that use the database are marked `db` so `-m` can select them."""
    for item in items:
        if "django_db" in item.keywords or {"db", "transactional_db"} & set(
            getattr(item, "fixturenames", ())
        ):
            item.add_marker(pytest.mark.db)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The test database does not wait for the disk at each commit (`synchronous_commit=off`):
    a crash can lose only the last test's rows of a database that is thrown away anyway. Keeps
    pytest-django's per-process suffix (the dependency above) for parallel runs."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Tasks run in-process unless a test asks for the real worker (the `celery_worker` fixture).

    Pure unit tests (which may run without Django at all) are left alone.
    """
    if request.node.get_closest_marker("unit") or not request.config.pluginmanager.hasplugin(
        "django"
    ):
        yield
        return
    from portal.celery import app

    settings = request.getfixturevalue("settings")
    app.conf.task_always_eager = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    yield
    app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _own_cache(request):
    """Each test counts rate limits in a cache of its own (never the shared Redis)."""
    if request.node.get_closest_marker("unit") or not request.config.pluginmanager.hasplugin(
        "django"
    ):
        yield
        return
    settings = request.getfixturevalue("settings")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": request.node.nodeid,
        }
    }
    yield


@pytest.fixture
def demo_people(db):
    """The demo organisations and one account per role (li_ming, wang_hr, zhao_street, ...)."""
    from portal.demo import load_demo_people

    return load_demo_people()


@pytest.fixture
def persona(demo_people, django_user_model):
    def get(username: str):
        return django_user_model.objects.get(username=username)

    return get


@pytest.fixture
def login_as(client, persona):
    def login(username: str):
        user = persona(username)
        client.force_login(user, backend="portal.auth_backends.PhoneOrEmailBackend")
        return user

    return login


def _redis_url() -> str:
    return os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def celery_worker(transactional_db, tmp_path, settings):
    """A real Celery worker process on Redis, using the test database.

    Yields a small handle with the worker's mail directory. Tasks sent by the test process go
    to a queue of this test's own, so a stale message from another run is never picked up.
    """
    import subprocess
    import sys
    import time
    import uuid

    from django.db import connection

    from portal.celery import app

    queue = f"portal-test-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    db = connection.settings_dict
    db_url = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": db_url,
            "REDIS_URL": _redis_url(),
            "CELERY_QUEUE": queue,
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
        }
    )
    log = tmp_path / "worker.log"
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
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{queue}@%h",
        ],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.broker_url = _redis_url()
    app.conf.result_backend = _redis_url()
    app.conf.task_default_queue = queue
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError("Celery worker exited:\n" + log.read_text())
            if app.control.ping(
                destination=[f"{queue}@{__import__('socket').gethostname()}"], timeout=0.5
            ):
                break
            if time.monotonic() > deadline:
                raise RuntimeError("Celery worker did not start:\n" + log.read_text())

        class Worker:
            pass

        worker = Worker()
        worker.mail_dir = mail_dir
        worker.process = proc
        worker.queue = queue
        worker.log = log
        yield worker
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        app.conf.task_default_queue = "portal"
        app.conf.task_always_eager = True
