"""State changes of review: one function per change, each locking the application it moves.

Each runs in `transaction.atomic()`, locks the row (`select_for_update`), writes the audit row
(applications.ApplicationEvent) in the same transaction and sends mail after commit
(portal.notifications.notify). Views, admin actions and the declaration side call these.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import gate
from applications.models import Application, ApplicationEvent
from portal.notifications import notify
from programmes import paths
from reviews import display, workflow
from reviews.models import FieldReason
from reviews.permissions import can_decide_at, route_of, ruleset_of

OUTCOME_LABELS = {"pass": "通过", "return": "退回修改", "reject": "不通过"}
ACTIONS = {"pass": "passed", "return": "returned", "reject": "rejected"}


class ReviewError(Exception):
    """A review action that cannot be done; the message is for the user (Chinese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class StaleDecision(ReviewError):
    """The application moved on (another person decided) since the decider saw it."""


@dataclass(frozen=True)
class Decision:
    event: ApplicationEvent
    application: Application


def _locked(application: Application) -> Application:
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("round__version", "unit", "applicant")
        .get(pk=application.pk)
    )
    return locked


def _sync(target: Application, source: Application) -> None:
    gate.copy_state(target, source)


RETURN_NEEDS_A_FIELD = _("退回修改须写明理由：请至少指明一项需修改的字段或材料，并写明修改理由。")
SMS_TEMPLATES = {"pass": "passed", "return": "returned", "reject": "rejected"}


def _sms_reason(note: str) -> str:
    """The reason as one sentence for a text message (the whole of it, never cut)."""
    text = "；".join(line.strip() for line in note.splitlines() if line.strip())
    return (text.rstrip("。；") + "。") if text else ""


def _stage_title(ruleset, code: str) -> str:
    stage = ruleset.stage(code)
    return stage.title if stage else code


def _notify_applicant(application: Application, subject: str, body: str, **sms) -> None:
    """The applicant: in-app, and mail or (with only a phone) SMS (portal.notifications)."""
    notify(
        recipients=[application.applicant],
        subject=subject,
        body=body,
        link=reverse("applications:detail", args=[application.pk]),
        **sms,
    )


def stage_actors(application: Application, stage) -> list:
    """The people who act at `stage` for this application."""
    from portal.models import User

    role = workflow.acting_role(ruleset_of(application).workflow, stage)
    users = User.objects.filter(roles__role=role, is_active=True).distinct()
    return [u for u in users if can_decide_at(u, application, stage)]


def stage_actor_emails(application: Application, stage) -> list[str]:
    """The addresses of the people who act at `stage` for this application."""
    return [u.email for u in stage_actors(application, stage) if u.email]


def _tell_stage_actors(application: Application, stage) -> None:
    notify(
        recipients=stage_actors(application, stage),
        link=reverse("reviews:detail", args=[application.pk]),
        subject=_("【待办】%(round)s：%(name)s 的申报待您处理")
        % {"round": application.round.name, "name": application.applicant.display_name},
        body=_("%(name)s 的申报已进入“%(stage)s”，请登录平台办理。")
        % {"name": application.applicant.display_name, "stage": stage.title},
    )


def _move(locked: Application, **kwargs) -> ApplicationEvent:
    """Every status or stage change goes through the gate; its refusal is a ReviewError."""
    try:
        return gate.move(locked, **kwargs)
    except gate.GateRefused as exc:
        raise ReviewError(exc.message) from None


@transaction.atomic
def start_review(*, application: Application, by) -> Application:
    """Put a just-submitted application on the first stage of its path (called by
    applications.services.submit_application in its transaction)."""
    locked = _locked(application)
    ruleset = ruleset_of(locked)
    stage = workflow.first_stage(ruleset.workflow, route_of(locked))
    filled_in = ruleset.stage(locked.stage) if locked.stage else None
    _move(
        locked,
        status=workflow.status_on_entering(stage),
        stage=stage.code,
        leaving=filled_in
        and gate.Leaving(stage=filled_in, ruleset=ruleset, on=timezone.localdate()),
        by=by,
        action="review_started",
        note=_("进入“%(stage)s”") % {"stage": stage.title},
    )
    _tell_stage_actors(locked, stage)
    _sync(application, locked)
    return application


@transaction.atomic
def resume_after_revision(*, application: Application, by) -> Application:
    """The applicant resubmitted after a return: back to the stage that returned it."""
    locked = _locked(application)
    if locked.status not in (Application.Status.RETURNED, Application.Status.IN_REVIEW):
        raise ReviewError(_("该申报不在退回修改状态，无法重新提交审核。"))
    ruleset = ruleset_of(locked)
    _move(
        locked,
        status=Application.Status.IN_REVIEW,
        by=by,
        action="resubmitted",
        note=_("修改后重新提交，回到“%(stage)s”") % {"stage": _stage_title(ruleset, locked.stage)},
    )
    if ruleset.stage(locked.stage) is not None:
        _tell_stage_actors(locked, ruleset.stage(locked.stage))
    _sync(application, locked)
    return application


def _field_label(ruleset, key: str) -> str:
    section_code, _sep, field_code = key.partition(".")
    if section_code == "material":
        for material in ruleset.form.checklist:
            if material.code == field_code:
                return f"申报材料·{material.title}"
    for section in ruleset.form.sections:
        if section.code != section_code:
            continue
        if not field_code:
            return section.title
        for item in section.items:
            if item.code == field_code:
                return f"{section.title}·{item.label}"
    return key


@transaction.atomic
def decide(
    *,
    application: Application,
    stage: str,
    outcome: str,
    by,
    note: str = "",
    field_reasons: dict[str, str] | None = None,
    internal_note: str = "",
    meeting: str = "",
    publicity_dates=(None, None),
    on=None,
) -> Decision:
    """Record a decision at `stage` (the stage the decider saw).

    pass -> the next stage on the application's path (approved when that is naming); return ->
    status returned, the field reasons kept with the event, the stage kept so that the
    resubmission comes back to it; reject -> status rejected. Raises StaleDecision when the
    application is no longer at `stage` (someone else decided first), PermissionDenied when `by`
    may not decide there, ReviewError for an outcome the stage does not allow.
    """
    locked = _locked(application)
    ruleset = ruleset_of(locked)
    if locked.stage != stage or locked.status != Application.Status.IN_REVIEW:
        last = locked.events.exclude(actor=None).order_by("-at", "-id").first()
        who = last.actor.display_name if last and last.actor else ""
        raise StaleDecision(
            _(
                "该申报已被处理（%(who)s），当前为“%(status)s·%(stage)s”，您的“%(outcome)s”决定未生效。"
            )
            % {
                "who": who or _("他人"),
                "status": locked.get_status_display(),
                "stage": _stage_title(ruleset, locked.stage),
                "outcome": OUTCOME_LABELS.get(outcome, outcome),
            }
        )
    current = ruleset.stage(stage)
    if current is None:
        raise ReviewError(_("流程中没有该阶段。"))
    if outcome not in workflow.allowed_outcomes(current):
        raise ReviewError(
            _("“%(stage)s”不允许“%(outcome)s”。")
            % {"stage": current.title, "outcome": OUTCOME_LABELS.get(outcome, outcome)}
        )
    if not can_decide_at(by, locked, current):
        raise PermissionDenied(_("您无权在该阶段作出决定。"))
    reasons = {k: v.strip() for k, v in (field_reasons or {}).items() if v and v.strip()}
    if outcome == "return":
        # A return points at what to fix: at least one field, table or material, each with its
        # reason, shown beside it to the applicant (issue 17).
        targets = dict(display.field_choices(ruleset))
        unknown = [key for key in reasons if key not in targets]
        if unknown:
            raise ReviewError(
                _("退回的字段或材料不在本申报表中：%(keys)s。") % {"keys": "、".join(unknown)}
            )
        if not reasons:
            raise ReviewError(RETURN_NEEDS_A_FIELD)
    if outcome == "reject" and not note.strip():
        raise ReviewError(_("不通过须写明理由。"))

    labelled = {key: (_field_label(ruleset, key), reason) for key, reason in reasons.items()}
    full_note = note.strip()
    if labelled:
        lines = [f"{label}：{reason}" for label, reason in labelled.values()]
        full_note = "\n".join(([full_note] if full_note else []) + lines)
    if outcome == "pass":
        following = workflow.next_stage(ruleset.workflow, route_of(locked), stage)
        if following is None:
            raise ReviewError(_("该阶段之后没有下一阶段。"))
        starts_on, ends_on = publicity_dates or (None, None)
        if current.kind == "internal_publicity" and starts_on and ends_on:
            # the dates given with the decision are the record the gate reads (rolled back
            # with the decision when the gate refuses)
            from applications.models import Nomination

            nomination, _created = Nomination.objects.get_or_create(application=locked)
            nomination.publicity_starts_on, nomination.publicity_ends_on = starts_on, ends_on
            nomination.save(update_fields=["publicity_starts_on", "publicity_ends_on"])
        leaving = gate.Leaving(
            stage=current, ruleset=ruleset, on=on or timezone.localdate(), meeting=meeting
        )
        target = {
            "status": workflow.status_on_entering(following),
            "stage": following.code,
            "leaving": leaving,
        }
    elif outcome == "return":
        target = {"status": Application.Status.RETURNED}
    else:
        target = {"status": Application.Status.REJECTED}
    event = _move(
        locked,
        **target,
        by=by,
        action=ACTIONS[outcome],
        note=full_note,
        internal_note=internal_note,
    )
    returned_version = locked.versions.order_by("-number").first()
    FieldReason.objects.bulk_create(
        FieldReason(event=event, version=returned_version, field=key, label=label, reason=reason)
        for key, (label, reason) in labelled.items()
    )
    subject = _("【%(programme)s】您的申报：%(stage)s %(outcome)s") % {
        "programme": locked.round.name,
        "stage": current.title,
        "outcome": OUTCOME_LABELS[outcome],
    }
    body = _("您的申报在“%(stage)s”阶段的结果：%(outcome)s。\n%(note)s\n请登录平台查看详情。") % {
        "stage": current.title,
        "outcome": OUTCOME_LABELS[outcome],
        "note": full_note,
    }
    _notify_applicant(
        locked,
        subject,
        body,
        sms_template=SMS_TEMPLATES[outcome],
        sms_params={
            "round": locked.round.name,
            "stage": current.title,
            "reason": _sms_reason(full_note),
        },
    )
    if outcome == "pass":
        _tell_stage_actors(locked, following)
    _sync(application, locked)
    return Decision(event=event, application=application)


def applicant_history(application: Application) -> list[dict]:
    """The audit trail as the applicant sees it: who, when, from, to and the note, without the
    internal notes and without the office's internal steps (expert assignments, draws)."""
    internal = {"expert_assigned", "experts_drawn", "expert_recused", "sheet_reopened"}
    ruleset = ruleset_of(application)
    return [
        {
            "at": e.at,
            "actor": e.actor.display_name if e.actor else "",
            "action": e.action,
            "from_stage": _stage_title(ruleset, e.from_stage) if e.from_stage else "",
            "to_stage": _stage_title(ruleset, e.to_stage) if e.to_stage else "",
            "to_status": e.to_status,
            "note": e.note,
            "field_reasons": {r.field: r.reason for r in e.field_reasons.all()},
        }
        for e in application.events.select_related("actor")
        .prefetch_related("field_reasons")
        .exclude(action__in=internal)
        .order_by("at", "id")
    ]


def return_reasons(application: Application) -> dict[str, str]:
    """The field reasons of the latest return, for the applicant's form ({field key: reason})."""
    event = application.events.filter(action="returned").order_by("-at", "-id").first()
    if event is None:
        return {}
    return {row.field: row.reason for row in event.field_reasons.all()}


# --- experts ---------------------------------------------------------------------------------


def sheet_items(ruleset) -> list:
    """The items of the rule set's score sheet; where the text sets no points (qualitative
    review) one overall score out of 100, so that the competitive review can rank."""
    from programmes.ruleset import ScoreItem

    if ruleset.scoring and ruleset.scoring.items:
        return list(ruleset.scoring.items)
    return [
        ScoreItem(
            code="T1", title="综合评价", max_points=100, guidance="按评审标准综合评价后给出总分"
        )
    ]


def group_of(application: Application, ruleset) -> str:
    """The review group (上海工匠 附件1注1) the applicant chose, '' where there are none."""
    if not (ruleset.scoring and ruleset.scoring.groups):
        return ""
    codes = {g.code for g in ruleset.scoring.groups.items}
    for section in ruleset.form.sections:
        if section.kind != "fields":
            continue
        for item in section.items:
            choices = {c.code for c in (item.choices or [])}
            if choices and choices <= codes | {""} and choices & codes:
                value = (application.data.get(section.code) or {}).get(item.code)
                if value in codes:
                    return value
    return ""


def organisers(application: Application) -> list:
    """The office that runs the application's programme."""
    from portal.models import User
    from reviews.permissions import is_organiser_of

    candidates = User.objects.filter(
        roles__role__in=["district_office", "union_reviewer"], is_active=True
    ).distinct()
    return [u for u in candidates if is_organiser_of(u, application)]


def organiser_emails(application: Application) -> list[str]:
    """The addresses of the office that runs the application's programme."""
    return [u.email for u in organisers(application) if u.email]


def _expert_stage(application: Application, ruleset):
    stage = ruleset.stage(application.stage)
    if stage is None or stage.kind not in workflow.EXPERT_KINDS:
        raise ReviewError(_("该申报当前不在专家评审阶段，不能分配专家。"))
    if application.status != Application.Status.IN_REVIEW:
        raise ReviewError(_("该申报当前不在审核中。"))
    return stage


def _require_organiser(by, application: Application) -> None:
    from reviews.permissions import is_organiser_of

    if not is_organiser_of(by, application):
        raise PermissionDenied(_("仅项目主办部门可以办理此事项。"))


def _panel(application: Application, ruleset, stage, by):
    from reviews.models import Panel

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
    from portal.roles import has_role
    from reviews.models import Assignment

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


def expert_pool(application: Application) -> list[int]:
    """Active experts of the pool without a conflict and not yet on this application."""
    from reviews.models import Assignment, ExpertProfile

    taken = set(
        Assignment.objects.filter(application=application).values_list("expert_id", flat=True)
    )
    profiles = (
        ExpertProfile.objects.filter(
            active=True,
            user__roles__role="expert",
        )
        .filter(
            # the authority's own pool (an expert put in no pool yet is in every one)
            Q(authority_id=application.round.version.programme.authority_id)
            | Q(authority__isnull=True)
        )
        .distinct()
    )
    if application.unit_id:
        profiles = profiles.exclude(unit_id=application.unit_id)
    return sorted(set(profiles.values_list("user_id", flat=True)) - taken)


@transaction.atomic
def draw_experts(*, application: Application, count: int, by, seed: str | None = None):
    """Draw `count` experts at random from the pool (conflicts excluded), recording the seed
    and the pool on the panel so the draw can be repeated."""
    import secrets

    from portal.models import User
    from reviews.draw import draw

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
    from django.db.models import Count, Q

    from portal.models import User
    from reviews.draw import balanced
    from reviews.models import Assignment

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
    from reviews.models import Assignment

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


@transaction.atomic
def save_scores(*, assignment, by, points: dict, opinion: str = "", submit: bool = False):
    """The expert saves (or submits) the sheet: one row per item, each at most its maximum;
    a submitted sheet is locked until the office reopens it."""
    from decimal import Decimal

    from reviews.models import ScoreRow, ScoreSheet

    locked = _locked_assignment(assignment)
    if locked.expert_id != by.pk:
        raise PermissionDenied(_("只能为分配给自己的申报评分。"))
    if locked.status != locked.Status.ASSIGNED:
        raise ReviewError(_("您已申明回避，不能评分。"))
    application = locked.application
    if (
        application.stage != locked.panel.stage
        or application.status != Application.Status.IN_REVIEW
    ):
        raise ReviewError(_("该申报的评审阶段已经结束，不能再评分。"))
    sheet, _created = ScoreSheet.objects.select_for_update().get_or_create(assignment=locked)
    if sheet.submitted:
        raise ReviewError(_("评分已提交，不能修改。如需修改请联系区人社局退回重评。"))
    items = {item.code: item for item in sheet_items(ruleset_of(locked.application))}
    clean: dict[str, Decimal] = {}
    for code, value in points.items():
        if code not in items:
            raise ReviewError(_("评分表中没有项目“%(code)s”。") % {"code": code})
        if value is None or value == "":
            continue
        value = Decimal(str(value))
        if value < 0 or value > items[code].max_points:
            raise ReviewError(
                _("%(code)s 得分不能超过该项满分%(max)s分，也不能为负数。")
                % {"code": code, "max": items[code].max_points}
            )
        clean[code] = value
    if submit and set(clean) != set(items):
        missing = "、".join(code for code in items if code not in clean)
        raise ReviewError(_("提交前须为每一项评分，尚缺：%(items)s。") % {"items": missing})
    sheet.rows.exclude(item__in=clean).delete()
    for code, value in clean.items():
        ScoreRow.objects.update_or_create(sheet=sheet, item=code, defaults={"points": value})
    sheet.total = sum(clean.values(), Decimal(0))
    sheet.opinion = opinion
    if submit:
        sheet.submitted_at = timezone.now()
    sheet.save()
    return sheet


@transaction.atomic
def reopen_sheet(*, sheet, by, reason: str):
    """The office sends one submitted sheet back to its expert, with a reason."""
    from reviews.models import ScoreSheet

    locked = (
        ScoreSheet.objects.select_for_update()
        .select_related("assignment__application__round__version", "assignment__expert")
        .get(pk=sheet.pk)
    )
    application = locked.assignment.application
    _require_organiser(by, application)
    if not reason.strip():
        raise ReviewError(_("退回重评须写明理由。"))
    if not locked.submitted:
        raise ReviewError(_("该评分表尚未提交。"))
    locked.submitted_at = None
    locked.reopened_reason = reason.strip()
    locked.save(update_fields=["submitted_at", "reopened_reason", "updated_at"])
    ApplicationEvent.record(
        application,
        by=by,
        action="sheet_reopened",
        internal_note=_("退回专家 %(name)s 重新评分：%(reason)s")
        % {"name": locked.assignment.expert.display_name, "reason": locked.reopened_reason},
    )
    notify(
        recipients=[locked.assignment.expert],
        subject=_("【评分退回】%(round)s") % {"round": application.round.name},
        body=_("您的评分已被退回重评：%(reason)s") % {"reason": locked.reopened_reason},
    )
    return locked


# --- ranking ---------------------------------------------------------------------------------


def tie_preference(application: Application, ruleset, on) -> bool | None:
    """The rule set's tie rule applied to the candidate (e.g. aged 45 or under), for the office."""
    from datetime import date

    from reviews.ranking import tie_preferred

    rule = ruleset.scoring.tie_rule if ruleset.scoring else None
    if rule is None:
        return None
    birth = None
    for section in ruleset.form.sections:
        if section.kind != "fields":
            continue
        for item in section.items:
            if item.fact == "birth_date":
                raw = (application.data.get(section.code) or {}).get(item.code)
                try:
                    birth = date.fromisoformat(str(raw)[:10]) if raw else None
                except ValueError:
                    birth = None
    return tie_preferred(rule.code, rule.params, birth=birth, on=on)


def scores_of(applications, stage: str) -> dict[int, list]:
    """{application id: [submitted sheets]} of the experts not recused, at `stage`."""
    from reviews.models import ScoreSheet

    sheets = (
        ScoreSheet.objects.filter(
            assignment__application__in=applications,
            assignment__panel__stage=stage,
            assignment__status="assigned",
            submitted_at__isnull=False,
        )
        .select_related("assignment__expert")
        .prefetch_related("rows")
        .order_by("assignment__expert__username")
    )
    out: dict[int, list] = {}
    for sheet in sheets:
        out.setdefault(sheet.assignment.application_id, []).append(sheet)
    return out


def aggregate_for(ruleset, sheets):
    from reviews.aggregation import aggregate

    scoring = ruleset.scoring
    return aggregate(
        [s.total for s in sheets],
        method=(scoring.aggregation if scoring else None) or "mean",
        trim_when_at_least=scoring.trim_when_at_least if scoring else None,
        outlier_points=scoring.outlier_points if scoring else None,
        sheet_total=sum(i.max_points for i in sheet_items(ruleset)),
    )


def ranking_for(round_, stage: str, group: str = "", quota: int | None = None):
    """The candidates at an expert stage of a round, ranked against the quota:
    (ranking, {application id: (application, aggregate, sheets)})."""
    from reviews.ranking import Candidate, rank

    applications = list(
        Application.objects.filter(round=round_, stage=stage, status=Application.Status.IN_REVIEW)
        .select_related("round__version", "applicant", "unit")
        .order_by("pk")
    )
    if not applications:
        return rank([], quota), {}
    ruleset = ruleset_of(applications[0])
    if group:
        applications = [a for a in applications if group_of(a, ruleset) == group]
    sheets = scores_of(applications, stage)
    info = {}
    for app in applications:
        agg = aggregate_for(ruleset, sheets.get(app.pk, []))
        info[app.pk] = (app, agg, sheets.get(app.pk, []))
    places = quota if quota is not None else (round_.quota if not group else None)
    ranking = rank([Candidate(pk, info[pk][1].value) for pk in info], places)
    return ranking, info


@transaction.atomic
def close_expert_stage(
    *,
    round_,
    stage: str,
    by,
    group: str = "",
    quota: int | None = None,
    tie_chosen=(),
    tie_reason: str = "",
):
    """Apply the ranking: those inside the line pass, the others are not selected. A tie at the
    line needs the office's choice and reason (recorded as a TieDecision)."""
    from reviews.models import TieDecision
    from reviews.ranking import resolve_tie

    ranking, info = ranking_for(round_, stage, group, quota)
    if not info:
        raise ReviewError(_("该阶段没有待评审的申报。"))
    any_app = next(iter(info.values()))[0]
    _require_organiser(by, any_app)
    unscored = [a.applicant.display_name for a, agg, _s in info.values() if agg.value is None]
    if unscored:
        raise ReviewError(
            _("以下申报尚无专家提交评分：%(names)s。") % {"names": "、".join(unscored)}
        )
    selected = ranking.selected
    if ranking.tied:
        if not tie_reason.strip():
            names = "、".join(info[k][0].applicant.display_name for k in ranking.tied)
            raise ReviewError(
                _("分数线上有并列人选（%(names)s），须从中选择 %(n)s 人并写明理由。")
                % {"names": names, "n": ranking.places_for_tied}
            )
        try:
            selected = resolve_tie(ranking, [int(k) for k in tie_chosen])
        except ValueError as exc:
            raise ReviewError(str(exc)) from None
        decision = TieDecision.objects.create(
            round=round_, stage=stage, group=group, reason=tie_reason.strip(), decided_by=by
        )
        decision.tied.set(ranking.tied)
        decision.chosen.set([k for k in ranking.tied if k in selected])
    ranks = {r.key: r.rank for r in ranking.ranked}
    from reviews.models import StageRanking

    StageRanking.objects.create(
        round=round_,
        stage=stage,
        group=group,
        quota=quota if quota is not None else (round_.quota if not group else None),
        ranks={str(k): v for k, v in ranks.items()},
        selected=sorted(int(k) for k in selected),
        closed_by=by,
    )
    for pk, (app, agg, _sheets) in info.items():
        note = _("评审得分 %(score)s，排名第 %(rank)s") % {"score": agg.value, "rank": ranks[pk]}
        if pk in selected:
            decide(application=app, stage=stage, outcome="pass", by=by, note=note)
        else:
            decide(
                application=app, stage=stage, outcome="reject", by=by, note=note + _("，未入选。")
            )
    return selected


# --- credit check, publicity, objections, naming ------------------------------------------------

DEFAULT_PUBLICITY_WORKING_DAYS = paths.DEFAULT_PUBLICITY_WORKING_DAYS


def _at_stage_kind(application: Application, ruleset, kind: str):
    stage = ruleset.stage(application.stage)
    if stage is None or stage.kind != kind or application.status != Application.Status.IN_REVIEW:
        raise ReviewError(
            _("%(name)s 当前不在该阶段（现为“%(stage)s”）。")
            % {
                "name": application.applicant.display_name,
                "stage": _stage_title(ruleset, application.stage),
            }
        )
    return stage


@transaction.atomic
def record_credit_check(*, application: Application, result: str, reference: str, by):
    """The office records a candidate's public-credit result: pass moves on, fail rejects."""
    from reviews.models import CreditCheck

    locked = _locked(application)
    _require_organiser(by, locked)
    ruleset = ruleset_of(locked)
    stage = _at_stage_kind(locked, ruleset, "credit_check")
    if result not in (CreditCheck.Result.PASS, CreditCheck.Result.FAIL):
        raise ReviewError(_("核查结果应为“通过”或“不通过”。"))
    check = CreditCheck.objects.create(
        application=locked, result=result, reference=reference.strip(), checked_by=by
    )
    note = _("信用核查%(result)s（%(ref)s）") % {
        "result": check.get_result_display(),
        "ref": check.reference or _("无编号"),
    }
    decide(
        application=locked,
        stage=stage.code,
        outcome="pass" if result == CreditCheck.Result.PASS else "reject",
        by=by,
        note=note,
    )
    _sync(application, locked)
    return check


publicity_end = paths.publicity_end


@transaction.atomic
def start_publicity(*, round_, stage: str, starts_on, by):
    """The office starts the publicity of the round's candidates at `stage`; the end date is
    computed by the working-day calendar."""
    from programmes.selectors import working_day_calendar
    from reviews.models import Publicity

    applications = list(
        Application.objects.select_for_update(of=("self",))
        .filter(round=round_, stage=stage, status=Application.Status.IN_REVIEW)
        .select_related("round__version", "applicant", "unit")
        .order_by("pk")
    )
    if not applications:
        raise ReviewError(_("没有处于公示阶段的人选。"))
    _require_organiser(by, applications[0])
    ruleset = ruleset_of(applications[0])
    stage_obj = _at_stage_kind(applications[0], ruleset, "publicity")
    if Publicity.objects.filter(round=round_, stage=stage).exists():
        raise ReviewError(_("该批次的公示已经开始。"))
    try:
        ends_on = publicity_end(stage_obj, starts_on, working_day_calendar())
    except ValueError as exc:
        raise ReviewError(_("无法计算公示结束日期：%(e)s") % {"e": exc}) from None
    publicity = Publicity.objects.create(
        round=round_, stage=stage, starts_on=starts_on, ends_on=ends_on, started_by=by
    )
    publicity.applications.set(applications)
    for app in applications:
        ApplicationEvent.record(
            app,
            by=by,
            action="publicity_started",
            note=_("公示期 %(start)s 至 %(end)s") % {"start": starts_on, "end": ends_on},
        )
    return publicity


@transaction.atomic
def lodge_objection(
    *, publicity, application: Application, name: str, contact: str, text: str, today=None
):
    """Anyone lodges an objection to a candidate during the publicity period."""
    from reviews.models import Objection

    today = today or timezone.localdate()
    if publicity.closed_at or not (publicity.starts_on <= today <= publicity.ends_on):
        raise ReviewError(_("不在公示期内，不能提出异议。"))
    if not publicity.applications.filter(pk=application.pk).exists():
        raise ReviewError(_("该人选不在本次公示名单中。"))
    if not name.strip() or not contact.strip():
        # An anonymous objection cannot be verified, yet each open one holds the publicity.
        raise ReviewError(_("请填写姓名和联系方式，以便核实。"))
    objection = Objection.objects.create(
        publicity=publicity,
        application=application,
        name=name.strip(),
        contact=contact.strip(),
        text=text.strip(),
    )
    notify(
        recipients=organisers(application),
        subject=_("【公示异议】%(round)s") % {"round": publicity.round.name},
        body=_("收到对 %(name)s 的公示异议，请登录平台处理。")
        % {"name": application.applicant.display_name},
    )
    return objection


@transaction.atomic
def resolve_objection(*, objection, by, upheld: bool, resolution: str):
    """The office resolves an objection; an upheld one removes the candidate."""
    from reviews.models import Objection

    objection_row = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("publicity", "application__round__version")
        .get(pk=objection.pk)
    )
    _require_organiser(by, objection_row.application)
    if objection_row.status != Objection.Status.OPEN:
        raise ReviewError(_("该异议已处理。"))
    if not resolution.strip():
        raise ReviewError(_("请填写处理意见。"))
    objection_row.status = Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED
    objection_row.resolution = resolution.strip()
    objection_row.resolved_by = by
    objection_row.resolved_at = timezone.now()
    objection_row.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    if upheld:
        decide(
            application=objection_row.application,
            stage=objection_row.publicity.stage,
            outcome="reject",
            by=by,
            note=_("公示异议经核实成立：%(r)s") % {"r": objection_row.resolution},
        )
    return objection_row


@transaction.atomic
def close_publicity(*, publicity, by, today=None):
    """After the last day, with every objection resolved, the candidates still listed pass."""
    from reviews.models import Objection, Publicity

    locked = Publicity.objects.select_for_update().get(pk=publicity.pk)
    today = today or timezone.localdate()
    apps = list(locked.applications.select_related("round__version", "applicant", "unit"))
    _require_organiser(by, apps[0])
    if locked.closed_at:
        raise ReviewError(_("公示已结束。"))
    if today <= locked.ends_on:
        raise ReviewError(_("公示期至 %(end)s，期满后才能结束公示。") % {"end": locked.ends_on})
    if locked.objections.filter(status=Objection.Status.OPEN).exists():
        raise ReviewError(_("尚有未处理的公示异议。"))
    for app in apps:
        app.refresh_from_db(fields=["status", "stage"])
        if app.status == Application.Status.IN_REVIEW and app.stage == locked.stage:
            decide(
                application=app,
                stage=locked.stage,
                outcome="pass",
                by=by,
                note=_("公示期满无异议（或异议不成立）"),
                on=today,
            )
    locked.closed_at = timezone.now()
    locked.closed_by = by
    locked.save(update_fields=["closed_at", "closed_by"])
    return locked


@transaction.atomic
def name_candidates(*, round_, document_number: str, named_on, by):
    """The office enters the naming document: every approved candidate becomes an award
    (subsidies.services.create_award, which tells the applicant and the unit)."""
    from reviews.models import Naming
    from subsidies.services import create_award

    applications = list(
        Application.objects.select_for_update(of=("self",))
        .filter(round=round_, status=Application.Status.APPROVED)
        .select_related("round__version", "applicant", "unit")
        .order_by("pk")
    )
    if not applications:
        raise ReviewError(_("没有待命名的人选。"))
    _require_organiser(by, applications[0])
    if not document_number.strip():
        raise ReviewError(_("请填写命名文件文号。"))
    naming = Naming.objects.create(
        round=round_, document_number=document_number.strip(), named_on=named_on, named_by=by
    )
    ruleset = ruleset_of(applications[0])
    for app in applications:
        naming_stage = ruleset.stage(app.stage)
        if naming_stage is None or naming_stage.kind != "naming":
            raise ReviewError(_("%(name)s 不在命名阶段。") % {"name": app.applicant.display_name})
        try:
            gate.move(
                app,
                status=Application.Status.NAMED,
                leaving=gate.Leaving(stage=naming_stage, ruleset=ruleset, on=named_on),
                by=by,
                action="named",
                note=_("%(doc)s（%(date)s）命名")
                % {"doc": naming.document_number, "date": named_on},
            )
        except gate.GateRefused as exc:
            raise ReviewError(
                _("%(name)s 不能命名：%(why)s")
                % {"name": app.applicant.display_name, "why": exc.message}
            ) from None
        create_award(
            application=app, document_number=naming.document_number, named_on=named_on, by=by
        )
    naming.applications.set(applications)
    return naming


# --- findings that bar later rounds ----------------------------------------------------------


@transaction.atomic
def record_finding(*, application: Application, rule: str, against: str, found_on, note: str, by):
    """The office records a finding about an application (上海工匠 五(三): false information;
    市中 第十四条(三): the unit at fault); later rounds' eligibility refuses by the rule set's
    `bans`."""
    from applications.models import Finding

    locked = _locked(application)
    _require_organiser(by, locked)
    ruleset = ruleset_of(locked)
    ban = next((b for b in ruleset.bans if b.code == rule), None)
    if ban is None:
        raise ReviewError(_("本项目的规则中没有该认定事项。"))
    if against not in ban.barred:
        raise ReviewError(_("该认定事项不针对这一对象。"))
    if against == Finding.Against.UNIT and not locked.unit_id:
        raise ReviewError(_("该申报没有所在单位。"))
    if not note.strip():
        raise ReviewError(_("请写明认定情况。"))
    finding = Finding.objects.create(
        programme=locked.round.version.programme,
        rule=rule,
        against=against,
        person=locked.applicant if against == Finding.Against.PERSON else None,
        unit=locked.unit if against == Finding.Against.UNIT else None,
        application=locked,
        found_on=found_on,
        note=note.strip(),
        recorded_by=by,
    )
    ApplicationEvent.record(
        locked,
        by=by,
        action="finding_recorded",
        internal_note=_("%(label)s（%(source)s）：%(note)s")
        % {"label": ban.label, "source": ban.source, "note": finding.note},
    )
    return finding
