"""Staff pages of review: thin views that parse a form, call one service, render.

Object permissions come from reviews.permissions (rules), and the lists from reviews.selectors
with the same scopes; a page a user may not open answers 404 (it does not say it exists) and a
page of a role the user does not hold answers 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.models import Application
from portal import audit
from portal.models import Role
from portal.ratelimits import over_limit, refusal_message
from portal.roles import has_role
from portal.scope import may_see_full_identity
from reviews import display, selectors, services, workflow
from reviews.forms import DecisionForm, QueueFilterForm
from reviews.permissions import current_stage, may_decide, ruleset_of

RECORDED_BODIES = {"coordination_group": "协调小组", "talent_office": "人才工作领导小组（办公室）"}
QUEUE_ROLES = (
    Role.STREET_REVIEWER,
    Role.DEPARTMENT_REVIEWER,
    Role.UNION_REVIEWER,
    Role.DISTRICT_OFFICE,
    Role.SYSTEM_ADMIN,
)
PAGE_SIZE = 25


def _require_role(user, *roles):
    if not has_role(user, *roles):
        raise PermissionDenied(_("您没有访问该页面的权限。"))


def attachment_url(attachment) -> str | None:
    try:
        return reverse("applications:attachment", args=[attachment.pk])
    except NoReverseMatch:
        return None


@login_required
def queue(request):
    """待审核: what waits at the stages this user acts on, for the user's organisation."""
    _require_role(request.user, *QUEUE_ROLES)
    form = QueueFilterForm(
        request.GET or None,
        programmes=selectors.programme_choices(),
        stages=selectors.stage_choices(request.user),
    )
    filters = selectors.QueueFilter()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.QueueFilter(
            programme=data["programme"] or "",
            round=data["round"],
            stage=data["stage"] or "",
            q=data["q"] or "",
            sort=data["sort"] or "waiting",
        )
    page, rows = selectors.queue_page(request.user, filters, request.GET.get("page"), PAGE_SIZE)
    rows = selectors.annotate_rows(rows)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reviews/queue.html",
        {"form": form, "filters": filters, "page": page, "rows": rows, "query": query.urlencode()},
    )


def _file_context(request, application, *, form=None):
    ruleset = ruleset_of(application)
    stage = current_stage(application)
    can_decide = may_decide(request.user, application)
    if can_decide and form is None:
        form = DecisionForm(
            initial={"stage": application.stage},
            outcomes=workflow.allowed_outcomes(stage),
            field_choices=display.field_choices(ruleset),
            recorded_for=RECORDED_BODIES.get(stage.role, ""),
            publicity_dates=stage.kind == "internal_publicity",
        )
    attachments = [(a, attachment_url(a)) for a in application.attachments.all()]
    from reviews.permissions import is_organiser_of

    sheets = []
    if is_organiser_of(request.user, application):
        from reviews.models import ScoreSheet

        sheets = list(
            ScoreSheet.objects.filter(assignment__application=application)
            .select_related("assignment__expert", "assignment__panel")
            .prefetch_related("rows")
            .order_by("assignment__panel__stage", "assignment__expert__username")
        )
    if may_see_full_identity(request.user, application):
        audit.record("view_full_id", obj=application)
    return {
        "sheets": sheets,
        "material_titles": {c.code: c.title for c in ruleset.form.checklist},
        "stage_titles": {s.code: s.title for s in ruleset.workflow.stages},
        "sheet_item_titles": {item.code: item.title for item in services.sheet_items(ruleset)},
        "application": application,
        "ruleset": ruleset,
        "stage": stage,
        "sections": display.present(
            ruleset,
            application.data,
            for_expert=False,
            full_identity=may_see_full_identity(request.user, application),
        ),
        "versions": application.versions.all(),
        "attachments": attachments,
        "events": _history(application, ruleset),
        "can_decide": can_decide,
        "form": form if can_decide else None,
        "path": workflow.path(ruleset.workflow, services.route_of(application)),
    }


def _history(application, ruleset) -> list[dict]:
    """The audit trail for staff: stage titles and status labels, internal notes included."""
    statuses = dict(Application.Status.choices)

    def title(code):
        stage = ruleset.stage(code) if code else None
        return stage.title if stage else code

    return [
        {
            "at": e.at,
            "actor": e.actor.display_name if e.actor else "",
            "from_stage": title(e.from_stage),
            "to_stage": title(e.to_stage),
            "from_status": statuses.get(e.from_status, e.from_status),
            "to_status": statuses.get(e.to_status, e.to_status),
            "note": e.note,
            "internal_note": e.internal_note,
        }
        for e in application.events.all()
    ]


def _viewable(request, pk) -> Application:
    try:
        application = selectors.review_file(pk)
    except Application.DoesNotExist:
        raise Http404 from None
    if not request.user.has_perm("reviews.view_application", application):
        raise Http404
    return application


@login_required
def detail(request, pk: int):
    """The application read-only: declaration, versions, materials, history, decision form."""
    _require_role(request.user, *QUEUE_ROLES)
    application = _viewable(request, pk)
    return render(request, "reviews/detail.html", _file_context(request, application))


@login_required
@require_POST
def decide(request, pk: int):
    _require_role(request.user, *QUEUE_ROLES)
    application = _viewable(request, pk)
    ruleset = ruleset_of(application)
    # the stage the decider saw: the form is built for it, so that a decision on an application
    # that moved on meanwhile is told so (StaleDecision) rather than refused as a bad form
    stage = ruleset.stage(request.POST.get("stage", "")) or current_stage(application)
    if stage is None:
        raise Http404
    form = DecisionForm(
        request.POST,
        outcomes=workflow.allowed_outcomes(stage),
        field_choices=display.field_choices(ruleset),
        recorded_for=RECORDED_BODIES.get(stage.role, ""),
        publicity_dates=stage.kind == "internal_publicity",
    )
    if form.is_valid():
        try:
            services.decide(
                application=application,
                stage=form.cleaned_data["stage"],
                outcome=form.cleaned_data["outcome"],
                by=request.user,
                note=form.full_note(),
                internal_note=form.cleaned_data["internal_note"],
                field_reasons=form.field_reasons(),
                meeting=form.cleaned_data.get("meeting") or "",
                publicity_dates=(
                    form.cleaned_data.get("publicity_starts_on"),
                    form.cleaned_data.get("publicity_ends_on"),
                ),
            )
        except services.StaleDecision as exc:
            messages.error(request, exc.message)
            return redirect("reviews:queue")
        except services.ReviewError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("已提交：%(name)s %(outcome)s。")
                % {
                    "name": application.applicant.display_name,
                    "outcome": services.OUTCOME_LABELS[form.cleaned_data["outcome"]],
                },
            )
            return redirect("reviews:queue")
    return render(
        request, "reviews/detail.html", _file_context(request, application, form=form), status=400
    )


# --- experts -----------------------------------------------------------------------------------


@login_required
def expert_queue(request):
    """专家评审: the expert's own assignments only."""
    _require_role(request.user, Role.EXPERT)
    return render(
        request, "reviews/expert_queue.html", {"assignments": selectors.expert_queue(request.user)}
    )


def _own_assignment(request, pk: int):
    from reviews.models import Assignment

    _require_role(request.user, Role.EXPERT)
    try:
        return Assignment.objects.select_related(
            "application__round__version__programme",
            "application__applicant",
            "panel__round__version",
        ).get(pk=pk, expert=request.user)
    except Assignment.DoesNotExist:
        raise Http404 from None


def _score_context(request, assignment, *, form=None, recuse_form=None):
    from reviews.forms import RecuseForm, ScoreSheetForm

    application = assignment.application
    ruleset = ruleset_of(application)
    sheet = getattr(assignment, "sheet", None)
    items = services.sheet_items(ruleset)
    if form is None:
        initial = {"opinion": sheet.opinion if sheet else ""}
        if sheet:
            initial.update({f"item_{r.item}": r.points for r in sheet.rows.all()})
        form = ScoreSheetForm(initial=initial, items=items)
    return {
        "assignment": assignment,
        "application": application,
        "sheet": sheet,
        "form": form,
        "recuse_form": recuse_form or RecuseForm(),
        "sections": display.present(
            ruleset, application.data, for_expert=True, full_identity=False
        ),
        "attachments": [
            (a, attachment_url(a))
            for a in application.attachments.all()
            if not display.hidden_from_experts(ruleset, a.item)
        ],
        "criteria": ruleset.scoring.criteria if ruleset.scoring else [],
        "locked": bool(sheet and sheet.submitted) or assignment.status != "assigned",
    }


@login_required
def score(request, pk: int):
    """The score sheet of one assignment: the declaration without ID, phone or bank fields."""
    from reviews.forms import ScoreSheetForm

    assignment = _own_assignment(request, pk)
    if request.method == "POST":
        ruleset = ruleset_of(assignment.application)
        form = ScoreSheetForm(request.POST, items=services.sheet_items(ruleset))
        if form.is_valid():
            submit = "submit" in request.POST
            try:
                services.save_scores(
                    assignment=assignment,
                    by=request.user,
                    points=form.points(),
                    opinion=form.cleaned_data["opinion"],
                    submit=submit,
                )
            except services.ReviewError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("评分已提交。") if submit else _("评分已暂存。"))
                if submit:
                    return redirect("reviews:expert_queue")
                return redirect("reviews:score", pk=pk)
        return render(
            request,
            "reviews/score.html",
            _score_context(request, assignment, form=form),
            status=400,
        )
    return render(request, "reviews/score.html", _score_context(request, assignment))


@login_required
@require_POST
def recuse(request, pk: int):
    from reviews.forms import RecuseForm

    assignment = _own_assignment(request, pk)
    form = RecuseForm(request.POST)
    if form.is_valid():
        try:
            services.recuse(
                assignment=assignment, by=request.user, reason=form.cleaned_data["reason"]
            )
        except services.ReviewError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已申明回避，区人社局将重新分配专家。"))
            return redirect("reviews:expert_queue")
    return render(
        request,
        "reviews/score.html",
        _score_context(request, assignment, recuse_form=form),
        status=400,
    )


# --- the office --------------------------------------------------------------------------------


def _office_round(request, pk: int):
    from programmes.models import Round
    from reviews.permissions import organises_round

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
    from reviews.forms import (
        AssignForm,
        CloseExpertStageForm,
        CreditCheckForm,
        DrawForm,
        NamingForm,
        ResolveObjectionForm,
        StartPublicityForm,
    )
    from reviews.models import Publicity

    ruleset = round_.version.ruleset
    groups = (
        [(g.code, g.label) for g in ruleset.scoring.groups.items]
        if ruleset.scoring and ruleset.scoring.groups
        else []
    )
    from django.utils import timezone

    today = timezone.localdate()
    group = request.GET.get("group") or request.POST.get("group") or ""
    if group not in {code for code, _label in groups}:
        group = ""
    apps = list(selectors.round_applications(round_))
    by_stage: dict[str, list] = {}
    for app in apps:
        if app.status == Application.Status.IN_REVIEW:
            by_stage.setdefault(app.stage, []).append(app)
    stages = []
    for stage in ruleset.workflow.stages:
        block = {"stage": stage, "applications": by_stage.get(stage.code, [])}
        if group and stage.kind in workflow.EXPERT_KINDS:
            block["applications"] = [
                a for a in block["applications"] if services.group_of(a, ruleset) == group
            ]
        if stage.kind in workflow.EXPERT_KINDS and block["applications"]:
            ranking, info = services.ranking_for(round_, stage.code, group)
            assignments = selectors.expert_assignments(block["applications"], stage.code)
            ranks = {r.key: r.rank for r in ranking.ranked}
            block["rows"] = [
                {
                    "application": app,
                    "assignments": assignments.get(app.pk, []),
                    "aggregate": info[app.pk][1],
                    "rank": ranks.get(app.pk),
                    "inside": app.pk in ranking.selected,
                    "tied": app.pk in ranking.tied,
                    "preferred": services.tie_preference(app, ruleset, today)
                    if app.pk in ranking.tied
                    else None,
                }
                for app in block["applications"]
            ]
            block["ranking"] = ranking
            tied = [(k, info[k][0].applicant.display_name) for k in ranking.tied]
            block["close_form"] = forms_by_name.get(f"close_{stage.code}") or CloseExpertStageForm(
                initial={"stage": stage.code, "group": group}, tied=tied
            )
        if stage.kind == "publicity":
            block["publicity"] = (
                Publicity.objects.filter(round=round_, stage=stage.code)
                .prefetch_related("objections__application__applicant", "applications__applicant")
                .first()
            )
            block["start_form"] = forms_by_name.get("start_publicity") or StartPublicityForm(
                initial={"stage": stage.code}
            )
        stages.append(block)
    return {
        "round": round_,
        "ruleset": ruleset,
        "groups": groups,
        "group": group,
        "stages": stages,
        "approved": [a for a in apps if a.status == Application.Status.APPROVED],
        "named": [a for a in apps if a.status == Application.Status.NAMED],
        "assign_form": AssignForm(authority_ids={round_.version.programme.authority_id}),
        "draw_form": DrawForm(),
        "credit_form": CreditCheckForm(),
        "resolve_form": ResolveObjectionForm(),
        "naming_form": forms_by_name.get("naming") or NamingForm(),
        "errors": forms_by_name.get("errors", []),
    }


@login_required
def office_round(request, pk: int):
    round_ = _office_round(request, pk)
    return render(request, "reviews/office_round.html", _round_context(request, round_))


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


def _invalid(request, round_, form, name=None):
    errors = [e for errs in form.errors.values() for e in errs]
    extra = {name: form} if name else {}
    return render(
        request,
        "reviews/office_round.html",
        _round_context(request, round_, errors=errors, **extra),
        status=400,
    )


@login_required
@require_POST
def assign(request, pk: int):
    from reviews.forms import AssignForm, DrawForm

    round_ = _office_round(request, pk)
    if "count" in request.POST:
        form = DrawForm(request.POST)
        if not form.is_valid():
            return _invalid(request, round_, form)
        app = _round_application(round_, form.cleaned_data["application"])
        return _office_action(
            request,
            round_,
            lambda: services.draw_experts(
                application=app,
                count=form.cleaned_data["count"],
                by=request.user,
                seed=form.cleaned_data["seed"] or None,
            ),
            success=_("已随机抽取专家。"),
        )
    form = AssignForm(request.POST, authority_ids={round_.version.programme.authority_id})
    if not form.is_valid():
        return _invalid(request, round_, form)
    app = _round_application(round_, form.cleaned_data["application"])
    return _office_action(
        request,
        round_,
        lambda: services.assign_expert(
            application=app, expert=form.cleaned_data["expert"], by=request.user
        ),
        success=_("已分配专家。"),
    )


@login_required
@require_POST
def assign_balanced(request, pk: int):
    round_ = _office_round(request, pk)
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
            round_=round_, stage=stage, per_application=per_application, by=request.user
        ),
        success=_("已按工作量均衡分配专家。"),
    )


@login_required
def ranking_export(request, pk: int, stage: str):
    """The ranking at an expert stage as xlsx (Chinese headers), for the office's files."""
    from portal.xlsx import xlsx_response

    round_ = _office_round(request, pk)
    ruleset = round_.version.ruleset
    if ruleset.stage(stage) is None:
        raise Http404
    ranking, info = services.ranking_for(round_, stage, request.GET.get("group", ""))
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
            ]
        )
    response = xlsx_response(
        filename=f"ranking-{round_.pk}-{stage}.xlsx",
        headers=["排名", "申报编号", "姓名", "单位", "汇总得分", "专家评分", "偏离提示", "结果"],
        rows=rows,
        title="排名",
    )
    return response


@login_required
@require_POST
def close_expert_stage(request, pk: int):
    from reviews.forms import CloseExpertStageForm

    round_ = _office_round(request, pk)
    group = request.POST.get("group", "")
    ranking, info = services.ranking_for(round_, request.POST.get("stage", ""), group)
    tied = [(k, info[k][0].applicant.display_name) for k in ranking.tied]
    form = CloseExpertStageForm(request.POST, tied=tied)
    if not form.is_valid():
        return _invalid(request, round_, form)
    stage = form.cleaned_data["stage"]
    return _office_action(
        request,
        round_,
        lambda: services.close_expert_stage(
            round_=round_,
            stage=stage,
            group=group,
            by=request.user,
            tie_chosen=form.cleaned_data["tie_chosen"],
            tie_reason=form.cleaned_data["tie_reason"],
        ),
        success=_("已按排名确定入选人员。"),
        error_context={f"close_{stage}": form},
    )


@login_required
@require_POST
def reopen_sheet(request, pk: int, sheet_pk: int):
    from reviews.forms import ReasonForm
    from reviews.models import ScoreSheet

    round_ = _office_round(request, pk)
    sheet = get_object_or_404(ScoreSheet, pk=sheet_pk, assignment__application__round=round_)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _invalid(request, round_, form)
    return _office_action(
        request,
        round_,
        lambda: services.reopen_sheet(
            sheet=sheet, by=request.user, reason=form.cleaned_data["reason"]
        ),
        success=_("已退回该专家重新评分。"),
    )


@login_required
@require_POST
def credit_check(request, pk: int):
    from reviews.forms import CreditCheckForm

    round_ = _office_round(request, pk)
    form = CreditCheckForm(request.POST)
    if not form.is_valid():
        return _invalid(request, round_, form)
    app = _round_application(round_, form.cleaned_data["application"])
    return _office_action(
        request,
        round_,
        lambda: services.record_credit_check(
            application=app,
            result=form.cleaned_data["result"],
            reference=form.cleaned_data["reference"],
            by=request.user,
        ),
        success=_("已记录信用核查结果。"),
    )


@login_required
@require_POST
def start_publicity(request, pk: int):
    from reviews.forms import StartPublicityForm

    round_ = _office_round(request, pk)
    form = StartPublicityForm(request.POST)
    if not form.is_valid():
        return _invalid(request, round_, form, "start_publicity")
    return _office_action(
        request,
        round_,
        lambda: services.start_publicity(
            round_=round_,
            stage=form.cleaned_data["stage"],
            starts_on=form.cleaned_data["starts_on"],
            by=request.user,
        ),
        success=_("公示已开始。"),
        error_context={"start_publicity": form},
    )


@login_required
@require_POST
def close_publicity(request, pk: int, publicity_pk: int):
    from reviews.models import Publicity

    round_ = _office_round(request, pk)
    publicity = get_object_or_404(Publicity, pk=publicity_pk, round=round_)
    return _office_action(
        request,
        round_,
        lambda: services.close_publicity(publicity=publicity, by=request.user),
        success=_("公示已结束，无异议人选进入下一阶段。"),
    )


@login_required
@require_POST
def resolve_objection(request, pk: int, objection_pk: int):
    from reviews.forms import ResolveObjectionForm
    from reviews.models import Objection

    round_ = _office_round(request, pk)
    objection = get_object_or_404(Objection, pk=objection_pk, publicity__round=round_)
    form = ResolveObjectionForm(request.POST)
    if not form.is_valid():
        return _invalid(request, round_, form)
    return _office_action(
        request,
        round_,
        lambda: services.resolve_objection(
            objection=objection,
            by=request.user,
            upheld=form.cleaned_data["upheld"],
            resolution=form.cleaned_data["resolution"],
        ),
        success=_("异议已处理。"),
    )


@login_required
@require_POST
def naming(request, pk: int):
    from reviews.forms import NamingForm

    round_ = _office_round(request, pk)
    form = NamingForm(request.POST)
    if not form.is_valid():
        return _invalid(request, round_, form, "naming")
    return _office_action(
        request,
        round_,
        lambda: services.name_candidates(
            round_=round_,
            document_number=form.cleaned_data["document_number"],
            named_on=form.cleaned_data["named_on"],
            by=request.user,
        ),
        success=_("已命名，相关人员将收到通知。"),
        error_context={"naming": form},
    )


# --- the public publicity page ------------------------------------------------------------------


def publicity_list(request):
    """公示 (no sign-in): the publicities running today."""
    from django.utils import timezone

    return render(
        request,
        "reviews/publicity_list.html",
        {"publicities": selectors.open_publicities(timezone.localdate())},
    )


def publicity_detail(request, pk: int):
    """One publicity: the candidates' name, unit and programme only; anyone may object."""
    from django.utils import timezone

    from reviews.forms import ObjectionForm

    today = timezone.localdate()
    publicity = get_object_or_404(selectors.open_publicities(today), pk=pk)
    listed = selectors.publicity_listing(publicity)
    candidates = [(a.pk, a.applicant.display_name) for a in listed]
    form = ObjectionForm(request.POST or None, candidates=candidates)
    status = 200
    if request.method == "POST":
        if over_limit(request, group="objection"):
            form.is_valid()
            form.add_error(None, refusal_message("objection"))
            status = 429
        elif form.is_valid():
            app = next(a for a in listed if a.pk == form.cleaned_data["application"])
            try:
                services.lodge_objection(
                    publicity=publicity,
                    application=app,
                    name=form.cleaned_data["name"],
                    contact=form.cleaned_data["contact"],
                    text=form.cleaned_data["text"],
                )
            except services.ReviewError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("您的异议已提交，我们将核实处理并与您联系。"))
                return redirect("reviews:publicity_detail", pk=publicity.pk)
        if status != 429:
            status = 400
    return render(
        request,
        "reviews/publicity_detail.html",
        {"publicity": publicity, "listed": listed, "form": form},
        status=status,
    )
