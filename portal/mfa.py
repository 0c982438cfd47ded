"""The second factor for staff, expert and finance accounts (django-otp: TOTP with recovery
codes). With STAFF_MFA_REQUIRED on (the default when DEBUG=0) such an account reaches no page
but these until it has verified a code in this session; the first time it sets up its
authenticator app and receives ten single-use recovery codes.
"""

from __future__ import annotations

from base64 import b32encode
from io import BytesIO

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from portal import audit
from portal.roles import is_staff_member

RECOVERY_CODES = 10
EXEMPT = ("/accounts/mfa/", "/accounts/logout/", "/static/", "/healthz")


def mfa_required(user) -> bool:
    return bool(settings.STAFF_MFA_REQUIRED) and is_staff_member(user)


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


class MfaRequiredMiddleware:
    """Send a staff account that has not passed its second factor to set-up or verification."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT)
            and mfa_required(user)
            and not user.is_verified()
        ):
            target = "mfa_verify" if has_confirmed_device(user) else "mfa_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)


class TokenForm(forms.Form):
    token = forms.CharField(
        label="验证码",
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text="身份验证器应用中显示的6位数字；手机不在身边时，可填写一个恢复码。",
        error_messages={"required": "请填写验证码。"},
    )


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or reverse("workbench")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return reverse("workbench")
    return target


@login_required
def verify(request):
    """第二步验证: a TOTP code or a recovery code (each recovery code works once)."""
    if not has_confirmed_device(request.user):
        return redirect("mfa_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"].replace(" ", ""))
        if device is not None:
            otp_login(request, device)
            audit.record("sign_in", detail=f"second factor: {type(device).__name__}")
            return redirect(_next(request))
        audit.record("sign_in_failed", result="failed", detail="second factor")
        form.add_error("token", "验证码不正确或已过期，请重新输入。")
    return render(request, "registration/mfa_verify.html", {"form": form, "next": _next(request)})


@login_required
def setup(request):
    """设置二次验证: scan the key, confirm one code, keep the recovery codes."""
    if has_confirmed_device(request.user):
        return redirect("mfa_verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="身份验证器", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].replace(" ", "")):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _new_recovery_codes(request.user)
            otp_login(request, device)
            audit.record("admin_change", obj=request.user, result="second factor set up")
            return render(
                request,
                "registration/mfa_codes.html",
                {"codes": codes, "next": _next(request)},
            )
        form.add_error("token", "验证码不正确，请确认手机时间准确后重新输入。")
    return render(
        request,
        "registration/mfa_setup.html",
        {"form": form, "secret": _base32(device), "next": _next(request)},
    )


@login_required
def qr_code(request):
    """The set-up key as a QR code (SVG) for the authenticator app; only before confirmation."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        raise Http404
    out = BytesIO()
    write_qrcode_image(device.config_url, out)
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")


def _base32(device) -> str:
    raw = b32encode(device.bin_key).decode()
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)
    codes = []
    for _ in range(RECOVERY_CODES):
        token = StaticToken.random_token()
        static.token_set.create(token=token)
        codes.append(token)
    return codes
