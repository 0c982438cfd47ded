"""What the database benchmarks set up alike: the rule sets and demo people loaded, a Songjiang
round of the benchmark's own (made again each time), `count` fresh applicant accounts, and a
signed-in session for a user."""

from __future__ import annotations

import io
from datetime import date

CODE = "songjiang-chief-technician"


def bench_round(name: str, *, status: str, opens_on: date, closes_on: date, year: int):
    """(round, demo units, the Chedun street): the named round emptied of its applications."""
    from django.core.management import call_command

    from applications.models import Application
    from portal.demo import load_demo_people
    from portal.models import Region
    from programmes.models import Programme, Round

    call_command("load_programmes", verbosity=0, stdout=io.StringIO(), stderr=io.StringIO())
    units = load_demo_people()
    version = Programme.objects.get(code=CODE).latest_version
    round_, _ = Round.objects.update_or_create(
        name=name,
        defaults={
            "version": version,
            "year": year,
            "opens_on": opens_on,
            "closes_on": closes_on,
            "quota": 25,
            "status": status,
        },
    )
    Application.objects.filter(round=round_).delete()
    return round_, units, Region.objects.get(code="songjiang-chedun")


def review_round(name: str):
    """bench_round of a closed 2026 round (1 March to 30 April) under review."""
    from programmes.models import Round

    return bench_round(
        name,
        status=Round.Status.REVIEW,
        opens_on=date(2026, 3, 1),
        closes_on=date(2026, 4, 30),
        year=2026,
    )


def in_material_review(round_, user, units, street, **fields):
    """An unsaved application of `user` in `round_`, nominated by the Songjiang machinery unit
    and at the office's material review (for bulk_create); `fields` on top."""
    from applications.models import Application

    return Application(
        round=round_,
        applicant=user,
        unit=units["songjiang_machinery"],
        channel="unit",
        status=Application.Status.IN_REVIEW,
        stage="material_review",
        street=street,
        **fields,
    )


def fresh_users(prefix: str, count: int, name: str):
    """`count` accounts named `prefix`0… (those of an earlier run deleted first)."""
    from portal.models import User

    User.objects.filter(username__startswith=prefix).delete()
    return User.objects.bulk_create(
        User(username=f"{prefix}{i}", real_name=f"{name}{i:04d}", password="!")
        for i in range(count)
    )


def session_for(user) -> str:
    """The key of a new signed-in session of `user` (the cookie a browser would hold)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "portal.auth_backends.PhoneOrEmailBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key
