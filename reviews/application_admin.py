"""The review's admin of the applications: applications.admin.ApplicationAdmin with the
review's stage filter, its actions and its list scope, registered in the base's place.

The actions (pass, return for revision, reject, assign experts, record a finding) call the same
services as the staff pages (reviews.services), so the same permissions and locks apply; the
list shows only the applications of the programmes the user's office runs and what waits at the
user's own stages (reviews.selectors.admin_scope_q). applications sits below reviews and never
imports it: the review extends the declaration's admin here (imported by reviews.admin).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from applications.admin import ApplicationAdmin, ProgrammeFilter
from applications.display import field_choices
from applications.models import Application
from portal.scope import office_authority_ids, pool_experts
from programmes.models import ProgrammeVersion
from reviews import services
from reviews.forms import seed_field
from reviews.selectors import admin_scope_q, stage_choices


class StageFilter(admin.SimpleListFilter):
    title = _("当前阶段")
    parameter_name = "stage"

    def lookups(self, request, model_admin):
        return stage_choices(request.user)

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(stage=self.value())
        return queryset


def _ban_choices():
    """(code, label) of every ban the loaded rule sets define (上海工匠 五(三), 市中 第十四条(三))."""
    seen = {}
    for version in ProgrammeVersion.objects.defer("data").order_by("number"):
        for ban in version.ruleset.bans:
            seen[ban.code] = f"{ban.label}（{version.programme.name} {ban.source}）"
    return list(seen.items())


class FindingForm(forms.Form):
    """A finding that bars later rounds (the rule set's `bans`)."""

    rule = forms.ChoiceField(label=_("认定事项"))
    against = forms.ChoiceField(
        label=_("对象"), choices=[("person", _("申报人")), ("unit", _("所在单位"))]
    )
    found_on = forms.DateField(
        label=_("认定日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("请输入有效日期（YYYY-MM-DD）。")},
    )
    note = forms.CharField(
        label=_("认定情况"), widget=forms.Textarea(attrs={"rows": 3, "cols": 60})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = _ban_choices()


class ReasonForm(forms.Form):
    note = forms.CharField(
        label=_("理由（申报人可见）"),
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={"required": _("请填写理由。")},
    )


class ReturnForm(forms.Form):
    """A return names what to fix: a field, table or material of the form, with its reason."""

    target = forms.ChoiceField(
        label=_("需修改的字段或材料"),
        error_messages={"required": _("请选择需修改的字段或材料。")},
    )
    reason = forms.CharField(
        label=_("修改理由（申报人可见，显示在该字段或材料旁）"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        error_messages={"required": _("请填写修改理由。")},
    )
    note = forms.CharField(
        label=_("总体意见（可不填）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [("", _("（请选择）")), *choices]


def return_targets(queryset) -> list[tuple[str, str]]:
    """The fields, tables and materials of the selected applications' forms (each once)."""
    seen: dict[str, str] = {}
    for version in {a.round.version for a in queryset.select_related("round__version")}:
        for key, label in field_choices(version.ruleset):
            seen.setdefault(key, label)
    return list(seen.items())


class AssignExpertsForm(forms.Form):
    experts = forms.ModelMultipleChoiceField(
        label=_("指定专家"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    draw = forms.IntegerField(label=_("或随机抽取人数"), min_value=1, max_value=15, required=False)
    seed = seed_field()

    def __init__(self, *args, authority_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experts"].queryset = pool_experts(authority_ids)
        self.fields["experts"].label_from_instance = lambda u: u.display_name

    def clean(self):
        data = super().clean()
        if not data.get("experts") and not data.get("draw"):
            raise forms.ValidationError(gettext("请指定专家或填写随机抽取人数。"))
        return data


class ReviewApplicationAdmin(ApplicationAdmin):
    list_filter = [ProgrammeFilter, "round", StageFilter, "status", "street", "unit"]
    actions = [
        "pass_selected",
        "return_selected",
        "reject_selected",
        "assign_experts",
        "record_finding_selected",
    ]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        scope = admin_scope_q(request.user)
        return qs.none() if scope is None else qs.filter(scope)

    # --- actions: the same services as the staff pages ---------------------------------------

    def _run(self, request, queryset, outcome: str, note: str = "", field_reasons=None):
        done = 0
        for application in queryset:
            try:
                services.decide(
                    application=application,
                    stage=application.stage,
                    outcome=outcome,
                    by=request.user,
                    note=note,
                    field_reasons=field_reasons,
                )
                done += 1
            except (services.ReviewError, PermissionDenied) as exc:
                message = getattr(exc, "message", None) or str(exc) or gettext("无权操作")
                self.message_user(
                    request, f"{application.applicant.display_name}：{message}", messages.ERROR
                )
        if done:
            self.message_user(
                request,
                gettext("已处理 %(n)s 件：%(outcome)s。")
                % {"n": done, "outcome": services.OUTCOME_LABELS[outcome]},
                messages.SUCCESS,
            )

    def _form_page(self, request, queryset, title, form):
        """The page that asks for an action's input (reason, experts, finding) before it runs."""
        return TemplateResponse(
            request,
            "reviews/admin_action.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "form": form,
                "queryset": queryset,
                "action": request.POST.get("action"),
                "opts": self.model._meta,
            },
        )

    def _with_reason(self, request, queryset, outcome: str, title: str):
        data = request.POST if "apply" in request.POST else None
        if outcome == "return":
            form = ReturnForm(data, choices=return_targets(queryset))
        else:
            form = ReasonForm(data)
        if form.is_bound and form.is_valid():
            reasons = (
                {form.cleaned_data["target"]: form.cleaned_data["reason"]}
                if outcome == "return"
                else None
            )
            self._run(request, queryset, outcome, form.cleaned_data["note"], reasons)
            return None
        return self._form_page(request, queryset, title, form)

    @admin.action(description=_("审核通过（进入下一阶段）"))
    def pass_selected(self, request, queryset):
        self._run(request, queryset, "pass")

    @admin.action(description=_("退回修改"))
    def return_selected(self, request, queryset):
        return self._with_reason(request, queryset, "return", gettext("退回修改"))

    @admin.action(description=_("不通过"))
    def reject_selected(self, request, queryset):
        return self._with_reason(request, queryset, "reject", gettext("不通过"))

    @admin.action(description=_("记录禁止申报的认定（虚假信息、单位责任）"))
    def record_finding_selected(self, request, queryset):
        form = FindingForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            for application in queryset:
                try:
                    services.record_finding(
                        application=application, by=request.user, **form.cleaned_data
                    )
                except (services.ReviewError, PermissionDenied) as exc:
                    message = getattr(exc, "message", None) or str(exc) or gettext("无权操作")
                    self.message_user(
                        request, f"{application.applicant.display_name}：{message}", messages.ERROR
                    )
                else:
                    self.message_user(
                        request,
                        gettext("%(name)s：已记录认定，以后批次的资格审查将据此不予受理。")
                        % {"name": application.applicant.display_name},
                        messages.SUCCESS,
                    )
            return None
        return self._form_page(request, queryset, gettext("记录禁止申报的认定"), form)

    @admin.action(description=_("分配评审专家"))
    def assign_experts(self, request, queryset):
        form = AssignExpertsForm(
            request.POST if "apply" in request.POST else None,
            authority_ids=office_authority_ids(request.user),
        )
        if form.is_bound and form.is_valid():
            for application in queryset:
                try:
                    if form.cleaned_data["draw"]:
                        services.draw_experts(
                            application=application,
                            count=form.cleaned_data["draw"],
                            by=request.user,
                            seed=form.cleaned_data["seed"] or None,
                        )
                    for expert in form.cleaned_data["experts"]:
                        services.assign_expert(
                            application=application, expert=expert, by=request.user
                        )
                except (services.ReviewError, PermissionDenied) as exc:
                    message = getattr(exc, "message", None) or str(exc)
                    self.message_user(
                        request, f"{application.applicant.display_name}：{message}", messages.ERROR
                    )
                else:
                    self.message_user(
                        request,
                        gettext("%(name)s：已分配专家。")
                        % {"name": application.applicant.display_name},
                        messages.SUCCESS,
                    )
            return None
        return self._form_page(request, queryset, gettext("分配评审专家"), form)


admin.site.unregister(Application)
admin.site.register(Application, ReviewApplicationAdmin)
