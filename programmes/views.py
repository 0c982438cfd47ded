"""The office's rules page per programme: versions, upload, copy with new parameters, compare,
try the scenarios, approve (four eyes), retire, open a round. Others get 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from portal.flash import run_step
from programmes import rule_versions as service
from programmes.forms import CopyForm, RoundForm, UploadForm
from programmes.models import Programme, ProgrammeVersion
from programmes.ruleset import RuleSetError


def _programme(request, code: str) -> Programme:
    programme = get_object_or_404(Programme, code=code)
    if not service.may_manage(request.user, programme):
        raise Http404("没有该项目")
    return programme


def _version(programme: Programme, number: int) -> ProgrammeVersion:
    return get_object_or_404(programme.versions, number=number)


def _rules_context(programme: Programme, **extra) -> dict:
    versions = programme.versions.select_related("uploaded_by", "approved_by").prefetch_related(
        "rounds"
    )
    return {
        "programme": programme,
        "versions": versions.order_by("-number"),
        "in_force": service.in_force_version(programme),
        "upload_form": UploadForm(),
        **extra,
    }


@login_required
def rules(request, code: str):
    programme = _programme(request, code)
    return render(request, "programmes/rules.html", _rules_context(programme))


@login_required
@require_POST
def upload(request, code: str):
    programme = _programme(request, code)
    form = UploadForm(request.POST, request.FILES)
    problems = []
    if form.is_valid():
        name, text = form.cleaned_data["file"]
        scenarios = []
        for item in form.cleaned_data["scenarios"]:
            try:
                scenarios.append({"name": item.name, "text": item.read().decode("utf-8")})
            except UnicodeDecodeError:
                form.add_error("scenarios", f"情景文件“{item.name}”应为 UTF-8 编码。")
        if form.is_valid():
            try:
                version = service.upload_version(
                    programme=programme,
                    text=text,
                    by=request.user,
                    source_name=name,
                    note=form.cleaned_data["note"],
                    scenarios=scenarios,
                )
            except RuleSetError as exc:
                problems = service.validation_problems(exc)
            except service.RuleVersionError as exc:
                form.add_error("file", str(exc))
            else:
                messages.success(
                    request, f"已上传为第{version.number}版（草稿），请核对比较结果和试算。"
                )
                return redirect("programmes:version", code=code, number=version.number)
    context = _rules_context(programme, upload_form=form, problems=problems)
    return render(request, "programmes/rules.html", context, status=400)


@login_required
def copy(request, code: str):
    programme = _programme(request, code)
    base = service.in_force_version(programme)
    if base is None:
        raise Http404("没有生效的规则版本")
    ruleset = base.ruleset
    current = service.parameters_of(ruleset)
    initial = {
        "in_force_from": current.in_force_from,
        "in_force_until": current.in_force_until,
        "quota": current.quota,
    }
    form = CopyForm(request.POST or None, ruleset=ruleset, initial=initial)
    for name, schedule in form.amount_fields:
        form.fields[name].initial = current.amounts[schedule]
    for name, stage in form.publicity_fields:
        form.fields[name].initial = current.publicity_days[stage]
    for opens, closes, channel in form.window_fields:
        form.fields[opens].initial, form.fields[closes].initial = current.windows[channel]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        params = service.Parameters(
            in_force_from=data["in_force_from"],
            in_force_until=data["in_force_until"],
            quota=data.get("quota"),
            amounts={schedule: data[name] for name, schedule in form.amount_fields},
            publicity_days={stage: data[name] for name, stage in form.publicity_fields},
            windows={c: (data[o], data[k]) for o, k, c in form.window_fields},
        )
        try:
            version = service.copy_version(
                version=base, params=params, by=request.user, note=data["note"]
            )
        except RuleSetError as exc:
            for problem in service.validation_problems(exc):
                form.add_error(None, problem)
        except service.RuleVersionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已生成第{version.number}版（草稿），请核对比较结果和试算。")
            return redirect("programmes:version", code=code, number=version.number)
    return render(
        request,
        "programmes/copy.html",
        {"programme": programme, "base": base, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def version(request, code: str, number: int):
    programme = _programme(request, code)
    version = _version(programme, number)
    base, changes = service.compare(version)
    # Scenarios are tried against the version in force: with none to compare, nothing to show.
    trials = (
        service.try_scenarios(version)
        if base is not None and version.state != version.State.RETIRED
        else []
    )
    return render(
        request,
        "programmes/version.html",
        {
            "programme": programme,
            "version": version,
            "base": base,
            "changes": changes,
            "trials": trials,
            "changed_trials": sum(1 for t in trials if t.status == "changed"),
            "failed_trials": sum(1 for t in trials if t.status == "failed"),
            "may_approve": service.may_approve(request.user, version),
        },
    )


ACTIONS = {
    "submit": (service.submit_version, "已提交审核，请由本部门另一位经办人员审核。"),
    "approve": (service.approve_version, "该版本已生效：此后新开的申报批次使用该版本。"),
    "retire": (service.retire_version, "该版本已停用：不能再用它开启新的申报批次。"),
}


@login_required
@require_POST
def act(request, code: str, number: int, action: str):
    programme = _programme(request, code)
    version = _version(programme, number)
    if action not in ACTIONS:
        raise Http404("没有该操作")
    step, done = ACTIONS[action]
    run_step(
        request, lambda: step(version=version, by=request.user), done, service.RuleVersionError
    )
    return redirect("programmes:version", code=code, number=number)


@login_required
def new_round(request, code: str, number: int):
    programme = _programme(request, code)
    version = _version(programme, number)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = service.open_round(version=version, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                target = field if field in form.fields else None
                for error in errors:
                    form.add_error(target, error)
        except service.RuleVersionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"已开启申报批次“{round_.name}”（第{version.number}版规则）。"
            )
            return redirect("programmes:rules", code=code)
    return render(
        request,
        "programmes/new_round.html",
        {"programme": programme, "version": version, "form": form},
        status=400 if form.errors else 200,
    )
