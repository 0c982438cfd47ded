"""State changes of users and organisations."""

from __future__ import annotations

import secrets

from django.db import transaction

from portal.models import Role, User
from portal.notifications import notify
from portal.roles import grant


@transaction.atomic
def register_applicant(
    *, account: str, account_kind: str, real_name: str, id_number: str, password: str
) -> User | None:
    """Create an applicant's account. An e-mail address is the user name; a phone number is not
    (it lives only in the encrypted `phone` column): the account gets a generated user name and
    signs in with the phone (portal.auth_backends finds it through the blind index).

    When the ID number already has an account, nothing is created and the holder of that
    account is told (someone tried to register with their number); the caller answers both
    cases alike, so registration never tells whether an ID number is known. Returns None then.
    """
    holder = (
        User.objects.select_for_update().filter(id_number=id_number).first() if id_number else None
    )
    if holder is not None:
        notify(
            recipients=[holder.email or ""],
            subject="【人才项目申报平台】有人使用您的身份证号码注册",
            body=(
                f"{holder.display_name}，您好：\n\n"
                "有人尝试使用您的身份证号码在人才项目申报平台注册新账号，平台未开设新账号。"
                "如是您本人，请使用原账号登录，忘记密码可在登录页找回；"
                "如非本人操作，请联系区人社局。"
            ),
        )
        return None
    username = account if account_kind != "phone" else generated_username()
    user = User(username=username, real_name=real_name, id_number=id_number)
    if account_kind == "phone":
        user.phone = account
    else:
        user.email = account
    user.set_password(password)
    user.save()
    grant(user, Role.APPLICANT)
    return user


def generated_username() -> str:
    """A user name that says nothing about its holder (for accounts registered by phone)."""
    while True:
        candidate = f"u{secrets.token_hex(6)}"
        if not User.objects.filter(username=candidate).exists():
            return candidate
