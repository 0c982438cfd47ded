"""Forms of the review pages: queue filters, decisions, score sheets, office records."""

from __future__ import annotations

import re
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from portal.scope import pool_experts
from reviews.services import OUTCOME_LABELS

REASON_ROWS = 5


def note_field(help_text, *, rows: int) -> forms.CharField:
    """The decision's opinion, which the applicant reads (one decision or a batch)."""
    return forms.CharField(
        label=_("审核意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


def internal_note_field(**kwargs) -> forms.CharField:
    """The decision's note for staff only."""
    return forms.CharField(
        label=_("内部备注"),
        required=False,
        max_length=2000,
        help_text=_("仅工作人员可见。"),
        **kwargs,
    )


def seed_field() -> forms.CharField:
    """The draw's seed, with what it is for (the same seed and pool draw the same experts)."""
    return forms.CharField(
        label=_("抽取种子"),
        required=False,
        max_length=64,
        help_text=_(
            "用于核查抽取是否公正：填写同一种子、同一专家库可复现同样的结果；"
            "留空则由系统随机生成并记入办理记录"
        ),
    )


class ReturnReasons:
    """A return's reasons, `reason_rows` rows of a field or material and why (a form mixin)."""

    reason_rows = 0

    def add_reason_rows(self, rows: int, field_choices) -> None:
        self.reason_rows = rows
        options = [("", _("（选择需修改的字段或材料）")), *list(field_choices)]
        for i in range(rows):
            self.fields[f"reason_field_{i}"] = forms.ChoiceField(
                label=_("退回字段或材料%(n)s") % {"n": i + 1}, required=False, choices=options
            )
            self.fields[f"reason_text_{i}"] = forms.CharField(
                label=_("修改理由%(n)s") % {"n": i + 1}, required=False, max_length=500
            )

    def field_reasons(self) -> dict[str, str]:
        reasons = {}
        for i in range(self.reason_rows):
            key = self.cleaned_data.get(f"reason_field_{i}")
            text = (self.cleaned_data.get(f"reason_text_{i}") or "").strip()
            if key and text:
                reasons[key] = text
        return reasons

    def clean_reasons(self, data: dict, *, returning: bool) -> None:
        """Each row both or neither; a return with at least one."""
        for i in range(self.reason_rows):
            key, text = data.get(f"reason_field_{i}"), (data.get(f"reason_text_{i}") or "")
            if key and not text.strip():
                self.add_error(f"reason_text_{i}", _("请填写该字段的修改理由。"))
            if text.strip() and not key:
                self.add_error(f"reason_field_{i}", _("请选择需修改的字段或材料。"))
        if returning and not self.field_reasons():
            self.add_error(
                "reason_field_0",
                _("退回修改须写明理由：请至少指明一项需修改的字段或材料，并写明修改理由。"),
            )


class QueueFilterForm(forms.Form):
    programme = forms.ChoiceField(label=_("人才项目"), required=False)
    round = forms.IntegerField(label=_("批次"), required=False, widget=forms.HiddenInput)
    stage = forms.ChoiceField(label=_("阶段"), required=False)
    q = forms.CharField(label=_("姓名/单位"), required=False, max_length=50)
    sort = forms.ChoiceField(
        label=_("排序"),
        required=False,
        choices=[
            ("waiting", _("等待最久在前")),
            ("-waiting", _("最新在前")),
            ("name", _("姓名")),
            ("submitted", _("提交时间")),
        ],
    )

    def __init__(self, *args, programmes=(), stages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [("", _("全部")), *list(programmes)]
        self.fields["stage"].choices = [("", _("全部")), *list(stages)]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select form-select-sm")
        self.fields["q"].widget.attrs["class"] = "form-control form-control-sm"


class DecisionForm(ReturnReasons, forms.Form):
    """Pass, return with a reason per field, or reject with a reason."""

    outcome = forms.ChoiceField(label=_("审核结论"), widget=forms.RadioSelect)
    note = note_field(_("申报人可见。退回修改、不通过须写明理由。"), rows=3)
    internal_note = internal_note_field(widget=forms.Textarea(attrs={"rows": 2}))
    stage = forms.CharField(widget=forms.HiddenInput)

    def __init__(
        self, *args, outcomes=(), field_choices=(), recorded_for="", publicity_dates=False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        if publicity_dates:  # an internal publicity: the gate needs its dates to pass it
            for name, label in (
                ("publicity_starts_on", _("公示开始日期")),
                ("publicity_ends_on", _("公示结束日期")),
            ):
                self.fields[name] = forms.DateField(
                    label=label,
                    required=False,
                    widget=forms.DateInput(attrs={"type": "date"}),
                    error_messages={"invalid": _("请输入有效日期（YYYY-MM-DD）。")},
                )
        self.fields["outcome"].choices = [(o, OUTCOME_LABELS[o]) for o in outcomes]
        self.recorded_for = recorded_for
        if recorded_for:  # a group's or a leading office's decision, recorded by the office
            self.fields["meeting"] = forms.CharField(
                label=_("会议日期或文件"),
                max_length=200,
                help_text=_("%(body)s的会议日期、纪要或文件文号") % {"body": recorded_for},
                error_messages={"required": _("请填写会议日期或文件。")},
            )
        self.has_return = "return" in outcomes
        if self.has_return:
            self.add_reason_rows(REASON_ROWS, field_choices)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def full_note(self) -> str:
        note = (self.cleaned_data.get("note") or "").strip()
        meeting = (self.cleaned_data.get("meeting") or "").strip()
        if meeting:
            prefix = _("（%(body)s：%(meeting)s）") % {
                "body": self.recorded_for,
                "meeting": meeting,
            }
            return f"{prefix}{note}"
        return note

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        note = (data.get("note") or "").strip()
        self.clean_reasons(data, returning=outcome == "return")
        if outcome == "reject" and not note:
            self.add_error("note", _("不通过须写明理由。"))
        return data


class ScoreSheetForm(forms.Form):
    """One row per item of the rule set's sheet, each at most its maximum."""

    opinion = forms.CharField(
        label=_("评审意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"item_{item.code}"] = forms.DecimalField(
                label=f"{item.code} {item.title}（{item.max_points}分）",
                min_value=Decimal(0),
                max_digits=6,
                decimal_places=2,
                required=False,
                help_text=item.guidance,
                error_messages={
                    "min_value": _("得分不能为负数。"),
                    "invalid": _("请输入数字。"),
                    "max_decimal_places": _("最多保留两位小数。"),
                },
            )
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        data = super().clean()
        for item in self.items:
            value = data.get(f"item_{item.code}")
            if value is not None and value > item.max_points:
                self.add_error(
                    f"item_{item.code}",
                    _("得分不能超过该项满分%(max)s分。") % {"max": item.max_points},
                )
        return data

    def points(self) -> dict[str, Decimal]:
        return {
            item.code: self.cleaned_data[f"item_{item.code}"]
            for item in self.items
            if self.cleaned_data.get(f"item_{item.code}") is not None
        }


def _reason_field(label, *, max_length: int, required) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": required},
    )


class RecuseForm(forms.Form):
    reason = _reason_field(_("回避理由"), max_length=500, required=_("请说明需要回避的原因。"))


class ReasonForm(forms.Form):
    reason = _reason_field(_("理由"), max_length=1000, required=_("请填写理由。"))


class AssignForm(forms.Form):
    application = forms.IntegerField(widget=forms.HiddenInput)
    expert = forms.ModelChoiceField(
        label=_("专家"),
        queryset=None,
        error_messages={"required": _("请选择专家。")},
        widget=forms.Select(attrs={"aria-label": _("指定评审专家")}),
    )

    def __init__(self, *args, authority_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = pool_experts(authority_ids)
        self.fields["expert"].label_from_instance = lambda u: u.display_name


class DrawForm(forms.Form):
    application = forms.IntegerField(widget=forms.HiddenInput)
    count = forms.IntegerField(label=_("抽取人数"), min_value=1, max_value=15, initial=3)
    seed = seed_field()


class CloseExpertStageForm(forms.Form):
    stage = forms.CharField(widget=forms.HiddenInput)
    group = forms.CharField(widget=forms.HiddenInput, required=False)
    tie_chosen = forms.TypedMultipleChoiceField(
        label=_("并列人选中入选的"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    tie_reason = forms.CharField(
        label=_("并列决定理由"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, tied=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tie_chosen"].choices = list(tied)


class CreditCheckForm(forms.Form):
    application = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(
        label=_("核查结果"), choices=[("pass", _("通过")), ("fail", _("不通过"))]
    )
    reference = forms.CharField(label=_("查询编号"), required=False, max_length=100)


class StartPublicityForm(forms.Form):
    stage = forms.CharField(widget=forms.HiddenInput)
    starts_on = forms.DateField(
        label=_("公示开始日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("请填写公示开始日期。"),
            "invalid": _("日期格式应为 年-月-日。"),
        },
    )


class ResolveObjectionForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("处理结果"),
        choices=[("0", _("异议不成立")), ("1", _("异议成立（取消人选）"))],
        coerce=lambda v: v == "1",
    )
    resolution = forms.CharField(
        label=_("处理意见"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写处理意见。")},
    )


class ObjectionForm(forms.Form):
    application = forms.TypedChoiceField(label=_("异议对象"), coerce=int)
    name = forms.CharField(
        label=_("您的姓名"), max_length=50, error_messages={"required": _("请填写姓名。")}
    )
    contact = forms.CharField(
        label=_("联系方式"),
        max_length=100,
        help_text=_("电话或电子邮箱，便于核实"),
        error_messages={"required": _("请填写联系方式。")},
    )
    text = forms.CharField(
        label=_("异议内容"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写异议内容及事实依据。")},
    )

    def clean_contact(self) -> str:
        """A telephone number (mobile or landline) or an e-mail address the office can use."""
        contact = self.cleaned_data["contact"].strip()
        digits = re.sub(r"[\s()（）-]", "", contact)
        if re.fullmatch(r"(\+?86)?1[3-9]\d{9}|0\d{9,11}|\d{7,8}", digits):
            return contact
        try:
            validate_email(contact)
        except forms.ValidationError as exc:
            raise forms.ValidationError(
                _("请填写可以联系到您的手机号、固定电话或电子邮箱。")
            ) from exc
        return contact

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = list(candidates)
        self.helper = FormHelper()
        self.helper.add_input(Submit("", _("提交异议")))


class NamingForm(forms.Form):
    document_number = forms.CharField(
        label=_("命名文件文号"), max_length=100, error_messages={"required": _("请填写文号。")}
    )
    named_on = forms.DateField(
        label=_("命名日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("请填写命名日期。"), "invalid": _("日期格式应为 年-月-日。")},
    )
