"""Registration accepts every valid ID number: any area code that ever existed (issue 17, 1)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from stdnum.cn import ric

from portal.models import User

pytestmark = pytest.mark.django_db


def with_check_digit(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


def register_data(**overrides):
    data = {
        "account": "13912345670",
        "real_name": "沈建国",
        "id_number": "310117198005123459",
        "password1": "Gongjiang#2024",
        "password2": "Gongjiang#2024",
    }
    data.update(overrides)
    return data


def register_then_sign_in(client, id_number):
    """Register (issue 16: the answer is register_done, alike for known numbers), then sign in.

    Returns the register_done response (where the area-code warning is shown) and the
    response of signing in with the new account (which proves the account was opened).
    """
    done = client.post(reverse("register"), register_data(id_number=id_number), follow=True)
    assert done.redirect_chain[-1][0] == reverse("register_done")
    assert "注册申请已受理" in done.content.decode()
    signed_in = client.post(
        reverse("login"),
        {"username": "13912345670", "password": "Gongjiang#2024"},
        follow=True,
    )
    assert signed_in.redirect_chain[-1][0] == reverse("workbench")
    return done, signed_in


@pytest.mark.parametrize(
    "id_number",
    [
        "310117198005123459",  # 松江区 code (in use since 1998), born 1980
        with_check_digit("31011819700101001"),  # 青浦区 code, born 1970
        with_check_digit("31022719650505002"),  # the former 松江县 code
    ],
)
def test_numbers_issued_under_a_later_or_former_code_register(client, id_number):
    done, signed_in = register_then_sign_in(client, id_number)
    assert User.objects.get(phone="13912345670").id_number == id_number
    assert "地区码" not in done.content.decode()
    assert "地区码" not in signed_in.content.decode()


def test_a_number_typed_in_groups_registers_compacted(client):
    register_then_sign_in(client, "310117 19800512 3459")
    assert User.objects.get(phone="13912345670").id_number == "310117198005123459"


def test_unknown_area_code_registers_with_a_warning(client):
    number = with_check_digit("99999919800512345")
    done, _ = register_then_sign_in(client, number)
    assert User.objects.filter(id_number=number).exists()
    body = done.content.decode()
    assert "地区码“999999”不在行政区划代码表中" in body


@pytest.mark.parametrize(
    ("id_number", "message"),
    [
        ("310117198005123458", "校验位不正确"),
        (with_check_digit("31011719800231123"), "出生日期无效"),
    ],
)
def test_check_digit_and_birth_date_still_refuse(client, id_number, message):
    response = client.post(reverse("register"), register_data(id_number=id_number))
    assert response.status_code == 200
    assert any(message in e for e in response.context["form"].errors["id_number"])
    assert 'value="沈建国"' in response.content.decode()
    assert not User.objects.filter(phone="13912345670").exists()
