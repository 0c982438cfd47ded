"""A demo that looks like a real year (`load_demo --year`, on for `make demo`).

Each chief-technician round gets a believable number of applications, argued from its text:

- 松江 (沪松人社规〔2024〕1号 三: about 25 named per two years): 48 applications, about two
  candidates per place, from 24 fictitious units (the unit channel's cap is 2 per unit, 四(二)).
- 青浦 (青人社〔2020〕54号 四: at least 60 projects over five years, about 12 a year): 36 projects,
  the yearly pace with the backlog of a text's last year.
- 市中 (市中政办字〔2020〕33号 第四条: at most 10 per two years): 30 applications, three for each
  place, three of them freelancers through their residence street (第八条).

Every application goes through the real services and the gate, as the people of the README would
have done it: the applicant drafts and submits, the unit HR records the discussion and publicity,
street, department and district staff decide, the office assigns experts who submit score sheets,
the office closes the ranking, records the credit check, starts the publicity (an objection is
lodged in Songjiang's), and names the candidates (awards and their ledger by the monthly run).
The applications are spread over every stage: drafts, at each review stage, with experts (sheets
missing), scored, at the credit check, in publicity, named, returned and rejected.

Deterministic (one seed per round) and idempotent: a round that has its demo-year applications
is left alone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from applications import services as app_services
from applications.declaration import as_post, prefilled
from applications.demo import submit_demo
from applications.demo_data import demo_form_data
from applications.models import Application
from portal.models import Region, Role, User
from programmes.models import Round
from reviews import services as rev
from reviews import workflow
from reviews.models import Assignment
from reviews.permissions import ruleset_of
from subsidies import demo_year_people as people
from subsidies import services as sub_services


@dataclass(frozen=True)
class Plan:
    code: str
    series: int  # the phone block of its applicants
    count: int
    units: int
    office: str
    authority: str
    experts: tuple[str, ...]
    freelancers: int = 0  # 市中 第八条: applicants without a unit, through their street
    publicity_open: bool = False  # the round's publicity is running today (with an objection)
    document: str = ""


PLANS = [
    Plan(
        "songjiang-chief-technician",
        1,
        48,
        24,
        "chen_office",
        "songjiang-hrss",
        ("expert_a", "expert_b"),
        publicity_open=True,
    ),
    Plan(
        "qingpu-chief-technician-subsidy",
        2,
        36,
        12,
        "qingpu_office",
        "qingpu-hrss",
        ("qingpu_expert",),
        document="青人社〔2026〕8号（示例）",
    ),
    Plan(
        "shizhong-chief-technician",
        3,
        30,
        9,
        "shizhong_office",
        "shizhong-hrss",
        ("shizhong_expert",),
        freelancers=3,
        document="市中政办字〔2026〕3号（示例）",
    ),
]
EXPERTS_PER_APPLICATION = 3
TERMINAL = (Application.Status.REJECTED, Application.Status.NAMED, Application.Status.RETURNED)


def _round(code: str) -> Round | None:
    return (
        Round.objects.filter(
            version__programme__code=code, status__in=[Round.Status.OPEN, Round.Status.REVIEW]
        )
        .order_by("-opens_on")
        .first()
    )


def _targets(plan: Plan, stages: list, rng: random.Random) -> list:
    """What becomes of each application: ("draft",), ("return", i), ("reject", i), ("stop", i)
    (stays at stage i) or ("lead",) (through the experts' ranking and on)."""
    expert_at = next(i for i, s in enumerate(stages) if s.kind in workflow.EXPERT_KINDS)
    staff = [i for i, s in enumerate(stages[:expert_at]) if s.kind != "nomination" and i > 0]
    returnable = [i for i in staff if "return" in stages[i].outcomes]
    rejectable = [i for i in staff if "reject" in stages[i].outcomes]
    n = plan.count
    plans = [("draft",)] * max(3, n // 12)
    plans += [("return", returnable[k % len(returnable)]) for k in range(max(2, n // 16))]
    plans += [("reject", rejectable[(k * 2) % len(rejectable)]) for k in range(max(2, n // 16))]
    plans += [("stop", staff[k % len(staff)]) for k in range(len(staff) + n // 10)]
    plans += [("stop", expert_at)] * 2 + [("scored", expert_at)] * 2
    plans += [("lead",)] * (n - len(plans))
    rng.shuffle(plans)
    return plans


# --- one application's own steps ---------------------------------------------------------------


def _actor(app: Application, stage, plan: Plan, actors: people.Actors) -> User:
    role = workflow.acting_role(ruleset_of(app).workflow, stage)
    if role == Role.STREET_REVIEWER:
        return actors.street(app.street)
    if role == Role.DEPARTMENT_REVIEWER:
        return actors.department(app.department or app.unit.department)
    if role == Role.UNIT_HR:
        return actors.unit_hr(app.unit)
    return actors.office


def _step(app: Application, stage, by: User, on: date) -> None:
    """Pass one stage with the work its kind asks for first."""
    if stage.kind == "unit_review":
        app_services.record_discussion(
            application=app, by=by, discussed_on=on, note="单位集体讨论，同意推荐", outcome="pass"
        )
    elif stage.kind == "internal_publicity":
        rev.decide(
            application=app,
            stage=stage.code,
            outcome="pass",
            by=by,
            note="公示期满无异议",
            publicity_dates=(on - timedelta(days=12), on - timedelta(days=1)),
        )
    elif stage.kind == "credit_check":
        rev.record_credit_check(application=app, result="pass", reference="信用查询-示例", by=by)
    else:
        rev.decide(
            application=app,
            stage=stage.code,
            outcome="pass",
            by=by,
            note="审核通过",
            meeting="示例会议纪要" if stage.role in workflow.RECORDED_ROLES else "",
        )


def _advance(app: Application, until: int | None, plan: Plan, actors, on: date, fate=None):
    """Move `app` stage by stage up to index `until` (None: up to the next round-level stage)
    and there apply `fate` ("return" or "reject"), if any."""
    ruleset = ruleset_of(app)
    order = [s.code for s in ruleset.workflow.stages]
    while True:
        app.refresh_from_db()
        if app.status in TERMINAL or app.status == Application.Status.APPROVED:
            return
        index = order.index(app.stage)
        stage = ruleset.workflow.stages[index]
        by = _actor(app, stage, plan, actors)
        round_level = stage.kind in workflow.EXPERT_KINDS or stage.kind in ("publicity", "naming")
        allowed = fate is None or fate in workflow.allowed_outcomes(stage)
        if until is not None and index >= until and (allowed or round_level):
            if round_level:
                return
            if fate == "return":
                material = ruleset.form.checklist[0]
                rev.decide(
                    application=app,
                    stage=stage.code,
                    outcome="return",
                    by=by,
                    note="材料需补充",
                    field_reasons={
                        f"material.{material.code}": f"请补充清晰的{material.title[:20]}"
                    },
                )
            elif fate == "reject":
                rev.decide(
                    application=app,
                    stage=stage.code,
                    outcome="reject",
                    by=by,
                    note="经审核，不符合申报条件",
                )
            return
        if round_level:
            return
        _step(app, stage, by, on)


# --- the applications --------------------------------------------------------------------------


def _application(round_, plan, index, unit, street, rng, on) -> Application:
    district = round_.version.ruleset.identity.district
    ruleset = round_.version.ruleset
    person = people.applicant(plan.series, index, district, rng)
    user = person
    if ruleset.identity.applicant_kind != "person":  # 青浦: the unit applies for its project
        user = people.account(
            f"{people.USER_PREFIX}_{plan.series}_{index:02d}_org",
            f"{unit.name}（经办）",
            Role.APPLICANT_ORG,
            unit=unit,
        )
    channel = "self" if unit is None else "unit"
    application = app_services.start_application(
        round=round_, by=user, channel=channel, unit=unit, street=street, today=on
    )
    data = prefilled(
        ruleset, demo_form_data(ruleset, on=on), app_services.known_of(application), overwrite=True
    )
    if ruleset.identity.applicant_kind != "person" and "leader" in data:
        data["leader"].update(
            {"name": person.real_name, "id_number": person.id_number, "phone": person.phone}
        )
    if unit is None and "person" in data:
        data["person"].update({"employment": "freelance", "employer": "", "employer_district": ""})
    application, _ = app_services.save_draft(
        application=application, post=as_post(ruleset, data), by=user
    )
    return application


def _score(app, stage, experts, office, rng, *, submit_all: bool) -> None:
    ruleset = ruleset_of(app)
    items = rev.sheet_items(ruleset)
    chosen = [e for e in experts if not people.conflicted(e, app)][:EXPERTS_PER_APPLICATION]
    for expert in chosen:
        rev.assign_expert(application=app, expert=expert, by=office)
    assignments = Assignment.objects.filter(
        application=app, panel__stage=stage.code, status="assigned"
    ).order_by("pk")
    for n, assignment in enumerate(assignments):
        if not submit_all and n == len(assignments) - 1:
            continue  # one sheet still missing: 专家评审中
        points = {
            item.code: max(0, item.max_points - rng.randrange(max(1, item.max_points // 3 + 1)))
            for item in items
        }
        rev.save_scores(
            assignment=assignment,
            by=assignment.expert,
            points=points,
            opinion="示例评审意见",
            submit=True,
        )


@transaction.atomic
def load_round(plan: Plan, stdout) -> int:
    round_ = _round(plan.code)
    office = User.objects.filter(username=plan.office).first()
    if round_ is None or office is None:
        return 0
    if User.objects.filter(username__startswith=f"{people.USER_PREFIX}_{plan.series}_").exists():
        return 0  # made by an earlier run
    rng = random.Random(f"demo-year:{plan.code}")
    ruleset = round_.version.ruleset
    stages = list(ruleset.workflow.stages)
    district = Region.objects.get(code=ruleset.identity.district)
    units = people.demo_units(district, plan.units, rng)
    streets = people.streets_of(district)
    experts = people.experts(plan.authority, list(plan.experts), EXPERTS_PER_APPLICATION + 1)
    actors = people.Actors(office)
    today = timezone.localdate()
    past = round_.status != Round.Status.OPEN
    on = min(round_.opens_on + timedelta(days=10), round_.closes_on) if past else today
    later = round_.closes_on + timedelta(days=20) if past else today
    fates = _targets(plan, stages, rng)
    apps = []
    # Replayed as it happened: a past round was open for applications on `on`.
    if past:
        Round.objects.filter(pk=round_.pk).update(status=Round.Status.OPEN)
        round_.refresh_from_db()
    try:
        for index, fate in enumerate(fates):
            freelancer = index < plan.freelancers
            unit = None if freelancer else units[index % len(units)]
            street = streets[(index * 7) % len(streets)] if freelancer else None
            application = _application(round_, plan, index, unit, street, rng, on)
            if fate[0] != "draft":
                submit_demo(application, application.applicant, on=on, explained="示例：情况说明")
            apps.append((application, fate))
    finally:
        if past:
            Round.objects.filter(pk=round_.pk).update(status=Round.Status.REVIEW)
            round_.refresh_from_db()
    expert_at = next(i for i, s in enumerate(stages) if s.kind in workflow.EXPERT_KINDS)
    expert_stage = stages[expert_at]
    # The lead: through every stage before the experts, scored, ranked.
    lead = [a for a, fate in apps if fate == ("lead",)]
    for app in lead:
        _advance(app, None, plan, actors, later)
    for app in lead:
        app.refresh_from_db()
        if app.stage == expert_stage.code and app.status == Application.Status.IN_REVIEW:
            _score(app, expert_stage, experts, office, rng, submit_all=True)
    rev.close_expert_stage(round=round_, stage=expert_stage.code, by=office)
    # The others, to where each one stops.
    for app, fate in apps:
        if fate[0] in ("return", "reject", "stop"):
            _advance(app, fate[1], plan, actors, later, fate=fate[0] if fate[0] != "stop" else None)
        elif fate[0] == "scored":
            _advance(app, None, plan, actors, later)
    for app, fate in apps:
        app.refresh_from_db()
        if app.stage == expert_stage.code and app.status == Application.Status.IN_REVIEW:
            _score(app, expert_stage, experts, office, rng, submit_all=fate[0] == "scored")
    _after_experts(round_, plan, lead, stages, actors, office, later, today)
    return len(apps)


def _after_experts(round_, plan, lead, stages, actors, office, later, today) -> None:
    """The lead's way on: two kept at the credit check, the publicity, the naming."""
    passed = []
    for app in lead:
        app.refresh_from_db()
        if app.status == Application.Status.IN_REVIEW:
            passed.append(app)
    credit = next((i for i, s in enumerate(stages) if s.kind == "credit_check"), None)
    publicity_at = next(i for i, s in enumerate(stages) if s.kind == "publicity")
    held = passed[:2] if credit is not None else []
    for app in held:
        _advance(app, credit, plan, actors, later)
    for app in passed[len(held) :]:
        _advance(app, publicity_at, plan, actors, later)
    stage = stages[publicity_at]
    starts = today - timedelta(days=3) if plan.publicity_open else later + timedelta(days=10)
    publicity = rev.start_publicity(round=round_, stage=stage.code, starts_on=starts, by=office)
    listed = list(publicity.applications.order_by("pk"))
    if plan.publicity_open:
        rev.lodge_objection(
            publicity=publicity,
            application=listed[0],
            name="示例群众",
            contact="19900000001",
            text="该候选人所报技术成果的完成时间与事实不符，请核实。",
            today=today,
        )
        return
    rev.close_publicity(publicity=publicity, by=office, today=publicity.ends_on + timedelta(days=1))
    named_on = publicity.ends_on + timedelta(days=15)
    for app in listed:
        _advance(app, None, plan, actors, named_on)
    rev.name_candidates(round=round_, document_number=plan.document, named_on=named_on, by=office)


def load_demo_year(stdout) -> None:
    made = 0
    for plan in PLANS:
        made += load_round(plan, stdout)
    today = timezone.localdate()
    created, _ = sub_services.run_payments(period=today.strftime("%Y-%m"), by=None)
    stdout.write(f"演示年度：新增申报 {made} 份，发放台账新增 {created} 笔")
