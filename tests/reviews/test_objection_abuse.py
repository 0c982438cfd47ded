"""Issue 16, item 4: the anonymous objection form needs a name and a contact and is limited per
address, so no one can hold a publicity open with a flood of anonymous objections."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews import services
from reviews.models import Objection

pytestmark = pytest.mark.django_db


@pytest.fixture
def publicity_url(make_round, make_application, persona):
    songjiang = make_round("songjiang-chief-technician", quota=1)
    app = make_application(songjiang, stage="publicity")
    publicity = services.start_publicity(
        round=songjiang,
        stage="publicity",
        starts_on=timezone.localdate(),
        by=persona("chen_office"),
    )
    return reverse("reviews:publicity_detail", args=[publicity.pk]), app


@pytest.mark.parametrize(
    ("name", "contact", "message"),
    [
        ("", "13900001111", "请填写姓名"),
        ("王某", "", "请填写联系方式"),
        ("王某", "   ", "请填写联系方式"),
        ("王某", "随便", "请填写可以联系到您的手机号、固定电话或电子邮箱"),
        ("王某", "12345", "请填写可以联系到您的手机号、固定电话或电子邮箱"),
    ],
)
def test_an_objection_needs_a_name_and_a_usable_contact(
    client, publicity_url, name, contact, message
):
    url, app = publicity_url
    response = client.post(
        url, {"application": app.pk, "name": name, "contact": contact, "text": "材料不实"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and "材料不实" in body
    assert not Objection.objects.exists()


@pytest.mark.parametrize("contact", ["13900001111", "021-57812345", "wang@example.cn"])
def test_phone_landline_or_mail_is_accepted(client, publicity_url, contact):
    url, app = publicity_url
    response = client.post(
        url, {"application": app.pk, "name": "王某", "contact": contact, "text": "材料不实"}
    )
    assert response.status_code == 302
    assert Objection.objects.get().contact == contact


def test_the_service_itself_refuses_an_anonymous_objection(publicity_url):
    from reviews.models import Publicity

    _url, app = publicity_url
    with pytest.raises(services.ReviewError):
        services.lodge_objection(
            publicity=Publicity.objects.get(), application=app, name=" ", contact="", text="x"
        )


def test_objections_are_limited_per_address(client, publicity_url, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "objection": "2/h"}
    url, app = publicity_url
    for n in range(2):
        response = client.post(
            url,
            {"application": app.pk, "name": "王某", "contact": "13900001111", "text": f"第{n}条"},
        )
        assert response.status_code == 302
    response = client.post(
        url, {"application": app.pk, "name": "王某", "contact": "13900001111", "text": "第三条"}
    )
    assert response.status_code == 429
    body = response.content.decode()
    assert "提交过于频繁，请稍后再试" in body and "第三条" in body
    assert Objection.objects.count() == 2
    other = client.post(
        url,
        {"application": app.pk, "name": "李某", "contact": "13900002222", "text": "另一地址"},
        REMOTE_ADDR="10.9.8.7",
    )
    assert other.status_code == 302
