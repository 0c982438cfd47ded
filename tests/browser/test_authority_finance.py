"""Each authority's finance approves its own batch in the browser, and sees no other's."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from portal.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FINANCE = {
    "sun_finance": "松江区人力资源和社会保障局",
    "qingpu_finance": "青浦区人力资源和社会保障局",
    "shizhong_finance": "市中区人力资源和社会保障局",
}


@pytest.mark.parametrize("username", list(FINANCE))
def test_finance_of_each_authority_approves_its_own_batch(
    username, page, live_server, sign_in, demo_people
):
    from subsidies.models import PaymentBatch

    call_command("load_demo", stdout=io.StringIO())
    sign_in(username, DEMO_PASSWORD)
    page.get_by_role("link", name="资金发放").first.click()
    rows = page.locator("tbody tr")
    listed = set()
    for i in range(rows.count()):
        href = rows.nth(i).get_by_role("link").first.get_attribute("href")
        listed.add(int(href.rstrip("/").rsplit("/", 1)[1]))
    own = set(
        PaymentBatch.objects.filter(authority__name=FINANCE[username]).values_list("pk", flat=True)
    )
    assert listed and listed <= own, "only the authority's own batches are listed"
    page.locator("tr", has_text="待审核").first.get_by_role("link").first.click()
    assert "付款机构：" + FINANCE[username] in page.content()
    assert page.get_by_text("批次审核后方可导出发放名单").is_visible()
    page.get_by_role("button", name="审核通过").click()
    page.locator("#batch-status").get_by_text("已审核").wait_for()
    assert page.get_by_role("link", name="导出发放名单（xlsx）").is_visible()
    other = PaymentBatch.objects.exclude(authority__name=FINANCE[username]).first()
    response = page.goto(f"{live_server.url}/subsidies/batches/{other.pk}/")
    assert response.status == 404
