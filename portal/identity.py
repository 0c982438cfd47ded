"""Checks and masking of identity numbers: resident ID cards and unified social credit codes.

Pure functions; the forms and models call them so the rule lives in one place.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError

ID_NUMBER_PATTERN = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])")


class IdentityError(ValueError):
    """An identity number that does not check; the message is Chinese and fit for the user."""


def clean_id_number(value: str, *, today: date | None = None) -> str:
    """Return the compact 18-digit resident ID number, or raise IdentityError.

    GB 11643-1999: 6-digit address code, 8-digit birth date, 3-digit sequence, check digit.
    The check digit and the birth date decide; the address code never refuses a number (see
    `area_code_warning`): it is where the number was issued, and people born before a county
    became a district hold the district's later code.
    """
    compact = re.sub(r"[\s-]", "", value or "").upper()  # spaces typed between the groups
    if not compact:
        raise IdentityError("请填写身份证号码。")
    if len(compact) != 18:
        raise IdentityError("身份证号码应为18位（最后一位可以是X）。")
    if not compact[:17].isdigit() or not (compact[17].isdigit() or compact[17] == "X"):
        raise IdentityError("身份证号码格式不正确：前17位应为数字，最后一位为数字或X。")
    if compact[17] != ric.calc_check_digit(compact):
        raise IdentityError("身份证号码校验位不正确，请核对后重新填写。")
    try:
        birth = ric.get_birth_date(compact)
    except StdnumError as exc:
        raise IdentityError("身份证号码中的出生日期无效（第7至14位应为出生年月日）。") from exc
    if birth < EARLIEST_BIRTH:
        raise IdentityError("身份证号码中的出生日期无效（第7至14位应为出生年月日）。")
    if today is not None and birth > today:
        raise IdentityError("身份证号码中的出生日期晚于今天。")
    return compact


# Nobody alive holds a number with an earlier birth date; earlier dates are typing errors.
EARLIEST_BIRTH = date(1900, 1, 1)


def area_name(id_number: str) -> str | None:
    """The place an ID number's address code stands for at any time, or None if unknown.

    python-stdnum's data (stdnum/cn/loc.dat, from the national list of administrative division
    codes) marks each county code with the years it was in use, e.g. 310117 `[1998-]松江区`;
    those years are ignored on purpose, since people born before 1998 hold the code too.
    """
    results = numdb.get("cn/loc").info(id_number[:6])
    props = {key: value for _part, found in results for key, value in found.items()}
    if "county" not in props:
        return None
    counties = [re.sub(r"^\[[^\]]*\]", "", c) for c in props["county"].split(",")]
    return props.get("province", "") + "/".join(dict.fromkeys(counties))


def area_code_warning(id_number: str) -> str | None:
    """A warning (never a refusal) when the address code is in no list python-stdnum knows."""
    if area_name(id_number) is None:
        return (
            f"身份证号码前6位地区码“{id_number[:6]}”不在行政区划代码表中，"
            "请核对；如号码无误，可继续办理。"
        )
    return None


def birth_date_of(id_number: str) -> date:
    return ric.get_birth_date(id_number)


def gender_of(id_number: str) -> str:
    """The 17th digit is odd for men and even for women (GB 11643-1999)."""
    return "male" if int(id_number[16]) % 2 else "female"


def mask_id_number(value: str | None) -> str:
    """310101198001011234 -> 310***********1234: the first 3 and the last 4 characters."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_account(value: str | None) -> str:
    """Bank account numbers: only the last 4 digits shown."""
    if not value:
        return ""
    return "*" * max(len(value) - 4, 0) + value[-4:]


def mask_id_numbers_in_text(text: str) -> str:
    """Mask every 18-character ID-like number in free text (used by the logging filter)."""
    return ID_NUMBER_PATTERN.sub(lambda m: mask_id_number(m.group(0)), text)


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_INDEX = {c: n for n, c in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def clean_credit_code(value: str) -> str:
    """Return the compact 18-character unified social credit code (GB 32100-2015) or raise.

    The same checks as python-stdnum's `cn.uscc` (eight digits, then the code's alphabet, the
    check digit of GB 32100-2015 4.2), done here because stdnum's character clean-up costs most
    of a 10,000-row import; text other than ASCII (full-width digits) still goes through stdnum.
    Remembered for the last few thousand codes: an import checks each row's code twice (the row,
    then the unit's `clean`).
    """
    return _clean_credit_code(value or "")


@lru_cache(maxsize=4096)
def _clean_credit_code(value: str) -> str:
    if value.isascii():
        compact = value.replace(" ", "").replace("-", "").strip().upper()
    else:
        compact = uscc.compact(value).upper()
    if not compact:
        raise IdentityError("请填写统一社会信用代码。")
    if len(compact) != 18:
        raise IdentityError("统一社会信用代码应为18位。")
    if not (compact[:8].isascii() and compact[:8].isdigit()) or any(
        c not in _USCC_INDEX for c in compact[8:]
    ):
        raise IdentityError("统一社会信用代码格式不正确。")
    total = sum(_USCC_INDEX[c] * w for c, w in zip(compact, _USCC_WEIGHTS, strict=False))
    if compact[-1] != _USCC_ALPHABET[(31 - total) % 31]:
        raise IdentityError("统一社会信用代码校验位不正确，请核对后重新填写。")
    return compact
