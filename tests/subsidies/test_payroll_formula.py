"""Issue 16, item 3: the payroll xlsx (beside the full ID number) never holds a live formula."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.portal.test_xlsx import ATTACK, assert_no_formula


@pytest.mark.django_db
def test_the_payroll_export_writes_a_formula_name_as_text(client, award_for, persona):
    from datetime import date

    from subsidies import services
    from subsidies.models import PaymentBatch

    award = award_for("songjiang-chief-technician", date(2025, 12, 10))
    award.person.real_name = ATTACK
    award.person.save()
    # the payroll writes the payee's name as the award records it (person_name, taken at naming)
    award.person_name = ATTACK
    award.person_bank, award.person_account = "@SUM(1+1)", "6217000011112222333"
    award.save()
    services.run_payments(period="2026-02", by=persona("chen_office"))
    finance = persona("sun_finance")  # finance of the paying authority (松江)
    batch = PaymentBatch.objects.get()
    # the payroll sheet is offered only once the batch is approved (a draft answers 404)
    services.approve_batch(batch=batch, by=finance)
    client.force_login(finance, backend="portal.auth_backends.PhoneOrEmailBackend")
    response = client.get(reverse("subsidies:batch_export", args=[batch.pk]))
    assert response.status_code == 200
    assert_no_formula(response.content)
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == ATTACK and rows[1][3] == "@SUM(1+1)"
    assert "no-store" in response["Cache-Control"]
