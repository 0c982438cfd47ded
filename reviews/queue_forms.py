"""The staff queue's forms: its filters and search, and the batch form saying what to do with
the selected applications (reviews.batch_actions).

The selection itself is the checkboxes' values ("<id>:<stage>"), read by
batch_actions.resolve; this form holds the action and what it needs: a return's fields or
materials with their reasons (as on the application's own page), a group's meeting, the expert
to assign, or the number of experts to draw and the seed.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.scope import pool_experts
from reviews.forms import QueueFilterForm, ReturnReasons, internal_note_field, note_field

BATCH_REASON_ROWS = 3
ONLY_CHOICES = [
    ("", _("全部")),
    ("resubmitted", _("退回修改后重新提交")),
    ("overdue", _("已逾期")),
]


class QueueForm(QueueFilterForm):
    """The queue's filters: the user's own programmes and their stages, the search (name,
    unit or application number, across every application in scope) and the workbench's flags."""

    only = forms.ChoiceField(label=_("仅显示"), required=False, choices=ONLY_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].label = _("姓名/单位/申报编号")
        self.fields["q"].help_text = _("在您有权查看的全部申报中查找（不限于待您审核的）")
        self.fields["only"].widget.attrs["class"] = "form-select form-select-sm"


ACTIONS = [
    ("pass", _("通过")),
    ("return", _("退回修改")),
    ("assign", _("指定专家")),
    ("draw", _("随机抽取专家")),
]


class BatchForm(ReturnReasons, forms.Form):
    action = forms.ChoiceField(
        label=_("批量办理"),
        choices=ACTIONS,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择批量办理的方式。")},
    )
    note = note_field(_("申报人可见，所选申报相同。"), rows=2)
    internal_note = internal_note_field()
    meeting = forms.CharField(
        label=_("会议日期或文件"),
        required=False,
        max_length=200,
        help_text=_("协调小组、人才工作领导小组（办公室）审核阶段须填写会议日期、纪要或文件文号。"),
    )
    expert = forms.ModelChoiceField(
        label=_("指定专家"),
        queryset=None,
        required=False,
        help_text=_("与申报人同一单位、已分配或已申明回避的，该件不予分配并列明原因。"),
    )
    count = forms.IntegerField(
        label=_("每件抽取人数"),
        required=False,
        min_value=1,
        max_value=15,
        error_messages={
            "min_value": _("抽取人数至少为1人。"),
            "max_value": _("抽取人数至多为15人。"),
        },
    )
    seed = forms.CharField(
        label=_("抽取种子（用于复核）"),
        required=False,
        max_length=64,
        help_text=_(
            "种子与专家库一并记入办理记录：用同一种子和同一专家库可复现同样的抽取结果，"
            "便于事后核查抽取是否公正；不填则由系统随机生成。"
        ),
    )

    def __init__(self, *args, field_choices=(), authority_ids=None, may_assign=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_assign:  # only the organising office puts experts on a panel
            self.fields["action"].choices = ACTIONS[:2]
        self.add_reason_rows(BATCH_REASON_ROWS, field_choices)
        self.fields["expert"].queryset = pool_experts(authority_ids)
        self.fields["expert"].label_from_instance = lambda u: u.display_name
        for name, field in self.fields.items():
            if name == "action":
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", f"{css} form-control-sm")

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "return":
            self.clean_reasons(data, returning=True)
        if action == "assign" and not data.get("expert"):
            self.add_error("expert", _("请选择要指定的专家。"))
        if action == "draw" and not data.get("count"):
            self.add_error("count", _("请填写每件抽取的专家人数。"))
        return data
