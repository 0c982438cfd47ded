"""ID-card and credit-code checks, and masking."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from stdnum.cn import ric

from portal.identity import (
    IdentityError,
    area_code_warning,
    area_name,
    clean_credit_code,
    clean_id_number,
    mask_id_number,
    mask_id_numbers_in_text,
)

pytestmark = pytest.mark.unit

VALID_ID = "11010519491231002X"


def with_check_digit(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


def test_valid_id_number_is_compacted_and_uppercased():
    assert clean_id_number(" 11010519491231002x ") == VALID_ID


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "请填写身份证号码"),
        ("1101051949123100", "应为18位"),
        ("110105194912310021", "校验位不正确"),
        (with_check_digit("11010519491332002"), "出生日期无效"),
        (with_check_digit("31011718991231002"), "出生日期无效"),
        ("31011719800512345A", "格式不正确"),
    ],
)
def test_bad_id_numbers_get_a_chinese_message(value, message):
    with pytest.raises(IdentityError, match=message):
        clean_id_number(value)


@pytest.mark.parametrize(
    "number",
    [
        "310117198005123459",  # 松江区 since 1998, born 1980: the number
        with_check_digit("31011819750101001"),  # 青浦区 since 1999, born 1975
        with_check_digit("31022719620301002"),  # 松江县 (1958-1998), a code no longer in use
        with_check_digit("11010319800101003"),  # 崇文区, merged into 东城区 in 2010
    ],
)
def test_any_code_that_ever_existed_is_accepted_without_warning(number):
    assert clean_id_number(number, today=date(2026, 11, 23)) == number
    assert area_code_warning(number) is None


def test_area_name_ignores_the_years_of_validity():
    assert area_name("310117198005123459") == "上海市松江区"
    assert area_name(with_check_digit("31022719620301002")) == "上海市松江县"


def test_an_unknown_area_code_is_a_warning_not_a_refusal():
    number = with_check_digit("99999919800512345")
    assert clean_id_number(number) == number
    assert area_name(number) is None
    assert "999999" in area_code_warning(number)
    assert "可继续" in area_code_warning(number)


def test_birth_date_in_the_future_is_refused():
    future = with_check_digit("11010520301231002")
    with pytest.raises(IdentityError, match="晚于今天"):
        clean_id_number(future, today=date(2026, 11, 23))


def test_mask_shows_first_three_and_last_four():
    assert mask_id_number("310104197503151018") == "310***********1018"
    assert mask_id_number("") == ""


def test_free_text_is_masked():
    text = "applicant 310104197503151018 submitted"
    assert mask_id_numbers_in_text(text) == "applicant 310***********1018 submitted"


def test_log_lines_never_carry_the_full_number(caplog):
    from portal.logging import MaskIdNumbersFilter

    logger = logging.getLogger("portal.test")
    logger.addFilter(MaskIdNumbersFilter())
    with caplog.at_level(logging.INFO, logger="portal.test"):
        logger.info("registered %s", "310104197503151018")
    assert "310104197503151018" not in caplog.text
    assert "310***********1018" in caplog.text


def test_credit_code_checks():
    assert clean_credit_code("91310117ma1j3k8x2f") == "91310117MA1J3K8X2F"
    with pytest.raises(IdentityError, match="校验位不正确"):
        clean_credit_code("91310117MA1J3K8X2A")
    with pytest.raises(IdentityError, match="应为18位"):
        clean_credit_code("9131011")
