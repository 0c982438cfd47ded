"""Issue 14 in the browser: a suspension recorded late becomes a recovery claim that the office
sees with its cause and confirms, and finance approves."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command

from portal.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_confirms_and_finance_approves_a_recovery(
    page, live_server, sign_in, demo_people, persona
):
    from programmes.models import ProgrammeVersion
    from subsidies import services
    from subsidies.models import Payment

    call_command("load_programmes", verbosity=0, stdout=io.StringIO())
    office = persona("chen_office")
    li_ming = persona("li_ming")
    award = services.name_award(
        version=ProgrammeVersion.objects.get(programme__code="songjiang-chief-technician"),
        name=li_ming.display_name,
        person=li_ming,
        unit=demo_people["songjiang_machinery"],
        document_number="沪松人社〔2023〕8号",
        named_on=date(2023, 11, 15),
        by=office,
    )
    for period in ("2023-12", "2024-01", "2024-02", "2024-03"):
        services.run_payments(period=period)
    services.adjust_award(
        award=award,
        kind="suspended",
        reason="violation",
        on=date(2024, 2, 10),
        by=office,
        note="违纪，事后获知",
    )
    claim = Payment.objects.get(award=award, recovers__isnull=False)

    sign_in("chen_office", DEMO_PASSWORD)
    page.get_by_role("link", name="待确认的追回").click()
    row = page.locator("#claims tr", has_text="2024-03")
    assert "违纪，事后获知" in row.inner_text() and "六(二)" in row.inner_text()
    assert "待经办确认" in row.inner_text()
    row.get_by_role("button", name="确认追回").click()
    page.get_by_text("已确认追回。").wait_for()
    assert "待财务审批" in page.locator("#claims tr", has_text="2024-03").inner_text()

    page.context.clear_cookies()
    sign_in("sun_finance", DEMO_PASSWORD)
    page.get_by_role("link", name="待审批的追回").click()
    row = page.locator("#claims tr", has_text="2024-03")
    row.get_by_role("button", name="审批追回").click()
    page.get_by_text("已审批追回。").wait_for()
    assert "已追回" in page.locator("#claims tr", has_text="2024-03").inner_text()
    claim.refresh_from_db()
    assert (claim.claim_status, claim.confirmed_by, claim.approved_by.username) == (
        "approved",
        office,
        "sun_finance",
    )
