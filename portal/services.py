"""State changes of users and organisations."""

from __future__ import annotations

from django.db import transaction

from portal.models import Role, User
from portal.roles import grant


@transaction.atomic
def register_applicant(
    *, account: str, account_kind: str, real_name: str, id_number: str, password: str
) -> User:
    """Create an applicant's account; the phone or e-mail is the user name."""
    user = User(username=account, real_name=real_name, id_number=id_number)
    if account_kind == "phone":
        user.phone = account
    else:
        user.email = account
    user.set_password(password)
    user.save()
    grant(user, Role.APPLICANT)
    return user
