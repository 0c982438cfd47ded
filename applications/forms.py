"""The small forms around the declaration (the declaration itself: applications.declaration)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from portal.models import Region, Unit


class StartForm(forms.Form):
    """Pick the nomination channel (and the unit) before the declaration opens."""

    channel = forms.ChoiceField(label="推荐方式", error_messages={"required": "请选择推荐方式"})
    unit = forms.ModelChoiceField(
        label="所在单位",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="——请选择——",
        error_messages={"invalid_choice": "请从列表中选择单位"},
        help_text="单位推荐时必选；列表中没有您的单位，请联系单位人事部门在平台登记。",
    )

    street = forms.ModelChoiceField(
        label="户籍或居住地所在街道（镇）",
        queryset=Region.objects.none(),
        required=False,
        empty_label="——请选择——",
        error_messages={"invalid_choice": "请从列表中选择街道（镇）"},
        help_text="没有工作单位（如自由职业者）的，由所在地街道（镇）人力资源和社会保障所推荐。",
    )

    def __init__(self, *args, ruleset, units, streets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [(c.code, c.label) for c in ruleset.eligibility.channels]
        self.fields["unit"].queryset = units
        if streets is None:
            del self.fields["street"]
        else:
            self.fields["street"].queryset = streets
        if ruleset.identity.applicant_kind in ("organisation", "project"):
            self.fields["unit"].label = "申报单位"
            self.fields["unit"].required = True
            self.fields["unit"].error_messages["required"] = "请选择申报单位"
            self.fields["unit"].help_text = ""


class AttachmentForm(forms.Form):
    item = forms.ChoiceField(label="材料项目", error_messages={"required": "请选择材料项目"})
    file = forms.FileField(
        label="文件（PDF、JPG、PNG）",
        error_messages={"required": "请选择要上传的文件", "empty": "文件是空的，请重新选择。"},
    )

    def __init__(self, *args, ruleset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "——请选择——")] + [
            (c.code, c.title) for c in ruleset.form.checklist
        ]


OUTCOMES = [("pass", "同意推荐"), ("return", "退回申报人修改"), ("reject", "不予推荐")]


def _not_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError("日期不能晚于今天。")


class DiscussionForm(forms.Form):
    discussed_on = forms.DateField(
        label="集体讨论日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[_not_future],
        error_messages={"required": "请填写集体讨论日期", "invalid": "请输入有效日期"},
    )
    note = forms.CharField(
        label="讨论情况（参加人员、表决结果）",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": "请填写讨论情况"},
    )
    outcome = forms.ChoiceField(label="结论", choices=OUTCOMES, widget=forms.RadioSelect)


class PublicityForm(forms.Form):
    starts_on = forms.DateField(
        label="公示开始日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写公示开始日期", "invalid": "请输入有效日期"},
    )
    ends_on = forms.DateField(
        label="公示结束日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写公示结束日期", "invalid": "请输入有效日期"},
    )
    objections = forms.CharField(
        label="公示期间的异议及处理情况（无异议填“无”）",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={"required": "请填写异议情况，无异议填“无”"},
    )
    outcome = forms.ChoiceField(
        label="结论",
        choices=[("pass", "公示无异议，报送街镇/主管部门"), ("reject", "不予推荐")],
        widget=forms.RadioSelect,
    )
