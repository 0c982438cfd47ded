"""Forms of the office's rules page: upload a rule-set file, copy the version in force with
its common parameters changed, open a round."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_RULESET_BYTES = 1024 * 1024


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("规则文件（YAML）"),
        error_messages={"required": _("请选择规则文件。")},
        help_text=_("UTF-8 编码的 .yaml 文件，格式同 fixtures/programmes/ 下的规则文件。"),
    )
    scenarios = MultipleFileField(
        label=_("随附试算情景（可多选，可不选）"),
        required=False,
        help_text=_("除本项目已有的情景文件外，另用这些情景试算新版本。"),
    )
    note = forms.CharField(label=_("修订说明"), max_length=200, required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_RULESET_BYTES:
            raise forms.ValidationError(_("规则文件不应超过 1 MB。"))
        try:
            return upload.name, upload.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("规则文件应为 UTF-8 编码。")) from exc


class CopyForm(forms.Form):
    """The common parameters; a field per amount, publicity and channel window is added."""

    in_force_from = forms.DateField(label=_("施行日期"))
    in_force_until = forms.DateField(label=_("失效日期"), required=False)
    quota = forms.IntegerField(label=_("名额（人）"), min_value=1, required=False)
    note = forms.CharField(label=_("修订说明"), max_length=200, required=False)

    def __init__(self, *args, ruleset, **kwargs):
        super().__init__(*args, **kwargs)
        if not (ruleset.scoring and ruleset.scoring.quota):
            del self.fields["quota"]
        self.amount_fields, self.publicity_fields, self.window_fields = [], [], []
        for schedule in ruleset.benefits.schedules:
            if schedule.amount is not None:
                name = f"amount__{schedule.code}"
                self.fields[name] = forms.DecimalField(
                    label=_("%(label)s 金额（元）") % {"label": schedule.label},
                    min_value=0,
                    decimal_places=2,
                    max_digits=12,
                )
                self.amount_fields.append((name, schedule.code))
        for stage in ruleset.workflow.stages:
            if stage.kind == "publicity" and stage.working_days:
                name = f"publicity__{stage.code}"
                self.fields[name] = forms.IntegerField(
                    label=_("%(title)s（工作日）") % {"title": stage.title}, min_value=1
                )
                self.publicity_fields.append((name, stage.code))
        for channel in ruleset.eligibility.channels:
            if channel.window is not None:
                opens, closes = f"opens__{channel.code}", f"closes__{channel.code}"
                self.fields[opens] = forms.DateField(
                    label=_("%(label)s 申报开始") % {"label": channel.label}
                )
                self.fields[closes] = forms.DateField(
                    label=_("%(label)s 申报截止") % {"label": channel.label}
                )
                self.window_fields.append((opens, closes, channel.code))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("in_force_from"), cleaned.get("in_force_until")
        if start and end and end < start:
            self.add_error("in_force_until", _("失效日期不能早于施行日期。"))
        for opens, closes, _code in self.window_fields:
            if cleaned.get(opens) and cleaned.get(closes) and cleaned[closes] < cleaned[opens]:
                self.add_error(closes, _("截止日期不能早于开始日期。"))
        return cleaned


class RoundForm(forms.Form):
    name = forms.CharField(label=_("批次名称"), max_length=100)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    opens_on = forms.DateField(label=_("申报开始日期"))
    closes_on = forms.DateField(label=_("申报截止日期"))
    quota = forms.IntegerField(label=_("名额"), min_value=1, required=False)
