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
    assert "演示命名 5 项" in out.getvalue()  # one per programme (the craftsman too)
    count = Payment.objects.count()
    config.load_demo(io.StringIO())
    assert Award.objects.count() == 5 and Payment.objects.count() == count
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
    client.logout()
    login_as("li_ming")
    page = client.get(reverse("workbench")).content.decode()
    award = Award.objects.get(ruleset_version__programme__code="songjiang-chief-technician")
    assert "松江区首席技师 待遇明细" in page or "待遇明细" in page
    assert reverse("subsidies:award", args=[award.pk]) in page


def test_the_admin_lists_and_exports(client, login_as, versions):
    from django.apps import apps

    apps.get_app_config("subsidies").load_demo(io.StringIO())
    login_as("admin")
    for name in ("award", "payment", "assessment", "paymentbatch", "paymentrun"):
        assert client.get(reverse(f"admin:subsidies_{name}_changelist")).status_code == 200, name
    award = Award.objects.first()
    page = client.get(reverse("admin:subsidies_award_change", args=[award.pk]))
    assert page.status_code == 200 and "个人账号" in page.content.decode()
    assert client.get(reverse("admin:subsidies_award_add")).status_code == 403
    payment = Payment.objects.first()
    response = client.get(reverse("admin:subsidies_payment_change", args=[payment.pk]))
    assert response.status_code == 200 and "保存" not in response.content.decode()
    response = client.post(
        reverse("admin:subsidies_payment_export"), {"format": "0", "resource": "0"}
    )
    assert response.status_code == 200
    assert (
        client.post(reverse("admin:subsidies_payment_delete", args=[payment.pk])).status_code == 403
    )
    assert Payment.objects.filter(pk=payment.pk).exists()


def test_each_demo_awards_ledger_equals_simulate(versions, demo_people):
    """The demo facts replayed as a scenario: `simulate` lists what the ledger holds."""
    from django.apps import apps

    from programmes.selectors import working_day_calendar
    from programmes.simulation import parse_scenario, simulate
    from subsidies.demo import DEMO_AWARDS

    apps.get_app_config("subsidies").load_demo(io.StringIO())
    today = timezone.localdate()
    for code, number, named_on, _person, _unit, facts in DEMO_AWARDS:
        award = Award.objects.get(document_number=number)
        events = [{"date": named_on.isoformat(), "event": "named"}]
        for kind, when, fields in facts:
            if kind == "studio":
                events.append({"date": when.isoformat(), "event": "studio_established", **fields})
            else:
                rule = next(
                    a for a in award.ruleset_version.ruleset.assessments if a.code == fields["code"]
                )
                events.append(
                    {"date": when.isoformat(), "event": "assessment", "kind": rule.kind, **fields}
                )
        scenario = parse_scenario(
            {
                "programme": code,
                "applied_on": named_on.replace(day=1).isoformat(),
                "applicant": {},
                "events": events,
                "until": ledger.month_window(today.strftime("%Y-%m"))[1].isoformat(),
            }
        )
        version = award.ruleset_version
        expected = simulate(
            scenario, version.ruleset, working_day_calendar(), version=version.number
        )
        held = [
            {
                "date": p.due_on.isoformat(),
                "period": p.period,
                "payee": p.payee,
                "kind": p.kind,
                "amount": f"{p.amount:.2f}",
                "funding": p.funding,
            }
            for p in award.payments.order_by("due_on", "kind", "period")
        ]
        assert held == expected["payments"], code


def test_bank_accounts_are_imported_onto_existing_awards_only(versions, demo_people):
    import tablib
    from django.apps import apps

    from subsidies.resources import AwardResource

    apps.get_app_config("subsidies").load_demo(io.StringIO())
    award = Award.objects.order_by("pk").first()
    data = tablib.Dataset(headers=["编号", "个人开户银行", "个人账号", "单位开户银行", "单位账号"])
    data.append([award.pk, "交通银行", "6222000000000000001", "", ""])
    data.append([999999, "交通银行", "6222000000000000002", "", ""])
    result = AwardResource().import_data(data, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    award.refresh_from_db()
    assert (award.person_bank, award.person_account) == ("交通银行", "6222000000000000001")
    assert Award.objects.count() == 5
