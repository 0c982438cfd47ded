"""What the review stages require before an application leaves them with pass.

Registered with the gate (applications.gate) in ReviewsConfig.ready: the gate lives below
reviews and cannot import these models. Each check returns the Chinese sentence saying what is
missing, or None when the stage's work is done.
"""

from __future__ import annotations

from applications import gate
from applications.models import Application
from programmes.paths import publicity_end
from programmes.selectors import working_day_calendar
from reviews import workflow
from reviews.models import Assignment, CreditCheck, Objection, Publicity, StageRanking
from reviews.permissions import route_of

EXPERT_KINDS = workflow.EXPERT_KINDS
APPROVAL_KINDS = ("group_approval", "final_approval")


def expert_work_done(application: Application, leaving: gate.Leaving) -> str | None:
    """Expert stages: the panel's submitted sheets (as many as the rule set asks; where it is
    silent, every assigned expert who has not recused, and at least one), and the stage closed
    with its ranking (quota cut line, ties decided)."""
    stage = leaving.stage
    assigned = Assignment.objects.filter(
        application=application, panel__stage=stage.code, status=Assignment.Status.ASSIGNED
    )
    submitted = assigned.filter(sheet__submitted_at__isnull=False).count()
    scoring = leaving.ruleset.scoring
    required = scoring.experts_required if scoring else None
    needed = required or max(assigned.count(), 1)
    if submitted < needed:
        return f"专家评分未完成：已提交 {submitted} 份，需要 {needed} 份"
    rankings = StageRanking.objects.filter(round=application.round_id, stage=stage.code)
    if not any(application.pk in r.selected for r in rankings):
        return (
            f"“{stage.title}”尚未按排名结束：须由主办部门按名额和排名（并列须作决定）确定入选人选"
        )
    return None


def credit_recorded(application: Application, leaving: gate.Leaving) -> str | None:
    """Credit check: a credit result recorded, and it is a pass (上海工匠: 公共信用核查)."""
    latest = CreditCheck.objects.filter(application=application).order_by("-checked_at").first()
    if latest is None:
        return "信用核查未完成：尚未记录该人选的信用核查结果"
    if latest.result != CreditCheck.Result.PASS:
        return "信用核查结果为“不通过”"
    return None


def publicity_held(application: Application, leaving: gate.Leaving) -> str | None:
    """Publicity: a publicity of its full length ended, every objection resolved, none upheld
    against this candidate (沪松人社规〔2024〕1号 四(三); 市中政办字〔2020〕33号 第九条(四))."""
    stage = leaving.stage
    publicity = Publicity.objects.filter(
        round=application.round_id, stage=stage.code, applications=application
    ).first()
    if publicity is None:
        return f"公示未举行：“{stage.title}”尚未对该人选进行公示"
    try:
        full = publicity_end(stage, publicity.starts_on, working_day_calendar())
    except ValueError as exc:
        return str(exc)
    if publicity.ends_on < full:
        return f"公示期不足：{publicity.starts_on} 开始的公示应至少到 {full}"
    if leaving.on <= publicity.ends_on:
        return f"公示期未满：公示至 {publicity.ends_on}"
    if publicity.objections.filter(status=Objection.Status.OPEN).exists():
        return "尚有未处理的公示异议"
    if publicity.objections.filter(
        application=application, status=Objection.Status.UPHELD
    ).exists():
        return "对该人选的公示异议经核实成立"
    return None


def meeting_recorded(application: Application, leaving: gate.Leaving) -> str | None:
    """Group and leading-office approvals (roles that are not portal accounts): the meeting
    date or the document recorded with the decision."""
    if leaving.stage.role not in workflow.RECORDED_ROLES:
        return None
    if not leaving.meeting.strip():
        return f"未记录“{leaving.stage.title}”的会议日期或文件"
    return None


def earlier_stages_passed(application: Application, leaving: gate.Leaving) -> str | None:
    """Naming: every earlier stage of the application's path passed."""
    path = workflow.path(leaving.ruleset.workflow, route_of(application))
    passed = set(application.events.filter(action="passed").values_list("from_stage", flat=True))
    missing = [
        s.title
        for s in path
        if s.kind != "nomination" and s.code != leaving.stage.code and s.code not in passed
    ]
    if missing:
        return "以下阶段尚未通过：{}".format("、".join(missing))
    return None


def register() -> None:
    for kind in EXPERT_KINDS:
        gate.register(kind, expert_work_done)
    gate.register("credit_check", credit_recorded)
    gate.register("publicity", publicity_held)
    for kind in APPROVAL_KINDS:
        gate.register(kind, meeting_recorded)
    gate.register("naming", earlier_stages_passed)
