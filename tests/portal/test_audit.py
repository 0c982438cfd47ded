"""Issue 16, item 7: application events and the audit log are append-only in PostgreSQL; the log
records sign-ins and failures, refusals, views of full ID and bank-account numbers, exports,
decisions and admin changes, without personal data; rows are kept at least 184 days; the system
admin (and only they) can search it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from portal import audit
from portal.demo import DEMO_PASSWORD
from portal.models import AuditLog, User

pytestmark = pytest.mark.django_db


def _refused(sql: str, params=()):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def _insert_aged(days: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO portal_auditlog (at, actor, action, object_type, object_id, result, detail)"
            " VALUES (%s, 'x', 'sign_in', '', '', 'ok', '') RETURNING id",
            [timezone.now() - timedelta(days=days)],
        )
        return cursor.fetchone()[0]


@pytest.mark.pg
def test_the_audit_log_refuses_update_and_delete_of_young_rows(demo_people):
    audit.record("sign_in", user=User.objects.get(username="li_ming"))
    row = AuditLog.objects.get()
    _refused("UPDATE portal_auditlog SET actor = 'someone' WHERE id = %s", [row.pk])
    _refused("DELETE FROM portal_auditlog WHERE id = %s", [row.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditLog.objects.filter(pk=row.pk).update(result="changed")
    assert AuditLog.objects.get(pk=row.pk).actor == "li_ming"


@pytest.mark.pg
def test_application_events_refuse_update_and_delete(demo_people):
    from django.core.management import call_command

    from applications import services
    from applications.models import ApplicationEvent
    from portal.models import Unit
    from programmes.models import Round

    call_command("load_programmes", verbosity=0)
    call_command("open_demo_rounds", verbosity=0)
    application = services.start_application(
        round=Round.objects.get(version__programme__code="songjiang-chief-technician"),
        by=User.objects.get(username="li_ming"),
        channel="unit",
        unit=Unit.objects.get(name__contains="松江精密"),
    )
    event = ApplicationEvent.objects.filter(application=application).first()
    assert event is not None
    _refused(
        "UPDATE applications_applicationevent SET note = 'rewritten' WHERE id = %s", [event.pk]
    )
    _refused("DELETE FROM applications_applicationevent WHERE id = %s", [event.pk])
    # the decision was also named in the security log
    assert AuditLog.objects.filter(
        action="decision", object_type="applications.application", object_id=str(application.pk)
    ).exists()


@pytest.mark.pg
def test_the_purge_keeps_at_least_184_days():
    old = _insert_aged(200)
    kept = _insert_aged(183)
    assert audit.purge(days=30) == 1  # asked for 30, keeps 184 anyway
    ids = set(AuditLog.objects.values_list("id", flat=True))
    assert old not in ids and kept in ids
    # the database itself refuses a purge that would cut into the 184 days
    _refused("DELETE FROM portal_auditlog WHERE id = %s", [kept])


def test_sign_in_and_failures_are_recorded_without_the_typed_identifier(client, demo_people):
    client.post(reverse("login"), {"username": "13800000001", "password": "Wrong#Guess1"})
    client.post(reverse("login"), {"username": "nobody@example.cn", "password": "Wrong#Guess1"})
    client.post(reverse("login"), {"username": "li_ming", "password": DEMO_PASSWORD})
    rows = list(AuditLog.objects.order_by("id").values("action", "actor", "address", "result"))
    assert rows == [
        {
            "action": "sign_in_failed",
            "actor": "li_ming",
            "address": "127.0.0.1",
            "result": "failed",
        },
        {"action": "sign_in_failed", "actor": "", "address": "127.0.0.1", "result": "failed"},
        {"action": "sign_in", "actor": "li_ming", "address": "127.0.0.1", "result": "ok"},
    ]
    assert "nobody" not in str(list(AuditLog.objects.values()))


def test_a_refused_request_is_recorded(client, login_as):
    login_as("li_ming")
    response = client.get("/subsidies/awards/999999/")
    assert response.status_code in (403, 404)
    row = AuditLog.objects.get(action="refused")
    assert row.actor == "li_ming" and row.object_id == "/subsidies/awards/999999/"


def test_views_of_full_numbers_and_exports_are_recorded_and_hold_no_personal_data(
    client, demo_people
):
    from django.core.management import call_command

    from portal.scope import visible
    from subsidies.models import Award

    call_command("load_demo", verbosity=0)
    office = User.objects.get(username="chen_office")
    # an award of chen_office's own authority (others' awards answer 404 since authz)
    award = visible(office, Award.objects.filter(person__isnull=False)).order_by("pk").first()
    assert award is not None
    award.person_account = "6217000011112222333"
    award.save()
    client.force_login(office, backend="portal.auth_backends.PhoneOrEmailBackend")
    assert client.get(f"/subsidies/awards/{award.pk}/").status_code == 200
    assert AuditLog.objects.filter(
        action="view_full_id", actor="chen_office", object_id=str(award.pk)
    ).exists()
    assert AuditLog.objects.filter(action="view_bank_account", object_id=str(award.pk)).exists()
    response = client.get(reverse("statistics") + "?download=streets")
    assert response.status_code == 200
    assert AuditLog.objects.filter(action="export", actor="chen_office").exists()
    # no ID number, phone or account number anywhere in the log
    text = " ".join(str(v) for row in AuditLog.objects.values() for v in row.values())
    assert not re.search(r"\d{17}[\dX]|1[3-9]\d{9}|6217\d{10,}", text), text


def test_the_applicant_viewing_their_own_application_is_not_a_full_id_view(client, login_as):
    from django.core.management import call_command

    from applications.models import Application

    call_command("load_demo", verbosity=0)
    li = login_as("li_ming")
    application = Application.objects.filter(applicant=li).first()
    assert client.get(f"/applications/{application.pk}/").status_code == 200
    assert not AuditLog.objects.filter(action="view_full_id").exists()


def test_admin_changes_are_recorded(client, login_as):
    from portal.models import Unit

    login_as("admin")
    unit = Unit.objects.first()
    response = client.post(
        f"/admin/portal/unit/{unit.pk}/change/",
        {
            "name": unit.name + "（改）",
            "credit_code": unit.credit_code,
            "kind": unit.kind,
            "tax_district": unit.tax_district_id,
            "street": unit.street_id or "",
            "department": unit.department_id or "",
            "union": unit.union_id or "",
            "may_nominate": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = AuditLog.objects.get(action="admin_change")
    assert (row.actor, row.object_type, row.object_id, row.result) == (
        "admin",
        "portal.unit",
        str(unit.pk),
        "changed",
    )


@pytest.mark.parametrize(("username", "allowed"), [("admin", True), ("chen_office", False)])
def test_only_the_system_admin_searches_the_log(client, login_as, username, allowed):
    audit.record("sign_in", user=User.objects.get(username="li_ming"))
    login_as(username)
    response = client.get("/admin/portal/auditlog/?q=li_ming")
    if allowed:
        assert response.status_code == 200
        assert "li_ming" in response.content.decode()
        # read-only: no add, no change
        assert client.get("/admin/portal/auditlog/add/").status_code == 403
    else:
        assert response.status_code in (302, 403, 404)
