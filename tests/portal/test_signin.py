"""Issue 16, item 1: one lockout per person, MLPS passwords, staff password expiry, idle and
absolute session limits."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from portal.demo import DEMO_PASSWORD
from portal.middleware import LAST_SEEN_KEY, SIGNED_IN_KEY
from portal.models import User
from portal.passwords import ComplexityValidator, PersonalDataValidator
from portal.signin import normalise_identifier

LOGIN = "/accounts/login/"


def _post(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


@pytest.mark.unit
@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("LI_MING", "li_ming"),
        ("  li_ming\t", "li_ming"),
        ("Li_Ming\n", "li_ming"),
        ("ｌｉ＿ｍｉｎｇ", "li_ming"),
        ("138 0000 0001", "13800000001"),
        ("+86 13800000001", "13800000001"),
        ("138-0000-0001", "13800000001"),
        (" LI_MING@Example.CN ", "li_ming@example.cn"),
    ],
)
def test_identifier_is_normalised(typed, folded):
    assert normalise_identifier(typed) == folded


@pytest.mark.django_db
def test_every_spelling_of_one_account_shares_one_lockout(client, demo_people):
    """The attack of the issue: each spelling had its own 5 tries. Now 5 in all."""
    variants = ["LI_MING", " li_ming\t", "13800000001", "li_ming@example.cn", "Li_Ming "]
    wrong_answers = []
    for variant in variants:
        response = _post(client, variant, "Wrong#Guess1")
        assert response.status_code == 200
        wrong_answers.append(response)
    # the right password, in yet another spelling, no longer signs in
    for variant in ["li_ming", "138 0000 0001", "LI_MING@EXAMPLE.CN"]:
        locked = _post(client, variant, DEMO_PASSWORD)
        assert locked.status_code == 200
        assert "_auth_user_id" not in client.session
        body = locked.content.decode()
        # reads like the wrong-password answer: same message, no word of a lock
        assert "用户名或密码不正确" in body
        assert "锁定" not in body.replace("连续输错5次，账号将被暂时锁定", "")
        assert "账号已被暂时锁定" not in body
    # another person from the same address is not locked
    response = _post(client, "wang_hr", DEMO_PASSWORD)
    assert response.status_code == 302


@pytest.mark.django_db
def test_four_failures_in_different_spellings_then_right_password_signs_in(client, demo_people):
    for variant in ["LI_MING", "13800000001", "li_ming@example.cn", "li_ming "]:
        _post(client, variant, "Wrong#Guess1")
    response = _post(client, "\tLi_Ming", DEMO_PASSWORD)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == User.objects.get(username="li_ming").pk


@pytest.mark.django_db
def test_locked_answer_has_the_shape_of_a_wrong_password_answer(client, demo_people):
    wrong = _post(client, "li_ming", "Wrong#Guess1")
    for _ in range(4):
        _post(client, "li_ming", "Wrong#Guess1")
    locked = _post(client, "li_ming", DEMO_PASSWORD)
    assert locked.status_code == wrong.status_code == 200
    assert [str(e) for e in locked.context["form"].non_field_errors()] == [
        str(e) for e in wrong.context["form"].non_field_errors()
    ]


@pytest.mark.unit
@pytest.mark.parametrize(
    "password",
    ["xkqzmwvtp", "abcdefgh1", "ABCDEFGH1", "Abcdefgh", "Ab1#", "12345678"],
)
def test_passwords_without_three_classes_or_too_short_are_refused(password):
    with pytest.raises(ValidationError):
        ComplexityValidator().validate(password)


@pytest.mark.unit
@pytest.mark.parametrize("password", ["Gongjiang#2024", "xkqzmwvtp7Q", "Qz7!mwvt"])
def test_passwords_of_three_classes_pass_the_complexity_rule(password):
    ComplexityValidator().validate(password)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("Zhangwei#2024", "用户名"),
        ("Ab#19491231", "身份证号码"),
        ("Ab#0002Xk", None),
        ("Xx#912345678", "手机号码"),
    ],
)
def test_password_may_not_contain_user_name_phone_or_id_digits(password, fragment):
    user = User(username="zhangwei", phone="13912345678", id_number="11010519491231002X")
    if fragment is None:
        PersonalDataValidator().validate(password, user)
        return
    with pytest.raises(ValidationError) as info:
        PersonalDataValidator().validate(password, user)
    assert fragment in info.value.messages[0]


@pytest.mark.django_db
def test_common_password_is_refused_by_the_configured_validators():
    with pytest.raises(ValidationError):
        password_validation.validate_password("Password123", User(username="someone"))
    password_validation.validate_password("Lv7#qunTz9", User(username="someone"))


@pytest.mark.django_db
def test_registration_refuses_the_weak_password_of_the_issue(client):
    data = {
        "account": "13912345678",
        "real_name": "张伟",
        "id_number": "11010519491231002X",
        "password1": "xkqzmwvtp",
        "password2": "xkqzmwvtp",
    }
    response = client.post(reverse("register"), data)
    assert response.status_code == 200
    assert "至少3类" in " ".join(response.context["form"].errors["password1"])
    assert 'value="张伟"' in response.content.decode()
    assert not User.objects.filter(phone="13912345678").exists()


@pytest.mark.django_db
def test_staff_password_older_than_the_limit_must_be_changed_first(client, demo_people, settings):
    settings.STAFF_PASSWORD_DAYS = 90
    office = User.objects.get(username="chen_office")
    User.objects.filter(pk=office.pk).update(
        password_changed_at=timezone.now() - timedelta(days=91)
    )
    assert _post(client, "chen_office", DEMO_PASSWORD).status_code == 302
    response = client.get(reverse("workbench"))
    assert response.status_code == 302
    assert response.url == reverse("password_change")
    # the change page itself opens, and a new password lets the person work again
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "Kx9#pLmq2w",
            "new_password2": "Kx9#pLmq2w",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("workbench")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "days", "sent_away"),
    [
        ("chen_office", 89, False),
        ("sun_finance", 91, True),
        ("expert_a", 91, True),
        ("li_ming", 400, False),  # applicants' passwords do not expire
    ],
)
def test_password_expiry_applies_to_staff_only(client, demo_people, username, days, sent_away):
    User.objects.filter(username=username).update(
        password_changed_at=timezone.now() - timedelta(days=days)
    )
    _post(client, username, DEMO_PASSWORD)
    response = client.get(reverse("workbench"))
    assert (response.status_code == 302 and response.url == reverse("password_change")) is sent_away


def _age_session(client, *, idle: int = 0, since_sign_in: int = 0):
    session = client.session
    now = int(time.time())
    session[LAST_SEEN_KEY] = now - idle
    session[SIGNED_IN_KEY] = now - max(idle, since_sign_in)
    session.save()


@pytest.mark.django_db
def test_idle_session_is_signed_out(client, demo_people, settings):
    settings.SESSION_IDLE_SECONDS = 1800
    _post(client, "li_ming", DEMO_PASSWORD)
    _age_session(client, idle=1700)
    assert client.get(reverse("workbench")).status_code == 200
    _age_session(client, idle=1801)
    response = client.get(reverse("workbench"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response.url)
    assert "自动退出" in page.content.decode()


@pytest.mark.django_db
def test_busy_session_ends_after_the_absolute_limit(client, demo_people, settings):
    settings.SESSION_COOKIE_AGE = 8 * 3600
    _post(client, "li_ming", DEMO_PASSWORD)
    _age_session(client, idle=10, since_sign_in=8 * 3600 - 60)
    assert client.get(reverse("workbench")).status_code == 200
    _age_session(client, idle=10, since_sign_in=8 * 3600 + 1)
    response = client.get(reverse("workbench"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
