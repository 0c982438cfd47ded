"""The demo awards (idempotent, ledger equal to the schedule), the workbench and the admin."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone

from subsidies import ledger
from subsidies.apps import SubsidiesConfig
from subsidies.models import Award, Payment, PaymentRun

pytestmark = pytest.mark.django_db


def test_the_demo_awards_are_loaded_once_with_their_ledger(versions, demo_people):
    from django.apps import apps

    config: SubsidiesConfig = apps.get_app_config("subsidies")
    out = io.StringIO()
    config.load_demo(out)
    assert "演示命名 4 项" in out.getvalue()
    count = Payment.objects.count()
    config.load_demo(io.StringIO())
    assert Award.objects.count() == 4 and Payment.objects.count() == count
    today = timezone.localdate()
    month_end = ledger.month_window(today.strftime("%Y-%m"))[1]
    for award in Award.objects.all():
        ruleset = award.ruleset_version.ruleset
        expected = set()
        for p in ledger.due_for_award(award, until=month_end):
            kind = ledger.run_kind_of(ruleset, p.kind)
            if kind == PaymentRun.Kind.MONTHLY or p.date.year <= today.year:
                expected.add((p.kind, p.period, p.amount))
        held = set(award.payments.values_list("kind", "period", "amount"))
        assert held == expected, award.name
    assert Payment.objects.filter(kind="studio_grant").exists()
    assert Payment.objects.filter(kind="first_tranche").exists()


def test_the_workbench_shows_the_office_and_finance_panels(client, login_as, versions):
    from django.apps import apps

    apps.get_app_config("subsidies").load_demo(io.StringIO())
    login_as("chen_office")
    page = client.get(reverse("workbench")).content.decode()
    assert reverse("subsidies:awards") in page and reverse("subsidies:runs") in page
    client.logout()
    login_as("sun_finance")
    page = client.get(reverse("workbench")).content.decode()
    assert "待审核的发放批次" in page


def test_the_admin_lists_and_exports(client, login_as, versions):
    from django.apps import apps

    apps.get_app_config("subsidies").load_demo(io.StringIO())
    login_as("admin")
    for name in ("award", "payment", "assessment", "paymentbatch", "paymentrun"):
        assert client.get(reverse(f"admin:subsidies_{name}_changelist")).status_code == 200, name
    payment = Payment.objects.first()
    response = client.get(reverse("admin:subsidies_payment_change", args=[payment.pk]))
    assert response.status_code == 200 and "保存" not in response.content.decode()
    response = client.post(
        reverse("admin:subsidies_payment_export"), {"format": "0", "resource": "0"}
    )
    assert response.status_code == 200
