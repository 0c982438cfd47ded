"""The gate: no application leaves a stage before the stage's work is done, whatever path asks
(the service, the decision form, the admin's 审核通过 action, the credit import, naming), and
nothing but the gate writes Application.status or .stage."""

from __future__ import annotations

import ast
import io
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import Workbook

from applications.models import Application, Nomination
from reviews import services, workflow
from reviews.models import Assignment, CreditCheck

ROOT = Path(__file__).resolve().parents[2]
PROGRAMMES = sorted(p.stem for p in (ROOT / "fixtures" / "programmes").glob("*.yaml"))

# the message the gate gives for a stage of each kind left with nothing done
EXPECTED = {
    "unit_review": "单位集体讨论未记录",
    "internal_publicity": "内部公示未记录",
    "expert_review": "专家评分未完成：已提交 0 份，需要 1 份",
    "expert_scoring": "专家评分未完成：已提交 0 份，需要 1 份",
    "release_meeting": "专家评分未完成：已提交 0 份，需要 1 份",
    "interview": "专家评分未完成：已提交 0 份，需要 1 份",
    "credit_check": "信用核查未完成",
    "publicity": "公示未举行",
    "group_approval": "会议日期或文件",
    "final_approval": "会议日期或文件",
    "naming": "以下阶段尚未通过",
}
# a unit and a channel on whose path each channel-restricted stage lies
PLACES = {
    "songjiang-chief-technician": ("songjiang_machinery", "unit"),
    "qingpu-chief-technician-subsidy": ("qingpu_manufacturing", "unit"),
    "qingpu-chief-technician-additional-funding": ("qingpu_manufacturing", "unit"),
    "shizhong-chief-technician": ("shizhong_works", "unit"),
    "songjiang-training-base": ("songjiang_training", "unit"),
    "shanghai-craftsman": ("songjiang_machinery", "union"),
}


def gated_stages():
    """(programme, stage code, kind) of every stage whose kind the gate guards."""
    out = []
    for code in PROGRAMMES:
        data = yaml.safe_load((ROOT / "fixtures" / "programmes" / f"{code}.yaml").read_text())
        for stage in data["workflow"]["stages"]:
            if stage["kind"] not in EXPECTED:
                continue
            if (
                stage["kind"] in ("group_approval", "final_approval")
                and stage["role"] not in workflow.RECORDED_ROLES
            ):
                continue  # an account's own approval (上海工匠 市总工会): its decision is the work
            out.append(
                pytest.param(code, stage["code"], stage["kind"], id=f"{code}:{stage['code']}")
            )
    return out


def _place(make_round, make_application, code, stage_code):
    from portal.models import Union

    round_ = make_round(code)
    ruleset = round_.version.ruleset
    stage = ruleset.stage(stage_code)
    unit, channel = PLACES[code]
    if stage.channels and channel not in stage.channels:
        channel = stage.channels[0]
    union = Union.objects.get(code="songjiang-ftu") if code == "shanghai-craftsman" else None
    app = make_application(round_, unit=unit, channel=channel, stage=stage_code, union=union)
    if stage.kind == "naming":
        app.status = Application.Status.APPROVED
        app.save(update_fields=["status"])
    return round_, app, stage


def snapshot(app):
    app = Application.objects.get(pk=app.pk)
    return (
        app.status,
        app.stage,
        app.stage_entered_at,
        app.updated_at,
        list(app.events.values_list("pk", flat=True)),
        CreditCheck.objects.filter(application=app).count(),
        Nomination.objects.filter(application=app).count(),
    )


def _try_service(round_, app, stage, by):
    if stage.kind == "naming":
        services.name_candidates(
            round=round_, document_number="文〔2026〕1号", named_on=date(2026, 7, 1), by=by
        )
    else:
        services.decide(application=app, stage=stage.code, outcome="pass", by=by, note="同意")


@pytest.mark.parametrize(("code", "stage_code", "kind"), gated_stages())
def test_skipping_a_stage_through_the_service_is_refused(
    code, stage_code, kind, make_round, make_application, persona
):
    round_, app, stage = _place(make_round, make_application, code, stage_code)
    before = snapshot(app)
    with pytest.raises(services.ReviewError) as caught:
        _try_service(round_, app, stage, persona("admin"))
    assert EXPECTED[kind] in caught.value.message
    assert snapshot(app) == before


@pytest.mark.parametrize(("code", "stage_code", "kind"), gated_stages())
def test_skipping_a_stage_through_the_decision_form_is_refused(
    code, stage_code, kind, make_round, make_application, client, login_as
):
    _round, app, _stage = _place(make_round, make_application, code, stage_code)
    if kind == "naming":
        pytest.skip(
            "naming is not a decision of the form (its page: test_pages.py::test_office_round_page_ranks_and_names)"
        )
    before = snapshot(app)
    login_as("admin")
    response = client.post(
        reverse("reviews:decide", args=[app.pk]), {"stage": stage_code, "outcome": "pass"}
    )
    assert response.status_code == 400
    assert EXPECTED[kind] in response.content.decode()
    assert snapshot(app) == before


@pytest.mark.parametrize(("code", "stage_code", "kind"), gated_stages())
def test_skipping_a_stage_through_the_admin_action_is_refused(
    code, stage_code, kind, make_round, make_application, client, login_as
):
    _round, app, _stage = _place(make_round, make_application, code, stage_code)
    before = snapshot(app)
    login_as("admin")
    response = client.post(
        reverse("admin:applications_application_changelist"),
        {"action": "pass_selected", "_selected_action": [app.pk]},
        follow=True,
    )
    shown = [str(m) for m in get_messages(response.wsgi_request)] or [response.content.decode()]
    if kind == "naming":  # the application is approved: no decision stands open there
        assert snapshot(app) == before
        return
    assert any(EXPECTED[kind] in m for m in shown), shown
    assert snapshot(app) == before


def test_the_offices_admin_action_passes_no_stage_of_a_mixed_selection(
    make_round, make_application, client, login_as
):
    """The issue's one click: selection list, talent office, publicity and final approval."""
    round_ = make_round("songjiang-chief-technician")
    apps = [
        make_application(round_, stage=s)
        for s in ("selection_list_approval", "talent_office_review", "publicity", "final_approval")
    ]
    before = [snapshot(a) for a in apps]
    login_as("chen_office")
    response = client.post(
        reverse("admin:applications_application_changelist"),
        {"action": "pass_selected", "_selected_action": [a.pk for a in apps]},
        follow=True,
    )
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert sum("会议日期或文件" in m for m in shown) == 3
    assert sum("公示未举行" in m for m in shown) == 1
    assert not any("已处理" in m for m in shown)
    assert [snapshot(a) for a in apps] == before


def _credit_xlsx(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["申报编号", "核查结果", "查询编号"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "credit.xlsx"
    return out


@pytest.mark.parametrize(("code", "stage_code", "kind"), gated_stages())
def test_the_credit_import_moves_only_applications_at_the_credit_check(
    code, stage_code, kind, make_round, make_application, client, login_as
):
    _round, app, _stage = _place(make_round, make_application, code, stage_code)
    before = snapshot(app)
    login_as("admin")
    response = client.post(
        reverse("admin:reviews_creditcheck_import"),
        {"file": _credit_xlsx([[app.pk, "通过", "XY-1"]])},
        follow=True,
    )
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    if kind == "credit_check":  # the one stage the import is for: it records and passes
        app.refresh_from_db()
        assert app.stage != stage_code and CreditCheck.objects.filter(application=app).exists()
        return
    assert any("第2行" in m and "不在该阶段" in m for m in shown), shown
    assert snapshot(app) == before


# --- partial work -----------------------------------------------------------------------------


def test_expert_stage_needs_every_assigned_experts_sheet_then_the_ranking(
    make_round, make_application, experts, persona
):
    round_ = make_round("songjiang-chief-technician")
    app = make_application(round_, unit="songjiang_training", stage="expert_scoring")
    office = persona("chen_office")
    for expert in experts[:4]:
        services.assign_expert(application=app, expert=expert, by=office)
    recused = Assignment.objects.get(application=app, expert=experts[0])
    services.recuse(assignment=recused, by=experts[0], reason="曾共事")
    full = {i.code: i.max_points for i in services.sheet_items(round_.version.ruleset)}
    first = Assignment.objects.filter(application=app, status="assigned").order_by("pk")
    services.save_scores(assignment=first[0], by=first[0].expert, points=full, submit=True)
    before = snapshot(app)
    for attempt in (
        lambda: services.decide(application=app, stage="expert_scoring", outcome="pass", by=office),
        lambda: services.close_expert_stage(round=round_, stage="expert_scoring", by=office),
    ):
        with pytest.raises(services.ReviewError, match="专家评分未完成：已提交 1 份，需要 3 份"):
            attempt()
        assert snapshot(app) == before
    for a in first[1:]:
        services.save_scores(assignment=a, by=a.expert, points=full, submit=True)
    with pytest.raises(services.ReviewError, match="尚未按排名结束"):
        services.decide(application=app, stage="expert_scoring", outcome="pass", by=office)
    services.close_expert_stage(round=round_, stage="expert_scoring", by=office)
    app.refresh_from_db()
    assert app.stage == "credit_check"


def test_unit_cap_and_internal_publicity_length_hold_through_decide(
    make_round, make_application, persona
):
    from applications.services import record_discussion

    round_ = make_round("songjiang-chief-technician")
    hr = persona("wang_hr")
    today = date.today()
    for _ in range(2):
        a = make_application(round_)
        record_discussion(application=a, by=hr, discussed_on=today, note="同意", outcome="pass")
    third = make_application(round_)
    # a discussion written down some other way does not lift the cap (四(二): 1-2人)
    Nomination.objects.create(application=third, discussed_on=today)
    before = snapshot(third)
    with pytest.raises(services.ReviewError, match="每个单位限推荐2人"):
        services.decide(application=third, stage="unit_discussion", outcome="pass", by=hr)
    assert snapshot(third) == before

    at_publicity = make_application(round_, stage="internal_publicity")
    before = snapshot(at_publicity)
    for dates, message in (
        ((None, None), "内部公示未记录"),
        ((today - timedelta(days=5), today - timedelta(days=1)), "内部公示期不足"),
        ((today - timedelta(days=3), today + timedelta(days=4)), "内部公示尚未结束"),
    ):
        with pytest.raises(services.ReviewError, match=message):
            services.decide(
                application=at_publicity,
                stage="internal_publicity",
                outcome="pass",
                by=hr,
                publicity_dates=dates,
            )
        assert snapshot(at_publicity) == before
    services.decide(
        application=at_publicity,
        stage="internal_publicity",
        outcome="pass",
        by=hr,
        publicity_dates=(today - timedelta(days=8), today - timedelta(days=1)),
    )
    assert at_publicity.stage == "street_review"


def test_publicity_needs_its_full_length_and_no_upheld_objection(
    make_round, make_application, persona
):
    round_ = make_round("songjiang-chief-technician")
    office = persona("chen_office")
    app = make_application(round_, stage="publicity")
    other = make_application(round_, stage="publicity")
    publicity = services.start_publicity(
        round=round_, stage="publicity", starts_on=date(2026, 6, 1), by=office
    )
    before = snapshot(app)
    with pytest.raises(services.ReviewError, match="公示期未满"):
        services.decide(
            application=app, stage="publicity", outcome="pass", by=office, on=publicity.ends_on
        )
    objection = services.lodge_objection(
        publicity=publicity,
        application=other,
        name="甲",
        contact="1",
        text="不实",
        today=date(2026, 6, 2),
    )
    after_end = publicity.ends_on + timedelta(days=1)
    with pytest.raises(services.ReviewError, match="尚有未处理的公示异议"):
        services.decide(application=app, stage="publicity", outcome="pass", by=office, on=after_end)
    assert snapshot(app) == before
    services.resolve_objection(objection=objection, by=office, upheld=True, resolution="属实")
    services.decide(application=app, stage="publicity", outcome="pass", by=office, on=after_end)
    app.refresh_from_db()
    other.refresh_from_db()
    assert app.stage == "final_approval" and other.status == "rejected"


def test_a_refusal_is_shown_beside_the_decision_button(
    make_round, make_application, client, login_as
):
    round_ = make_round("songjiang-chief-technician")
    app = make_application(round_, unit="songjiang_training", stage="expert_scoring")
    login_as("chen_office")
    response = client.post(
        reverse("reviews:decide", args=[app.pk]), {"stage": "expert_scoring", "outcome": "pass"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    message = body.index("专家评分未完成：已提交 0 份，需要 1 份")
    button = body.index('type="submit"', message)
    assert button - message < 3000  # in the decision form, above its button


# --- nothing else writes status or stage ------------------------------------------------------

SCANNED = ("portal", "programmes", "applications", "reviews", "subsidies", "dashboards", "scripts")
GATE = Path("applications/gate.py")
# variables holding other models' `status` (payment and PDF batches, an expert's assignment,
# an objection): the scan knows them by name, so these names are kept for those models only
OTHER_MODELS = {
    "round_",
    "batch",
    "assignment_row",
    "objection_row",
    "run",
    "award",
    "claim",
    "item",
    "entry",
}
WRITERS = {"update", "create", "update_or_create", "get_or_create", "bulk_create"}


def status_writes(source: str, filename: str = "<src>") -> list[str]:
    """Where `source` writes an application's status or stage outside the gate."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr in ("status", "stage"):
                owner = ast.unparse(target.value)
                if owner.split(".")[-1] not in OTHER_MODELS:
                    found.append(f"{filename}:{node.lineno}: {ast.unparse(target)} = …")
        if isinstance(node, ast.Call):
            func = ast.unparse(node.func)
            names = {k.arg for k in node.keywords}
            if (
                func == "setattr"
                and len(node.args) > 1
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value in ("status", "stage")
            ):
                found.append(f"{filename}:{node.lineno}: {ast.unparse(node)}")
            is_application = func.startswith("Application.") or func == "Application"
            writes = func == "Application" or func.rsplit(".", 1)[-1] in WRITERS
            if is_application and writes and names & {"status", "stage"}:
                found.append(f"{filename}:{node.lineno}: {ast.unparse(node)[:80]}")
    return found


def test_the_scan_finds_a_write_when_there_is_one():
    snippet = (
        "app.status = 'approved'\n"
        "locked.stage = 'naming'\n"
        "Application.objects.filter(pk=1).update(status='named')\n"
        "setattr(app, 'stage', 'x')\n"
        "batch.status = 'done'\n"
    )
    assert len(status_writes(snippet)) == 4


def test_nothing_but_the_gate_writes_status_or_stage():
    found = []
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if relative == GATE or "migrations" in relative.parts:
                continue
            found += status_writes(path.read_text(), str(relative))
    assert not found, "\n".join(found)


def test_a_rule_set_that_says_how_many_sheets_is_followed(
    programmes, make_application, experts, persona
):
    """`scoring.experts_required`: two of three assigned sheets suffice (none of the five texts
    says so; a later text may)."""
    from programmes.models import ProgrammeVersion, Round

    base = programmes["songjiang-chief-technician"]
    data = {**base.data, "scoring": {**base.data["scoring"], "experts_required": 2}}
    version = ProgrammeVersion.objects.create(
        programme=base.programme, number=99, digest="experts-required", data=data,
        source_file=base.source_file,
    )  # fmt: skip
    round_ = Round.objects.create(
        version=version, name="两份评分即可", year=2026, opens_on=date(2026, 3, 1),
        closes_on=date(2026, 4, 30), quota=5, status=Round.Status.REVIEW,
    )  # fmt: skip
    app = make_application(round_, unit="songjiang_training", stage="expert_scoring")
    office = persona("chen_office")
    for expert in experts[1:4]:
        services.assign_expert(application=app, expert=expert, by=office)
    full = {i.code: i.max_points for i in services.sheet_items(version.ruleset)}
    sheets = Assignment.objects.filter(application=app).order_by("pk")
    services.save_scores(assignment=sheets[0], by=sheets[0].expert, points=full, submit=True)
    with pytest.raises(services.ReviewError, match="已提交 1 份，需要 2 份"):
        services.decide(application=app, stage="expert_scoring", outcome="pass", by=office)
    services.save_scores(assignment=sheets[1], by=sheets[1].expert, points=full, submit=True)
    with pytest.raises(services.ReviewError, match="尚未按排名结束"):
        services.decide(application=app, stage="expert_scoring", outcome="pass", by=office)
