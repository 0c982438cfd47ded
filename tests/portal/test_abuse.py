"""Issue 16, item 4: rate limits per address on registration, registration is no oracle of
known ID numbers (the holder is told instead)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.models import User

pytestmark = pytest.mark.django_db


def _with_check_digit(body: str) -> str:
    """GB 11643: ISO 7064 MOD 11-2 over the first 17 digits."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


VALID_IDS = [_with_check_digit(f"31010419800101{n:03d}") for n in range(10, 20)]


def _data(n: int, **overrides):
    data = {
        "account": f"139{n:08d}",
        "real_name": "张伟",
        "id_number": VALID_IDS[n % len(VALID_IDS)],
        "password1": "Gongjiang#2024",
        "password2": "Gongjiang#2024",
    }
    data.update(overrides)
    return data


def test_registration_is_limited_per_address_and_keeps_what_was_typed(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "register": "3/h"}
    for n in range(3):
        response = client.post(reverse("register"), _data(n))
        assert response.status_code in (200, 302)
    response = client.post(reverse("register"), _data(7, real_name="李四"))
    assert response.status_code == 429
    body = response.content.decode()
    assert "提交过于频繁，请稍后再试" in body
    assert 'value="李四"' in body and 'value="13900000007"' in body
    assert not User.objects.filter(phone="13900000007").exists()
    # another address is not held back
    other = client.post(reverse("register"), _data(8), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302


def test_a_known_id_number_gets_the_same_answer_and_its_holder_is_told(
    client, demo_people, mailoutbox, django_capture_on_commit_callbacks
):
    holder = User.objects.get(username="li_ming")
    new = client.post(reverse("register"), _data(1))
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("register"), _data(2, id_number=holder.id_number))
    # the submitter cannot tell the two apart
    assert new.status_code == known.status_code == 302
    assert new["Location"] == known["Location"] == reverse("register_done")
    assert client.get(new["Location"]).content == client.get(known["Location"]).content
    assert "已注册" not in client.get(known["Location"]).content.decode().replace(
        "如该号码此前已注册", ""
    )
    # nothing was made for the known number; the holder got a mail about the attempt
    assert not User.objects.filter(phone="13900000002").exists()
    assert User.objects.filter(phone="13900000001").exists()
    assert [m.to for m in mailoutbox] == [[holder.email]]
    assert "您的身份证号码" in mailoutbox[0].subject
    assert "13900000002" not in mailoutbox[0].body


def test_the_registration_form_no_longer_says_an_id_number_is_registered(client, demo_people):
    holder = User.objects.get(username="li_ming")
    response = client.post(reverse("register"), _data(3, id_number=holder.id_number), follow=True)
    assert "该身份证号码已注册" not in response.content.decode()
