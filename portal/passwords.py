"""Password rules of 网络安全等级保护 2.0 level 2 (GB/T 22239-2019 8.1.4.1 a): identity
authentication with passwords of sufficient complexity, changed periodically.

Django password validators (AUTH_PASSWORD_VALIDATORS) so registration, the password change and
reset pages, the admin and `createsuperuser` all apply the same rules.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError

CLASSES = (
    ("小写字母", re.compile(r"[a-z]")),
    ("大写字母", re.compile(r"[A-Z]")),
    ("数字", re.compile(r"[0-9]")),
    ("符号", re.compile(r"[^a-zA-Z0-9]")),
)


def character_classes(password: str) -> int:
    """How many of the four classes (lower, upper, digit, symbol) the password uses."""
    return sum(1 for _, pattern in CLASSES if pattern.search(password))


class ComplexityValidator:
    """At least `min_length` characters drawn from at least `min_classes` of the four classes."""

    def __init__(self, min_length: int = 8, min_classes: int = 3):
        self.min_length = min_length
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(f"密码至少{self.min_length}位。", code="password_too_short")
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少{self.min_classes}类。",
                code="password_too_simple",
            )

    def get_help_text(self):
        return (
            f"至少{self.min_length}位，包含大写字母、小写字母、数字、符号中的至少"
            f"{self.min_classes}类。"
        )


def _fold(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").lower()


class PersonalDataValidator:
    """The password must not contain the user name (or the part of an e-mail before @), the
    phone number, or six or more consecutive characters of the ID number."""

    run = 6

    def validate(self, password, user=None):
        if user is None:
            return
        folded = _fold(password)
        names = {getattr(user, "username", "") or ""}
        email = getattr(user, "email", "") or ""
        if "@" in email:
            names.add(email.split("@", 1)[0])
        username = getattr(user, "username", "") or ""
        if "@" in username:
            names.add(username.split("@", 1)[0])
        for name in names:
            name = _fold(name)
            if len(name) >= 3 and name in folded:
                raise ValidationError("密码不能包含用户名。", code="password_has_username")
        for attr in ("phone", "id_number"):
            secret = _fold(getattr(user, attr, "") or "")
            for start in range(max(0, len(secret) - self.run + 1)):
                if secret[start : start + self.run] in folded:
                    label = "手机号码" if attr == "phone" else "身份证号码"
                    raise ValidationError(
                        f"密码不能包含{label}中连续的{self.run}位。",
                        code="password_has_personal_data",
                    )

    def get_help_text(self):
        return "不能包含用户名、手机号码或身份证号码中的数字。"
