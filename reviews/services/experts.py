"""Experts on an application: assignment by hand, by draw or by load, and the conflict an expert
declares (recusal)."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, ApplicationEvent
from portal.models import User
from portal.notifications import notify
from portal.roles import has_role
from reviews import workflow
from reviews.draw import balanced, draw
from reviews.models import Assignment, Panel
from reviews.permissions import ruleset_of
from reviews.selectors.actors import organisers
from reviews.selectors.scoring import expert_pool, group_of
from reviews.services.base import ReviewError, _locked, _require_organiser


def _expert_stage(application: Application, ruleset):
    stage = ruleset.stage(application.stage)
    if stage is None or stage.kind not in workflow.EXPERT_KINDS:
        raise ReviewError(_("该申报当前不在专家评审阶段，不能分配专家。"))
    if application.status != Application.Status.IN_REVIEW:
        raise ReviewError(_("该申报当前不在审核中。"))
    return stage


def _panel(application: Application, ruleset, stage, by):
    panel, _created = Panel.objects.get_or_create(
        round=application.round,
        stage=stage.code,
        group=group_of(application, ruleset),
        defaults={"created_by": by},
    )
    return panel


def _conflicted(expert, application: Application) -> bool:
    profile = getattr(expert, "expert_profile", None)
    return bool(profile and profile.unit_id and profile.unit_id == application.unit_id)


@transaction.atomic
def assign_expert(*, application: Application, expert, by):
    """The office assigns one expert; an expert of the applicant's unit is refused."""
    locked = _locked(application)
    _require_organiser(by, locked)
    ruleset = ruleset_of(locked)
    stage = _expert_stage(locked, ruleset)
    if not has_role(expert, "expert"):
        raise ReviewError(_("%(name)s 不是评审专家。") % {"name": expert.display_name})
    profile = getattr(expert, "expert_profile", None)
    pool = profile.authority_id if profile is not None else None
    if pool is not None and pool != locked.round.version.programme.authority_id:
        raise ReviewError(
            _("%(name)s 不在本机构的专家库中，不能分配。") % {"name": expert.display_name}
        )
    if _conflicted(expert, locked):
        raise ReviewError(
            _("%(name)s 与申报人同一单位，应当回避，不能分配。") % {"name": expert.display_name}
        )
    panel = _panel(locked, ruleset, stage, by)
    assignment, created = Assignment.objects.get_or_create(
        panel=panel,
        application=locked,
        expert=expert,
        defaults={"method": Assignment.Method.MANUAL, "assigned_by": by},
    )
    if not created and assignment.status == Assignment.Status.RECUSED:
        raise ReviewError(_("该专家已申明回避，不能再分配。"))
    panel.experts.add(expert)
    if created:
        ApplicationEvent.record(
            locked,
            by=by,
            action="expert_assigned",
            internal_note=_("分配专家：%(name)s") % {"name": expert.display_name},
        )
        notify(
            recipients=[expert],
            subject=_("【评审任务】%(round)s") % {"round": locked.round.name},
            body=_("您有一份新的评审任务，请登录平台评分。"),
        )
    return assignment


@transaction.atomic
def draw_experts(*, application: Application, count: int, by, seed: str | None = None):
    """Draw `count` experts at random from the pool (conflicts excluded), recording the seed
    and the pool on the panel so the draw can be repeated."""
    locked = _locked(application)
    _require_organiser(by, locked)
    ruleset = ruleset_of(locked)
    stage = _expert_stage(locked, ruleset)
    pool = expert_pool(locked)
    seed = seed or secrets.token_hex(8)
    try:
        chosen = draw(pool, count, f"{seed}:{locked.pk}")
    except ValueError as exc:
        raise ReviewError(str(exc)) from None
    panel = _panel(locked, ruleset, stage, by)
    panel.draw_seed = seed
    panel.draw_pool = pool
    panel.save(update_fields=["draw_seed", "draw_pool"])
    assignments = []
    for expert in User.objects.filter(pk__in=chosen).order_by("pk"):
        assignment = assign_expert(application=locked, expert=expert, by=by)
        assignment.method = assignment.Method.DRAW
        assignment.save(update_fields=["method"])
        assignments.append(assignment)
    ApplicationEvent.record(
        locked,
        by=by,
        action="experts_drawn",
        internal_note=_("随机抽取专家 %(n)s 名，种子 %(seed)s，专家库 %(pool)s")
        % {"n": count, "seed": seed, "pool": pool},
    )
    return assignments


@transaction.atomic
def assign_balanced(*, round_, stage: str, per_application: int, by) -> int:
    """Give every application at an expert stage `per_application` experts, each time the
    pool's least-loaded experts without a conflict (assignments in this round count as load).
    Returns how many assignments were made."""
    applications = list(
        Application.objects.filter(round=round_, stage=stage, status=Application.Status.IN_REVIEW)
        .select_related("round__version", "unit", "applicant")
        .order_by("pk")
    )
    if not applications:
        raise ReviewError(_("该阶段没有待评审的申报。"))
    _require_organiser(by, applications[0])
    made = 0
    for app in applications:
        have = Assignment.objects.filter(
            application=app, panel__stage=stage, status=Assignment.Status.ASSIGNED
        ).count()
        needed = per_application - have
        if needed <= 0:
            continue
        pool = expert_pool(app)
        loads = dict(
            User.objects.filter(pk__in=pool)
            .annotate(
                load=Count(
                    "expert_assignments",
                    filter=Q(expert_assignments__application__round=round_),
                )
            )
            .values_list("pk", "load")
        )
        try:
            chosen = balanced(loads, needed)
        except ValueError as exc:
            raise ReviewError(
                _("%(name)s：%(problem)s") % {"name": app.applicant.display_name, "problem": exc}
            ) from None
        for expert in User.objects.filter(pk__in=chosen).order_by("pk"):
            assign_expert(application=app, expert=expert, by=by)
            made += 1
    return made


def _locked_assignment(assignment):
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("application__round__version", "application__unit", "expert", "panel")
        .get(pk=assignment.pk)
    )


@transaction.atomic
def recuse(*, assignment, by, reason: str):
    """The expert declares a conflict of interest: recused, and the office asked to reassign."""
    assignment_row = _locked_assignment(assignment)
    if assignment_row.expert_id != by.pk:
        raise PermissionDenied(_("只能对分配给自己的评审申明回避。"))
    if assignment_row.status == assignment_row.Status.RECUSED:
        raise ReviewError(_("您已申明回避。"))
    sheet = getattr(assignment_row, "sheet", None)
    if sheet is not None and sheet.submitted:
        raise ReviewError(_("评分已提交，如需回避请联系区人社局。"))
    if not reason.strip():
        raise ReviewError(_("请说明需要回避的原因。"))
    assignment_row.status = assignment_row.Status.RECUSED
    assignment_row.recusal_reason = reason.strip()
    assignment_row.recused_at = timezone.now()
    assignment_row.save(update_fields=["status", "recusal_reason", "recused_at"])
    application = assignment_row.application
    ApplicationEvent.record(
        application,
        by=by,
        action="expert_recused",
        internal_note=_("专家 %(name)s 申明回避：%(reason)s")
        % {"name": by.display_name, "reason": assignment_row.recusal_reason},
    )
    notify(
        recipients=organisers(application),
        subject=_("【专家回避】%(round)s，请重新分配专家") % {"round": application.round.name},
        body=_("专家 %(name)s 对 %(applicant)s 的申报申明回避（%(reason)s），请重新分配专家。")
        % {
            "name": by.display_name,
            "applicant": application.applicant.display_name,
            "reason": assignment_row.recusal_reason,
        },
    )
    return assignment_row
