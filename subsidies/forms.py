"""Forms of the office and finance pages; errors in Chinese next to the field."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from subsidies.models import Award, AwardEvent, PaymentRun
from subsidies.periods import period_label
from subsidies.services import ADJUSTMENTS, OTHER_BENEFITS, OTHER_TITLES, adjustment_reasons

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _not_future(value: date) -> date:
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("日期不能晚于今天。"))
    return value


class _AwardForm(forms.Form):
    on = forms.DateField(label=_("日期"), widget=DATE_WIDGET, validators=[_not_future])
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, award, **kwargs):
        self.award = award
        super().__init__(*args, **kwargs)
        # what is recorded first, then its date and the note
        self.order_fields([n for n in self.fields if n not in ("on", "note")] + ["on", "note"])

    def clean_on(self):
        value = self.cleaned_data["on"]
        if value < self.award.named_on and not isinstance(self, OtherBenefitForm):
            raise forms.ValidationError(_("日期不能早于命名日期。"))
        return value


class AdjustmentForm(_AwardForm):
    prefix = "adjust"
    kind = forms.ChoiceField(label=_("调整事项"))
    reason = forms.ChoiceField(label=_("原因"), required=False)

    def __init__(self, *args, award, **kwargs):
        super().__init__(*args, award=award, **kwargs)
        self.fields["kind"].choices = [(k, AwardEvent.Kind(k).label) for k in ADJUSTMENTS]
        reasons = {}
        for kind in ADJUSTMENTS:
            reasons.update(adjustment_reasons(award, kind))
        self.fields["reason"].choices = [("", _("（在说明中填写）")), *list(reasons.items())]

    def clean(self):
        data = super().clean()
        kind, reason = data.get("kind"), data.get("reason")
        if kind:
            allowed = adjustment_reasons(self.award, kind)
            if allowed and reason not in allowed:
                self.add_error("reason", _("请选择该调整事项的原因。"))
            if not allowed and not (data.get("note") or "").strip():
                self.add_error("note", _("请填写原因。"))
        return data


class AssessmentForm(_AwardForm):
    prefix = "assess"
    code = forms.ChoiceField(label=_("考核"))
    result = forms.ChoiceField(
        label=_("结果"),
        choices=[
            ("pass", _("合格")),
            ("fail", _("不合格")),
            ("good", _("良好")),
            ("excellent", _("优秀")),
        ],
    )
    unit_at_fault = forms.BooleanField(label=_("单位负有责任"), required=False)
    after_rectification = forms.BooleanField(label=_("整改后仍不合格（复核结果）"), required=False)

    def __init__(self, *args, award, **kwargs):
        super().__init__(*args, award=award, **kwargs)
        self.rules = {a.code: a for a in award.ruleset_version.ruleset.assessments}
        self.fields["code"].choices = [(a.code, a.label) for a in self.rules.values()]

    def clean(self):
        data = super().clean()
        rule = self.rules.get(data.get("code"))
        if rule and data.get("result") and data["result"] not in rule.results:
            self.add_error("result", _("该考核的结果只能是规则规定的结果。"))
        return data


class StudioForm(_AwardForm):
    prefix = "studio"
    level = forms.ChoiceField(
        label=_("工作室级别"), choices=[("city", _("市级")), ("district", _("区级"))]
    )


class OtherBenefitForm(_AwardForm):
    prefix = "other"
    name = forms.ChoiceField(label=_("其他待遇"), choices=list(OTHER_BENEFITS.items()))
    monthly_amount = forms.DecimalField(
        label=_("月标准（元）"), min_value=0, max_digits=12, decimal_places=2
    )


class OtherTitleForm(_AwardForm):
    prefix = "title"
    name = forms.ChoiceField(label=_("称号"), choices=list(OTHER_TITLES.items()))


class RecoveryForm(_AwardForm):
    prefix = "recover"
    payments = forms.MultipleChoiceField(label=_("追回的款项"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, award, **kwargs):
        super().__init__(*args, award=award, **kwargs)
        rows = award.payments.filter(recovers__isnull=True, amount__gt=0, recoveries__isnull=True)
        labels = {s.code: s.label for s in award.ruleset_version.ruleset.benefits.schedules}
        self.fields["payments"].choices = [
            (str(p.pk), f"{period_label(p.period)} {labels.get(p.kind, p.kind)} {p.amount} 元")
            for p in rows.order_by("due_on")
        ]

    def clean_note(self):
        note = self.cleaned_data.get("note", "")
        if not note.strip():
            raise forms.ValidationError(_("请填写追回原因。"))
        return note


class RunForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=PaymentRun.Kind.choices)
    period = forms.CharField(
        label=_("期间"),
        max_length=7,
        help_text=_("月度发放填 YYYY-MM（如 2026-03），年度发放填 YYYY（如 2026）。"),
    )

    def clean(self):
        data = super().clean()
        kind, period = data.get("kind"), (data.get("period") or "").strip()
        if kind == PaymentRun.Kind.MONTHLY and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
            self.add_error("period", _("月度发放的期间应为 YYYY-MM，如 2026-03。"))
        if kind == PaymentRun.Kind.ANNUAL and not re.fullmatch(r"\d{4}", period):
            self.add_error("period", _("年度发放的期间应为 YYYY，如 2026。"))
        today = timezone.localdate()
        if not self.errors and period > (
            today.strftime("%Y-%m") if kind == PaymentRun.Kind.MONTHLY else str(today.year)
        ):
            self.add_error("period", _("不能计算未来的期间。"))
        data["period"] = period
        return data


class AwardFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False)
    title = forms.ChoiceField(label=_("称号状态"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].choices = [("", _("全部")), *list(Award.Title.choices)]
