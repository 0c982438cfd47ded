"""Sign-in: one identity per person however it is typed, and a lockout that reads like a typo.

django-axes counts failures per the value `axes_username` returns. Writing the same account in
upper case, with spaces or a tab, or as its phone number or e-mail address must count against the
same person, so the identifier is normalised and resolved to the account before axes sees it.
"""

from __future__ import annotations

import re
import time
import unicodedata

from django.db.models import Q
from django.forms.utils import ErrorDict
from django.shortcuts import render

from portal.forms import LoginForm
from portal.middleware import LAST_SEEN_KEY, SIGNED_IN_KEY
from portal.models import User

_SPACE = re.compile(r"\s+", re.UNICODE)
_MAINLAND_MOBILE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$")


def normalise_identifier(raw: str | None) -> str:
    """Fold what people type for the same account into one form.

    Full-width characters become ASCII (NFKC), every whitespace character goes (a phone number
    is often typed `138 0000 0001`), letters are lower-cased, a mainland mobile number loses its
    `+86`/`86` prefix and dashes.
    """
    if not raw:
        return ""
    value = unicodedata.normalize("NFKC", str(raw))
    value = _SPACE.sub("", value).lower()
    digits = value.replace("-", "")
    match = _MAINLAND_MOBILE.match(digits)
    if match:
        return match.group(1)
    return value


def find_account(identifier: str | None):
    """The account a sign-in identifier names (user name, phone or e-mail), or None."""
    login = normalise_identifier(identifier)
    if not login:
        return None
    return (
        User.objects.filter(Q(username__iexact=login) | Q(phone=login) | Q(email__iexact=login))
        .order_by("id")
        .first()
    )


def axes_username(request, credentials=None) -> str:
    """AXES_USERNAME_CALLABLE: the account's own user name, so every spelling counts once."""
    raw = None
    if credentials:
        raw = credentials.get("username")
    if raw is None and request is not None:
        raw = request.POST.get("username")
    user = find_account(raw)
    if user is not None:
        return user.username.lower()
    return normalise_identifier(raw)


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the sign-in page with the wrong-password message, status 200.

    A locked-out account is answered exactly like a wrong password so that the answer does not
    tell an attacker that the guessing has reached an existing account.
    """
    form = LoginForm(request, data=request.POST or None)
    # Validating the form again would authenticate again; set its errors by hand instead.
    form._errors = ErrorDict()
    form.cleaned_data = {}
    form.add_error(None, form.error_messages["invalid_login"])
    return render(
        request,
        "registration/login.html",
        {"form": form, "next": request.POST.get("next", "")},
    )


def start_session_clock(sender, request, user, **kwargs) -> None:
    """user_logged_in: the absolute and idle limits count from this sign-in."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_KEY] = now
        request.session[LAST_SEEN_KEY] = now
