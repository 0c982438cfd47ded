"""A demo that looks like a real year (`load_demo --year`, on for `make demo`).

Each chief-technician round gets a believable number of applications, argued from its text:

- 松江 (沪松人社规〔2024〕1号 三: about 25 named per two years): 48 applications, about two
  candidates per place, from 24 fictitious units (the unit channel's cap is 2 per unit, 四(二)).
- 青浦 (青人社〔2020〕54号 四: at least 60 projects over five years, about 12 a year): 36 projects,
  the yearly pace with the backlog of a text's last year.
- 市中 (市中政办字〔2020〕33号 第四条: at most 10 per two years): 30 applications, three for each
  place, three of them freelancers through their residence street (第八条).
- 松江 2024 (the text's round of two years ago, opened here): 40, every one decided and named.
- 青浦 追加资助 (六(二)) 18 projects and 松江 training bases 12: the smaller programmes.

Every application goes through the real services and the gate, as the people of the README would
have done it: the applicant drafts and submits, the unit HR records the discussion and publicity,
street, department and district staff decide, the office assigns experts who submit score sheets,
the office closes the ranking, records the credit check, starts the publicity (each gets an
objection: waiting in an open round's, dismissed in a past one's), and names the candidates of
a past round (awards and their ledger by the monthly run).
The applications are spread over every stage: drafts, at each review stage, with experts (sheets
missing), scored, at the credit check, in publicity, named, returned and rejected.

Deterministic (one seed per round) and idempotent: a round that has its demo-year applications
is left alone.
"""

from __future__ import annotations

import contextlib
import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from applications import services as app_services
from applications.declaration import as_post, prefilled
from applications.demo import submit_demo
from applications.demo_data import demo_form_data
from applications.models import Application
from portal.models import Region, Role, User
from programmes.models import Programme, Round
from programmes.rounds import open_round
from reviews import services as rev
from reviews import workflow
from reviews.models import Assignment
from reviews.permissions import ruleset_of
from subsidies import demo_year_people as people
from subsidies import services as sub_services
from subsidies.demo_year_plans import PLANS, Plan

EXPERTS_PER_APPLICATION = 3
TERMINAL = (Application.Status.REJECTED, Application.Status.NAMED, Application.Status.RETURNED)


def _round(plan: Plan) -> Round | None:
    rounds = Round.objects.filter(version__programme__code=plan.code)
    if plan.year is None:
        return (
            rounds.filter(status__in=[Round.Status.OPEN, Round.Status.REVIEW])
            .order_by("-opens_on")
            .first()
        )
    existing = rounds.filter(year=plan.year).order_by("opens_on").first()
    if existing is not None:
        return existing
    programme = Programme.objects.filter(code=plan.code).first()
    version = programme.latest_version if programme else None
    if version is None:
        return None
    # A past round, as open_demo_rounds opens one for a text no longer current: its
    # applications closed, its review done (named), through the text's round rules.
    quota = (version.data.get("scoring") or {}).get("quota") or {}
    return open_round(
        version=version,
        name=f"{plan.year}年度{programme.name}申报（演示）",
        year=plan.year,
        opens_on=date(plan.year, 4, 1),
        closes_on=date(plan.year, 5, 31),
        quota=quota.get("count"),
        status=Round.Status.REVIEW,
    )


def _targets(plan: Plan, stages: list, rng: random.Random) -> list:
    """What becomes of each application: ("draft",), ("return", i), ("reject", i), ("stop", i)
    (stays at stage i) or ("lead",) (through the experts' ranking and on)."""
    expert_at = next(i for i, s in enumerate(stages) if s.kind in workflow.EXPERT_KINDS)
    staff = [i for i, s in enumerate(stages[:expert_at]) if s.kind != "nomination" and i > 0]
    returnable = [i for i in staff if "return" in stages[i].outcomes]
    rejectable = [i for i in staff if "reject" in stages[i].outcomes]
    n = plan.count
    few = 1 if n < 30 else 2  # a small round (a training base, 追加资助) has one of each
    plans = [("draft",)] * max(few + 1, n // 12)
    if returnable:  # a training base goes from its unit straight to the experts
        plans += [("return", returnable[k % len(returnable)]) for k in range(max(few, n // 16))]
    if rejectable:
        plans += [
            ("reject", rejectable[(k * 2) % len(rejectable)]) for k in range(max(few, n // 16))
        ]
    if staff:
        plans += [("stop", staff[k % len(staff)]) for k in range(len(staff) + n // 10)]
    plans += [("stop", expert_at)] * 2 + [("scored", expert_at)] * 2
    if plan.year is not None:  # a finished round: nobody is still waiting anywhere
        plans = [
            ("reject", p[1]) if p[0] == "stop" and p[1] in rejectable else p
            for p in plans
            if p[0] not in ("stop", "scored") or p[1] in rejectable
        ]
    plans += [("lead",)] * (n - len(plans))
    rng.shuffle(plans)
    return plans


def _departments_first(fates: list, stages: list, units: list, plan: Plan) -> None:
    """Give the fates that stop at a department's review to the applicants of a unit under a
    department (a public institution): only their path passes there."""
    at_department = [
        k
        for k, fate in enumerate(fates)
        if fate[0] in ("stop", "return", "reject") and stages[fate[1]].kind == "department_review"
    ]
    under = [
        k
        for k in range(plan.freelancers, len(fates))
        if units[k % len(units)].department_id and k not in at_department
    ]
    for k, j in zip(at_department, under, strict=False):
        fates[k], fates[j] = fates[j], fates[k]


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
        return
    if stage.kind == "credit_check":
        rev.record_credit_check(application=app, result="pass", reference="信用查询-示例", by=by)
        return
    if stage.kind == "internal_publicity":
        work = {
            "note": "公示期满无异议",
            "publicity_dates": (on - timedelta(days=12), on - timedelta(days=1)),
        }
    else:
        work = {
            "note": "审核通过",
            "meeting": "示例会议纪要" if stage.role in workflow.RECORDED_ROLES else "",
        }
    rev.decide(application=app, stage=stage.code, outcome="pass", by=by, **work)


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


@contextlib.contextmanager
def _open_for_applications(round_: Round, past: bool):
    """Replayed as it happened: a past round was open for applications on its day."""
    if past:
        Round.objects.filter(pk=round_.pk).update(status=Round.Status.OPEN)
        round_.refresh_from_db()
    try:
        yield
    finally:
        if past:
            Round.objects.filter(pk=round_.pk).update(status=Round.Status.REVIEW)
            round_.refresh_from_db()


@transaction.atomic
def load_round(plan: Plan, stdout) -> int:
    round_ = _round(plan)
    office = User.objects.filter(username=plan.office).first()
    if round_ is None or office is None:
        return 0
    if User.objects.filter(username__startswith=f"{people.USER_PREFIX}_{plan.series}_").exists():
        return 0  # made by an earlier run
    rng = random.Random(f"demo-year:{plan.code}")
    ruleset = round_.version.ruleset
    stages = list(ruleset.workflow.stages)
    district = Region.objects.get(code=ruleset.identity.district)
    units = people.demo_units(district, plan.units, school=plan.school)
    streets = people.streets_of(district)
    experts = people.experts(plan.authority, list(plan.experts), EXPERTS_PER_APPLICATION + 1)
    actors = people.Actors(office)
    today = timezone.localdate()
    past = round_.status != Round.Status.OPEN
    on = min(round_.opens_on + timedelta(days=10), round_.closes_on) if past else today
    later = round_.closes_on + timedelta(days=20) if past else today
    fates = _targets(plan, stages, rng)
    _departments_first(fates, stages, units, plan)
    expert_at = next(i for i, s in enumerate(stages) if s.kind in workflow.EXPERT_KINDS)
    expert_stage = stages[expert_at]
    # Where a submission goes straight to the experts (a training base), only the lead are
    # submitted before the ranking is closed; the others come in after it.
    direct = expert_at == 1
    apps, late = [], []
    with _open_for_applications(round_, past):
        for index, fate in enumerate(fates):
            freelancer = index < plan.freelancers
            unit = None if freelancer else units[index % len(units)]
            street = streets[(index * 7) % len(streets)] if freelancer else None
            application = _application(round_, plan, index, unit, street, rng, on)
            if direct and fate[0] not in ("draft", "lead"):
                late.append(application)
            elif fate[0] != "draft":
                submit_demo(application, application.applicant, on=on, explained="示例：情况说明")
            apps.append((application, fate))
    # The lead: through every stage before the experts, scored, ranked.
    lead = [a for a, fate in apps if fate == ("lead",)]
    for app in lead:
        _advance(app, None, plan, actors, later)
    for app in lead:
        app.refresh_from_db()
        if app.stage == expert_stage.code and app.status == Application.Status.IN_REVIEW:
            _score(app, expert_stage, experts, office, rng, submit_all=True)
    rev.close_expert_stage(round=round_, stage=expert_stage.code, by=office)
    with _open_for_applications(round_, past):
        for application in late:
            submit_demo(application, application.applicant, on=on, explained="示例：情况说明")
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
    """The lead's way on. A round in progress keeps one or two at each stage between the
    experts and the publicity (two at the credit check) and its publicity runs today with an
    objection waiting; a finished round's publicity had an objection, dismissed, and its
    candidates are named."""
    passed = []
    for app in lead:
        app.refresh_from_db()
        if app.status == Application.Status.IN_REVIEW:
            passed.append(app)
    expert_at = next(i for i, s in enumerate(stages) if s.kind in workflow.EXPERT_KINDS)
    publicity_at = next(i for i, s in enumerate(stages) if s.kind == "publicity")
    held = []
    if plan.publicity_open:
        for i in range(expert_at + 1, publicity_at):
            held += [i] * (2 if stages[i].kind == "credit_check" else 1)
    for app, at in zip(passed, held, strict=False):
        _advance(app, at, plan, actors, later)
    for app in passed[len(held) :]:
        _advance(app, publicity_at, plan, actors, later)
    stage = stages[publicity_at]
    starts = today - timedelta(days=3) if plan.publicity_open else later + timedelta(days=10)
    publicity = rev.start_publicity(round=round_, stage=stage.code, starts_on=starts, by=office)
    listed = list(publicity.applications.order_by("pk"))
    objection = rev.lodge_objection(
        publicity=publicity,
        application=listed[0],
        name="示例群众",
        contact="19900000001",
        text="该候选人所报技术成果的完成时间与事实不符，请核实。",
        today=today if plan.publicity_open else starts,
    )
    if plan.publicity_open:
        return
    rev.resolve_objection(
        objection=objection,
        by=office,
        upheld=False,
        resolution="经核实，成果完成时间有单位证明，异议不成立。",
    )
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
