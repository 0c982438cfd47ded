"""Issue 16, item 8: a second factor (TOTP with recovery codes) for every staff, expert and
finance account when STAFF_MFA_REQUIRED is on; the demo shows a banner while it is off."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

STAFF = [
    "zhao_street",
    "qian_dept",
    "zhou_union",
    "chen_office",
    "expert_a",
    "sun_finance",
    "admin",
]
NOT_STAFF = ["li_ming", "gu_base", "wang_hr"]


@pytest.fixture
def mfa_on(settings):
    settings.STAFF_MFA_REQUIRED = True


def _sign_in(client, username):
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return response


def _code(device, offset=0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


@pytest.mark.parametrize("username", STAFF)
def test_every_staff_role_must_set_up_the_second_factor_first(
    client, demo_people, mfa_on, username
):
    _sign_in(client, username)
    for url in ["/workbench/", "/reviews/", "/admin/", "/subsidies/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("mfa_setup"))


@pytest.mark.parametrize("username", NOT_STAFF)
def test_applicants_and_unit_hr_are_not_asked(client, demo_people, mfa_on, username):
    _sign_in(client, username)
    assert client.get("/workbench/").status_code == 200


def test_set_up_then_verify_then_recovery_code_once(client, demo_people, mfa_on):
    _sign_in(client, "chen_office")
    page = client.get(reverse("mfa_setup") + "?next=/reviews/")
    assert page.status_code == 200 and "设置二次验证" in page.content.decode()
    qr = client.get(reverse("mfa_qr"))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    device = TOTPDevice.objects.get(user__username="chen_office")
    assert not device.confirmed
    # a wrong code is explained next to the field; nothing confirmed
    wrong = client.post(reverse("mfa_setup"), {"token": "000000", "next": "/reviews/"})
    assert "验证码不正确" in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    time.sleep(1.1)  # django-otp throttles: one second after a wrong code
    done = client.post(reverse("mfa_setup"), {"token": _code(device), "next": "/reviews/"})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and "请保存恢复码" in done.content.decode()
    assert client.get("/workbench/").status_code == 200  # verified for this session

    # next sign-in: the code is asked for, not the set-up
    client.post(reverse("logout"))
    _sign_in(client, "chen_office")
    response = client.get("/workbench/")
    assert response.url.startswith(reverse("mfa_verify"))
    assert client.post(reverse("mfa_verify"), {"token": "123456"}).status_code == 200
    assert client.get("/workbench/").status_code == 302
    time.sleep(1.1)
    ok = client.post(reverse("mfa_verify"), {"token": codes[0], "next": "/workbench/"})
    assert ok.status_code == 302 and ok.url == "/workbench/"
    assert client.get("/workbench/").status_code == 200
    # a recovery code works once
    client.post(reverse("logout"))
    _sign_in(client, "chen_office")
    again = client.post(reverse("mfa_verify"), {"token": codes[0]})
    assert "验证码不正确" in again.content.decode()
    assert client.get("/workbench/").status_code == 302


def test_another_accounts_code_does_not_verify(client, demo_people, mfa_on, persona):
    other = TOTPDevice.objects.create(user=persona("sun_finance"), name="x", confirmed=True)
    TOTPDevice.objects.create(user=persona("chen_office"), name="y", confirmed=True)
    _sign_in(client, "chen_office")
    response = client.post(reverse("mfa_verify"), {"token": _code(other)})
    assert response.status_code == 200 and "验证码不正确" in response.content.decode()
    assert client.get("/workbench/").status_code == 302


def test_an_open_redirect_is_not_followed(client, demo_people, mfa_on, persona):
    device = TOTPDevice.objects.create(user=persona("chen_office"), name="y", confirmed=True)
    _sign_in(client, "chen_office")
    response = client.post(
        reverse("mfa_verify"), {"token": _code(device), "next": "https://evil.example/"}
    )
    assert response.url == reverse("workbench")


def test_with_mfa_off_staff_see_the_banner_and_applicants_do_not(client, demo_people, settings):
    settings.STAFF_MFA_REQUIRED = False
    _sign_in(client, "chen_office")
    assert "二次验证（STAFF_MFA_REQUIRED）已关闭" in client.get("/workbench/").content.decode()
    client.post(reverse("logout"))
    _sign_in(client, "li_ming")
    assert "STAFF_MFA_REQUIRED" not in client.get("/workbench/").content.decode()


def test_production_turns_it_on_by_default():
    from tests.portal.test_settings import PRODUCTION_ENV, run_manage

    result = run_manage(
        PRODUCTION_ENV,
        "shell",
        "-c",
        "from django.conf import settings; print('MFA', settings.STAFF_MFA_REQUIRED)",
    )
    assert "MFA True" in result.stdout, result.stderr
