"""The organising office's pages: its rounds and, on a round's page, experts, ranking, credit
checks, publicity, objections and naming. The round page is reviews.selectors.round_board,
rendered with the forms of its stages."""

from __future__ import annotations

import functools
from dataclasses import fields

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.models import Application
from portal.models import Role
from portal.xlsx import xlsx_response
from programmes.models import Round
from reviews import selectors, services
from reviews.expert_panels import sheet_counts
from reviews.forms import (
    AssignForm,
    CloseExpertStageForm,
    CreditCheckForm,
    DrawForm,
    NamingForm,
    ReasonForm,
    ResolveObjectionForm,
    StartPublicityForm,
)
from reviews.models import Objection, Publicity, ScoreSheet
from reviews.permissions import organises_round
from reviews.views.access import _require_role


def _office_round(request, pk: int):
    _require_role(request.user, Role.DISTRICT_OFFICE, Role.UNION_REVIEWER, Role.SYSTEM_ADMIN)
    round_ = get_object_or_404(Round.objects.select_related("version__programme"), pk=pk)
    if not organises_round(request.user, round_):
        raise Http404
    return round_


@login_required
def office_rounds(request):
    """评审组织: the rounds of the programmes this office runs."""
    _require_role(request.user, Role.DISTRICT_OFFICE, Role.UNION_REVIEWER, Role.SYSTEM_ADMIN)
    return render(
        request, "reviews/office_rounds.html", {"rounds": selectors.office_rounds(request.user)}
    )


def _round_context(request, round_, **forms_by_name):
    """The round board (reviews.selectors.round_board) with the forms of its stages; a form
    given by name (one that failed) is shown again with its errors."""
    board = selectors.round_board(
        round_,
        group=request.GET.get("group") or request.POST.get("group") or "",
        today=timezone.localdate(),
    )
    stages = []
    for block in board.stages:
        shown = {f.name: getattr(block, f.name) for f in fields(block)}
        shown["short_of_sheets"] = block.short_of_sheets
        if block.ranking is not None:
            shown["close_form"] = forms_by_name.get(
                f"close_{block.stage.code}"
            ) or CloseExpertStageForm(
                initial={"stage": block.stage.code, "group": board.group}, tied=block.tied
            )
        if block.stage.kind == "publicity":
            shown["start_form"] = forms_by_name.get("start_publicity") or StartPublicityForm(
                initial={"stage": block.stage.code}
            )
        stages.append(shown)
    return {
        "round": round_,
        "ruleset": board.ruleset,
        "groups": board.groups,
        "group": board.group,
        "stages": stages,
        "approved": board.approved,
        "named": board.named,
        "credit_form": CreditCheckForm(),
        "resolve_form": ResolveObjectionForm(),
        "naming_form": forms_by_name.get("naming") or NamingForm(),
        "errors": forms_by_name.get("errors", []),
    }


@login_required
def office_round(request, pk: int):
    round_ = _office_round(request, pk)
    return render(request, "reviews/office_round.html", _round_context(request, round_))


def _office_post(view):
    """An office POST on one round: signed in, POST only, the round one the user organises;
    the view gets the round instead of its pk."""

    @login_required
    @require_POST
    @functools.wraps(view)
    def on_round(request, pk: int, **ids):
        return view(request, _office_round(request, pk), **ids)

    return on_round


def _round_application(round_, pk) -> Application:
    return get_object_or_404(
        Application.objects.select_related("round__version"), pk=pk, round=round_
    )


def _office_action(request, round_, action, *, success: str, error_context=None):
    """Run one service for an office POST; its Chinese error goes back on the round page."""
    try:
        action()
    except services.ReviewError as exc:
        context = _round_context(request, round_, errors=[exc.message], **(error_context or {}))
        return render(request, "reviews/office_round.html", context, status=400)
    messages.success(request, success)
    return redirect("reviews:office_round", pk=round_.pk)


def _with_form(request, round_, form, call, *, success: str, name: str | None = None):
    """An office POST with its form: `call(cleaned_data)` runs one service once the form is
    valid; the form's errors or the service's go back on the round page (the form `name`d, if
    given, shown again with them)."""
    if not form.is_valid():
        return _invalid(request, round_, form, name)
    return _office_action(
        request,
        round_,
        lambda: call(form.cleaned_data),
        success=success,
        error_context={name: form} if name else None,
    )


def _invalid(request, round_, form, name=None):
    errors = [e for errs in form.errors.values() for e in errs]
    extra = {name: form} if name else {}
    return render(
        request,
        "reviews/office_round.html",
        _round_context(request, round_, errors=errors, **extra),
        status=400,
    )


@_office_post
def assign(request, round_):
    if "count" in request.POST:
        return _with_form(
            request,
            round_,
            DrawForm(request.POST),
            lambda data: services.draw_experts(
                application=_round_application(round_, data["application"]),
                count=data["count"],
                by=request.user,
                seed=data["seed"] or None,
            ),
            success=_("已随机抽取专家。"),
        )
    return _with_form(
        request,
        round_,
        AssignForm(request.POST, authority_ids={round_.version.programme.authority_id}),
        lambda data: services.assign_expert(
            application=_round_application(round_, data["application"]),
            expert=data["expert"],
            by=request.user,
        ),
        success=_("已分配专家。"),
    )


@_office_post
def assign_balanced(request, round_):
    try:
        per_application = int(request.POST.get("per_application", ""))
    except ValueError:
        per_application = 0
    if not 1 <= per_application <= 15:
        context = _round_context(request, round_, errors=[_("每件申报的专家人数应为1至15。")])
        return render(request, "reviews/office_round.html", context, status=400)
    stage = request.POST.get("stage", "")
    return _office_action(
        request,
        round_,
        lambda: services.assign_balanced(
            round=round_, stage=stage, per_application=per_application, by=request.user
        ),
        success=_("已按工作量均衡分配专家。"),
    )


RANKING_HEADERS = [
    "排名", "申报编号", "姓名", "单位", "汇总得分", "专家评分", "偏离提示", "结果",
    "评分表（已交/应交）",
]  # fmt: skip


@login_required
def ranking_export(request, pk: int, stage: str):
    """The ranking at an expert stage as xlsx (Chinese headers), for the office's files."""
    round_ = _office_round(request, pk)
    ruleset = round_.version.ruleset
    if ruleset.stage(stage) is None:
        raise Http404
    ranking, info = selectors.ranking_for(round_, stage, request.GET.get("group", ""))
    counts = sheet_counts(
        ruleset, selectors.expert_assignments([a for a, _g, _s in info.values()], stage), info
    )
    rows = []
    for ranked in ranking.ranked:
        app, agg, sheets = info[ranked.key]
        result = (
            "入选"
            if ranked.key in ranking.selected
            else ("分数线并列待定" if ranked.key in ranking.tied else "未入选")
        )
        rows.append(
            [
                ranked.rank,
                app.pk,
                app.applicant.display_name,
                app.unit.name if app.unit_id else "",
                float(agg.value) if agg.value is not None else None,
                "；".join(f"{s.assignment.expert.display_name} {s.total}" for s in sheets),
                "有" if agg.outliers else "",
                result,
                f"{counts[app.pk].submitted}/{counts[app.pk].needed}"
                + ("（不足）" if counts[app.pk].short else ""),
            ]
        )
    response = xlsx_response(
        filename=f"ranking-{round_.pk}-{stage}.xlsx",
        headers=RANKING_HEADERS,
        rows=rows,
        title="排名",
    )
    return response


@_office_post
def close_expert_stage(request, round_):
    group = request.POST.get("group", "")
    ranking, info = selectors.ranking_for(round_, request.POST.get("stage", ""), group)
    tied = [(k, info[k][0].applicant.display_name) for k in ranking.tied]
    form = CloseExpertStageForm(request.POST, tied=tied)
    if not form.is_valid():
        return _invalid(request, round_, form)
    stage = form.cleaned_data["stage"]
    return _office_action(
        request,
        round_,
        lambda: services.close_expert_stage(
            round=round_,
            stage=stage,
            group=group,
            by=request.user,
            tie_chosen=form.cleaned_data["tie_chosen"],
            tie_reason=form.cleaned_data["tie_reason"],
        ),
        success=_("已按排名确定入选人员。"),
        error_context={f"close_{stage}": form},
    )


@_office_post
def reopen_sheet(request, round_, sheet_pk: int):
    sheet = get_object_or_404(ScoreSheet, pk=sheet_pk, assignment__application__round=round_)
    return _with_form(
        request,
        round_,
        ReasonForm(request.POST),
        lambda data: services.reopen_sheet(sheet=sheet, by=request.user, reason=data["reason"]),
        success=_("已退回该专家重新评分。"),
    )


@_office_post
def credit_check(request, round_):
    return _with_form(
        request,
        round_,
        CreditCheckForm(request.POST),
        lambda data: services.record_credit_check(
            application=_round_application(round_, data["application"]),
            result=data["result"],
            reference=data["reference"],
            by=request.user,
        ),
        success=_("已记录信用核查结果。"),
    )


@_office_post
def start_publicity(request, round_):
    return _with_form(
        request,
        round_,
        StartPublicityForm(request.POST),
        lambda data: services.start_publicity(
            round=round_, stage=data["stage"], starts_on=data["starts_on"], by=request.user
        ),
        success=_("公示已开始。"),
        name="start_publicity",
    )


@_office_post
def close_publicity(request, round_, publicity_pk: int):
    publicity = get_object_or_404(Publicity, pk=publicity_pk, round=round_)
    return _office_action(
        request,
        round_,
        lambda: services.close_publicity(publicity=publicity, by=request.user),
        success=_("公示已结束，无异议人选进入下一阶段。"),
    )


@_office_post
def resolve_objection(request, round_, objection_pk: int):
    objection = get_object_or_404(Objection, pk=objection_pk, publicity__round=round_)
    return _with_form(
        request,
        round_,
        ResolveObjectionForm(request.POST),
        lambda data: services.resolve_objection(
            objection=objection,
            by=request.user,
            upheld=data["upheld"],
            resolution=data["resolution"],
        ),
        success=_("异议已处理。"),
    )


@_office_post
def naming(request, round_):
    return _with_form(
        request,
        round_,
        NamingForm(request.POST),
        lambda data: services.name_candidates(
            round=round_,
            document_number=data["document_number"],
            named_on=data["named_on"],
            by=request.user,
        ),
        success=_("已命名，相关人员将收到通知。"),
        name="naming",
    )
