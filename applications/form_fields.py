"""The declaration's form fields: one Django field per rule-set field type, the section form
and the repeating table's formset, and the stored values' JSON shape (see
applications.declaration for the Application.data contract).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, RegexValidator
from django.utils.translation import gettext as _
from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError

from portal.identity import clean_credit_code, clean_id_number

PHONE = RegexValidator(
    r"^(1\d{10}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{7,8})$",
    "请输入有效的电话号码（手机 11 位，或区号-号码）",
)


class TableFormSet(forms.BaseFormSet):
    """A repeating table: rows left entirely empty are ignored, row limits from the rule set."""

    section = None

    def clean(self):
        if any(self.errors):
            return
        rows = [f for f in self.forms if f.has_changed() and not self._should_delete_form(f)]
        section = self.section
        if section.max_rows and len(rows) > section.max_rows:
            raise ValidationError(
                _("“%(table)s”最多填写 %(n)s 行，现在有 %(rows)s 行")
                % {"table": section.title, "n": section.max_rows, "rows": len(rows)}
            )
        if self.strict and section.min_rows and len(rows) < section.min_rows:
            raise ValidationError(
                _("“%(table)s”表格至少填写 %(n)s 行")
                % {"table": section.title, "n": section.min_rows}
            )


class SectionForm(forms.Form):
    """A plain section of the form; `strict` decides whether `required` is enforced."""

    section = None

    def __init__(self, *args, strict: bool = False, today: date | None = None, **kwargs):
        self.strict = strict
        self.today = today or date.today()
        super().__init__(*args, **kwargs)
        spec = self.section
        columns = spec.columns if spec.kind == "table" else spec.fields
        for item in columns:
            self.fields[item.code] = form_field(item, strict=strict)
            widget = self.fields[item.code].widget
            # The browser would cut a longer paste silently; the form refuses it instead.
            widget.attrs.pop("maxlength", None)
            if isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            elif not isinstance(widget, forms.CheckboxSelectMultiple):
                widget.attrs["class"] = "form-control"
        self.specs = {item.code: item for item in columns}

    def clean(self):
        cleaned = super().clean()
        for code, spec in self.specs.items():
            value = cleaned.get(code)
            if spec.type == "date" and value and not spec.allow_future and value > self.today:
                self.add_error(code, _("日期不能晚于今天（%(d)s）") % {"d": self.today.isoformat()})
        within = getattr(self.section, "within_years", None)
        if within and cleaned.get(within.column):
            earliest = years_before(self.today, within.years)
            if cleaned[within.column] < earliest:
                self.add_error(
                    within.column,
                    _("只填写近%(y)s年内（%(d)s 以后）的情况，这一行太早了")
                    % {"y": within.years, "d": earliest.isoformat()},
                )
        return cleaned


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class TextField(forms.CharField):
    """Text as the reader counts it: a line break is one character (browsers send CR LF)."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


class IdNumberField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return clean_id_number(value)
        except ValidationError:
            raise
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


def clean_bank_account(value: str) -> str:
    """A bank account number: digits only (spaces dropped), 8 to 30 of them.

    A UnionPay card number (16 to 19 digits beginning with 62) carries a Luhn check digit
    (python-stdnum `luhn`), so a mistyped digit is caught; other account numbers have no public
    check and are taken as typed.
    """
    digits = re.sub(r"[\s-]", "", value or "")
    if not digits.isdigit() or not 8 <= len(digits) <= 30:
        raise ValueError(_("银行账号应为8至30位数字"))
    if digits.startswith("62") and 16 <= len(digits) <= 19:
        try:
            luhn.validate(digits)
        except StdnumError:
            raise ValueError(_("银行卡号校验位不正确，请逐位核对")) from None
    return digits


class BankAccountField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return clean_bank_account(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class CreditCodeField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        try:
            return clean_credit_code(value)
        except ValidationError:
            raise
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


def _length_help(item) -> str:
    parts = [item.help or ""]
    if item.target_length:
        parts.append(
            _("%(n)s字左右（不超过%(m)s字）") % {"n": item.target_length, "m": item.max_length}
        )
    elif item.max_length and item.type == "textarea":
        parts.append(_("不超过%(m)s字") % {"m": item.max_length})
    return "；".join(p for p in parts if p)


def form_field(item, *, strict: bool) -> forms.Field:
    """The Django field for one rule-set field (messages in Chinese)."""
    required = bool(item.required and strict)
    common = {"label": item.label, "required": required, "help_text": _length_help(item)}
    messages = {
        "required": _("请填写%(label)s") % {"label": item.label},
        "max_length": _("%(label)s最多%(n)s个字，现在有%%(show_value)d个字")
        % {"label": item.label, "n": item.max_length or 0},
        "invalid": _("%(label)s格式不正确") % {"label": item.label},
        "invalid_choice": _("请从列表中选择%(label)s") % {"label": item.label},
        "max_value": _("%(label)s不能大于%%(limit_value)s") % {"label": item.label},
        "min_value": _("%(label)s不能小于%%(limit_value)s") % {"label": item.label},
    }
    kind = item.type
    if kind in ("text", "textarea"):
        widget = forms.Textarea(attrs={"rows": 6 if (item.max_length or 0) > 300 else 3})
        if kind == "text":
            widget = forms.TextInput()
        if item.max_length:
            widget.attrs["data-max-length"] = item.max_length
        if item.target_length:
            widget.attrs["data-target-length"] = item.target_length
        return TextField(
            max_length=item.max_length, widget=widget, error_messages=messages, **common
        )
    if kind == "date":
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            error_messages={**messages, "invalid": _("请输入有效日期（年-月-日）")},
            **common,
        )
    if kind == "integer":
        return forms.IntegerField(
            min_value=item.min_value, max_value=item.max_value, error_messages=messages, **common
        )
    if kind == "decimal":
        return forms.DecimalField(
            min_value=item.min_value,
            max_value=item.max_value,
            max_digits=14,
            decimal_places=2,
            error_messages={**messages, "invalid": _("请输入数字")},
            **common,
        )
    if kind == "choice":
        choices = [("", "——请选择——")] + [(c.code, c.label) for c in item.choices]
        return forms.ChoiceField(choices=choices, error_messages=messages, **common)
    if kind == "multichoice":
        return forms.MultipleChoiceField(
            choices=[(c.code, c.label) for c in item.choices],
            widget=forms.CheckboxSelectMultiple,
            error_messages={**messages, "required": _("请至少选择一项%(l)s") % {"l": item.label}},
            **common,
        )
    if kind == "bool":
        return forms.TypedChoiceField(
            choices=[("", "——请选择——"), ("true", "是"), ("false", "否")],
            coerce=lambda v: v == "true",
            empty_value=None,
            error_messages=messages,
            **common,
        )
    if kind == "id_number":
        # room for the spaces people type between the groups; the check wants 18 characters
        return IdNumberField(max_length=30, error_messages=messages, **common)
    if kind == "credit_code":
        return CreditCodeField(max_length=30, error_messages=messages, **common)
    if kind == "bank_account":
        return BankAccountField(max_length=40, error_messages=messages, **common)
    if kind == "phone":
        return forms.CharField(max_length=20, validators=[PHONE], error_messages=messages, **common)
    if kind == "email":
        return forms.CharField(
            max_length=100,
            validators=[EmailValidator(_("请输入有效的电子邮箱"))],
            error_messages=messages,
            **common,
        )
    raise ValueError(f"unknown field type {kind}")


def section_form_class(section) -> type[SectionForm]:
    return type(f"{section.code.title()}Form", (SectionForm,), {"section": section})


def to_json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return value


def from_json(item, value: Any) -> Any:
    """A stored value as the form's initial data (the widgets' own format)."""
    if value is None:
        return ""
    if item.type == "bool" and isinstance(value, bool):
        return "true" if value else "false"
    return value
