"""Issue 12: a request for another authority's object answers as a request for no object.

Every URL of the portal that names an object (the staff pages, their POST actions, the
exports, the admin's own views) is asked by staff of each authority for an object of each other
authority and for an object that does not exist. The two answers must be the same (a 403 for the
one and a 404 for the other would confirm that the object exists), and never a success.
"""

from __future__ import annotations

import pytest

from tests.portal.test_authority_scope import (  # noqa: F401  (fixtures)
    QINGPU,
    SHIZHONG,
    SONGJIANG,
    UNION,
    as_user,
    demo,
)

pytestmark = pytest.mark.slow

MISSING = 10**8

# One account of each kind per authority (the whole demo staff is crawled in
# test_authority_scope.py; here each one tries every object URL).
PROBERS = {
    "chen_office": SONGJIANG,
    "sun_finance": SONGJIANG,
    "zhao_street": SONGJIANG,
    "qingpu_office": QINGPU,
    "qingpu_finance": QINGPU,
    "shizhong_office": SHIZHONG,
    "union_city": UNION,
    "union_district": UNION,
    "union_expert": UNION,
}

# (method, url template): {name} is filled from an authority's objects (or the missing ones).
URLS = [
    ("get", "/applications/{application}/"),
    ("get", "/applications/{application}/edit/"),
    ("post", "/applications/{application}/autosave/"),
    ("post", "/applications/{application}/withdraw/"),
    ("get", "/applications/{application}/versions/1/"),
    ("get", "/applications/{application}/pdf/"),
    ("get", "/attachments/{attachment}/"),
    ("post", "/applications/{application}/attachments/{attachment}/delete/"),
    ("get", "/unit/nominations/{application}/"),
    ("get", "/reviews/applications/{application}/"),
    ("post", "/reviews/applications/{application}/decide/"),
    ("get", "/reviews/expert/{assignment}/"),
    ("post", "/reviews/expert/{assignment}/recuse/"),
    ("get", "/reviews/rounds/{round}/"),
    ("post", "/reviews/rounds/{round}/assign/"),
    ("post", "/reviews/rounds/{round}/assign-balanced/"),
    ("get", "/reviews/rounds/{round}/ranking/expert_review.xlsx"),
    ("post", "/reviews/rounds/{round}/close-expert-stage/"),
    ("post", "/reviews/rounds/{round}/credit-check/"),
    ("post", "/reviews/rounds/{round}/publicity/"),
    ("post", "/reviews/rounds/{round}/naming/"),
    ("get", "/subsidies/awards/{award}/"),
    ("get", "/subsidies/awards/{award}/statement.pdf"),
    ("post", "/subsidies/awards/{award}/assess/"),
    ("post", "/subsidies/recoveries/{claim}/confirm/"),
    ("post", "/subsidies/recoveries/{claim}/approve/"),
    ("get", "/subsidies/runs/{run}/"),
    ("get", "/subsidies/runs/{run}/status/"),
    ("get", "/subsidies/batches/{batch}/"),
    ("post", "/subsidies/batches/{batch}/approve/"),
    ("post", "/subsidies/batches/{batch}/paid/"),
    ("get", "/subsidies/batches/{batch}/payroll.xlsx"),
    ("get", "/programmes/{programme}/rules/"),
    ("get", "/programmes/{programme}/rules/copy/"),
    ("get", "/programmes/{programme}/rules/{version}/"),
    ("get", "/programmes/{programme}/rules/{version}/round/new/"),
    ("post", "/programmes/{programme}/rules/{version}/retire/"),
    ("get", "/messages/{message}/"),
    ("get", "/admin/programmes/programmeversion/diff/{version_pk}/{version_pk}/"),
]


# The office and an expert of each authority's pool, for the objects the demo lacks.
POOL = {
    SONGJIANG: ("chen_office", "expert_a"),
    QINGPU: ("qingpu_office", "qingpu_expert"),
    UNION: ("union_city", "union_expert"),
    SHIZHONG: ("shizhong_office", "shizhong_expert"),
}


def _complete_the_demo(code: str) -> None:
    """An expert's assignment and a payment run for an authority whose demo has none."""
    from applications.models import Application
    from portal.models import Authority, User
    from reviews.models import Assignment, Panel
    from subsidies.models import PaymentRun
    from subsidies.services import start_run

    office, expert = (User.objects.get(username=name) for name in POOL[code])
    via = "round__version__programme__authority__code"
    if not Assignment.objects.filter(**{"application__" + via: code}).exists():
        app = Application.objects.filter(**{via: code}).order_by("pk").first()
        panel = Panel.objects.create(round=app.round, stage="expert_review", created_by=office)
        Assignment.objects.create(
            panel=panel, application=app, expert=expert, method="manual", assigned_by=office
        )
    if not PaymentRun.objects.filter(authority__code=code).exists():
        start_run(
            kind="monthly",
            period="2026-11",
            authority=Authority.objects.get(code=code),
            by=office,
            enqueue=False,
        )


def _objects(code: str) -> dict:
    """One object of each kind of the authority `code` in the demo (MISSING where it has none)."""
    from applications.models import Application, Attachment
    from portal.models import Message
    from programmes.models import Programme, Round
    from reviews.models import Assignment
    from subsidies.models import Award, Payment, PaymentBatch, PaymentRun

    via = "round__version__programme__authority__code"
    award_via = "ruleset_version__programme__authority__code"

    def pk(queryset):
        found = queryset.order_by("pk").values_list("pk", flat=True).first()
        return found if found is not None else MISSING

    programme = Programme.objects.filter(authority__code=code).order_by("pk").first()
    version = programme.versions.order_by("number").first()
    return {
        "application": pk(Application.objects.filter(**{via: code})),
        "attachment": pk(Attachment.objects.filter(**{"application__" + via: code})),
        "assignment": pk(Assignment.objects.filter(**{"application__" + via: code})),
        "round": pk(Round.objects.filter(version__programme__authority__code=code)),
        "award": pk(Award.objects.filter(**{award_via: code})),
        "claim": pk(
            Payment.objects.filter(recovers__isnull=False, **{"award__" + award_via: code})
        ),
        "run": pk(PaymentRun.objects.filter(authority__code=code)),
        "batch": pk(PaymentBatch.objects.filter(authority__code=code)),
        "programme": programme.code,
        "version": version.number,
        "version_pk": version.pk,
        "message": pk(Message.objects.filter(recipient__roles__authority__code=code)),
    }


MISSING_OBJECTS = {
    "application": MISSING,
    "attachment": MISSING,
    "assignment": MISSING,
    "round": MISSING,
    "award": MISSING,
    "claim": MISSING,
    "run": MISSING,
    "batch": MISSING,
    "programme": "no-such-programme",
    "version": 999,
    "version_pk": MISSING,
    "message": MISSING,
}


def _ask(client, method: str, url: str) -> int:
    return getattr(client, method)(url).status_code


@pytest.mark.parametrize("username", list(PROBERS))
def test_another_authoritys_object_answers_as_no_object(username, as_user):  # noqa: F811
    from django.db import transaction

    mine = PROBERS[username]
    codes = [code for code in (SONGJIANG, QINGPU, UNION, SHIZHONG) if code != mine]
    for code in codes:
        _complete_the_demo(code)
    others = {code: _objects(code) for code in codes}
    client = as_user(username)
    problems = []
    for method, template in URLS:
        missing = _ask(client, method, template.format(**MISSING_OBJECTS))
        for code, objects in others.items():
            url = template.format(**objects)
            if url == template.format(**MISSING_OBJECTS):
                continue  # the authority has no such object in the demo
            # A POST that a leak would let through is rolled back with the test's transaction;
            # each one runs in a savepoint so that one refusal does not spoil the next.
            with transaction.atomic():
                status = _ask(client, method, url)
            if status != missing or status < 300:
                problems.append(f"{method.upper()} {url} ({code}): {status}, missing: {missing}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("office", "mine"),
    [("chen_office", SONGJIANG), ("qingpu_office", QINGPU), ("union_city", UNION)],
)
def test_an_office_compares_its_own_programmes_versions_in_the_admin(office, mine, as_user):  # noqa: F811
    """The admin's version diff (linked from the version list) opens for the office's own
    programme; another's answers 404 (the probe above)."""
    version = _objects(mine)["version_pk"]
    response = as_user(office).get(f"/admin/programmes/programmeversion/diff/{version}/{version}/")
    assert response.status_code == 200
