"""Forms of the public site: registration and sign-in."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import validate_email
from django.db.models import Q
from django.utils import timezone

from portal.identity import IdentityError, clean_id_number
from portal.models import User

PHONE_PATTERN = re.compile(r"^1[3-9]\d{9}$")


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="用户名 / 手机号 / 邮箱",
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label="密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": "用户名或密码不正确。连续输错5次，账号将被暂时锁定。",
        "inactive": "该账号已停用，请联系区人社局。",
    }


class RegistrationForm(forms.Form):
    """Applicants register with a phone number or an e-mail address and a password."""

    account = forms.CharField(
        label="手机号或电子邮箱",
        max_length=254,
        help_text="用于登录和接收通知。",
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    real_name = forms.CharField(label="姓名", max_length=50)
    # max_length leaves room for spaces typed between the groups (the check wants 18).
    id_number = forms.CharField(
        label="身份证号码", max_length=30, help_text="18位居民身份证号码，仅用于申报和待遇发放。"
    )
    password1 = forms.CharField(
        label="密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="至少8位，含大写字母、小写字母、数字、符号中的至少3类；不能包含用户名、手机号或身份证号码中的数字。",
    )
    password2 = forms.CharField(
        label="确认密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_account(self) -> str:
        account = self.cleaned_data["account"].strip()
        if PHONE_PATTERN.match(account):
            self.account_kind = "phone"
            if User.objects.filter(Q(phone=account) | Q(username=account)).exists():
                raise forms.ValidationError("该手机号已注册，请直接登录或找回密码。")
            return account
        try:
            validate_email(account)
        except forms.ValidationError as exc:
            raise forms.ValidationError("请填写11位手机号码或有效的电子邮箱地址。") from exc
        self.account_kind = "email"
        account = account.lower()
        if User.objects.filter(Q(email__iexact=account) | Q(username=account)).exists():
            raise forms.ValidationError("该邮箱已注册，请直接登录或找回密码。")
        return account

    def clean_id_number(self) -> str:
        try:
            value = clean_id_number(self.cleaned_data["id_number"], today=timezone.localdate())
        except IdentityError as exc:
            raise forms.ValidationError(str(exc)) from exc
        # Whether the number is known is never said here (portal.services.register_applicant).
        return value

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "两次输入的密码不一致。")
        elif p1:
            account = cleaned.get("account", "") or self.data.get("account", "")
            probe = User(
                username=account,
                real_name=cleaned.get("real_name", ""),
                phone=account if PHONE_PATTERN.match(account or "") else None,
                email=account if "@" in (account or "") else None,
                id_number=cleaned.get("id_number") or self.data.get("id_number", ""),
            )
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned
