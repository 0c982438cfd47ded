"""The staff queue's office tools (issue 17, item 5): batch decisions through the same service as
one at a time, the export, the filters of one's own programmes, the search in scope, the
workbench's flags, the expert draw's choices and the ranking's warning."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from applications.models import Application
from reviews import batch_actions, display, expert_panels, office_queue, queue_export, services
from reviews.models import FieldReason
from reviews.selectors import QueueFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def songjiang(make_round):
    return make_round("songjiang-chief-technician")


@pytest.fixture
def qingpu(make_round):
    return make_round("qingpu-chief-technician-subsidy")


def tokens(*apps):
    return [f"{a.pk}:{a.stage}" for a in apps]


# --- batch decisions ---------------------------------------------------------------------


def test_batch_pass_goes_through_decide_and_reports_a_stale_row(
    songjiang, make_application, persona
):
    street = persona("zhao_street")
    one, two, three = (make_application(songjiang, stage="street_review") for _ in range(3))
    selection = batch_actions.resolve(street, tokens(one, two, three))
    # someone else decides `two` between the page and the batch
    services.decide(application=two, stage="street_review", outcome="pass", by=persona("admin"))
    result = batch_actions.decide_many(
        user=street, selection=selection, outcome="pass", note="核对无误"
    )
    assert [r.ok for r in result.rows] == [True, False, True]
    assert "已被处理" in result.refused[0].message and "系统管理员" in result.refused[0].message
    assert result.summary() == "批量通过：已办理 2 件，未办理 1 件（原因见下）。"
    for app in (one, three):
        app.refresh_from_db()
        assert app.stage == "material_review"
        assert app.events.filter(action="passed", actor=street, note="核对无误").exists()


def test_batch_return_names_a_field_for_each_and_refuses_without_one(
    songjiang, make_application, persona
):
    street = persona("zhao_street")
    apps = [make_application(songjiang, stage="street_review") for _ in range(2)]
    selection = batch_actions.resolve(street, tokens(*apps))
    refused = batch_actions.decide_many(user=street, selection=selection, outcome="return")
    assert not refused.done
    assert all("至少指明一项" in r.message for r in refused.refused)
    key = "material.id_card"
    assert key in dict(display.field_choices(songjiang.version.ruleset))
    result = batch_actions.decide_many(
        user=street,
        selection=selection,
        outcome="return",
        field_reasons={key: "身份证复印件不清晰"},
    )
    assert len(result.done) == 2
    for app in apps:
        app.refresh_from_db()
        assert app.status == Application.Status.RETURNED
        reason = FieldReason.objects.get(event__application=app)
        assert (reason.field, reason.reason) == (key, "身份证复印件不清晰")


def test_batch_reject_is_not_offered(songjiang, make_application, persona):
    app = make_application(songjiang, stage="street_review")
    street = persona("zhao_street")
    with pytest.raises(batch_actions.BadSelection, match="逐件办理"):
        batch_actions.decide_many(
            user=street, selection=batch_actions.resolve(street, tokens(app)), outcome="reject"
        )


def test_batch_pass_where_the_user_may_not_decide_is_refused_per_row(
    songjiang, make_application, persona
):
    """The office may open an application at the street, but not decide there."""
    office = persona("chen_office")
    at_street = make_application(songjiang, stage="street_review")
    at_office = make_application(songjiang, stage="material_review")
    selection = batch_actions.resolve(office, tokens(at_street, at_office))
    result = batch_actions.decide_many(
        user=office, selection=selection, outcome="pass", meeting="2026-05-10 协调小组会议"
    )
    assert [r.ok for r in result.rows] == [False, True]
    assert "无权" in result.rows[0].message
    at_street.refresh_from_db()
    assert at_street.stage == "street_review"


def test_another_authoritys_office_cannot_select_an_application(
    songjiang, qingpu, make_application, persona
):
    mine = make_application(qingpu, unit="qingpu_manufacturing", stage="expert_review")
    theirs = make_application(songjiang, stage="material_review")
    qingpu_office = persona("qingpu_office")
    with pytest.raises(batch_actions.OutsideScope):
        batch_actions.resolve(qingpu_office, tokens(mine, theirs))
    with pytest.raises(batch_actions.OutsideScope):
        batch_actions.resolve(persona("zhao_street"), tokens(mine))
    assert [s.application for s in batch_actions.resolve(qingpu_office, tokens(mine))] == [mine]


@pytest.mark.parametrize("bad", [[], ["x:y"], [f"{n}:s" for n in range(1, 202)]])
def test_a_selection_that_cannot_be_read_is_explained(bad, persona):
    with pytest.raises(batch_actions.BadSelection):
        batch_actions.parse_tokens(bad)


def test_batch_assign_refuses_the_conflicted_row_and_does_the_others(
    songjiang, make_application, experts, persona
):
    office = persona("chen_office")
    machinery = make_application(songjiang, stage="expert_scoring")  # expert_b's unit
    training = make_application(songjiang, unit="songjiang_training", stage="expert_scoring")
    selection = batch_actions.resolve(office, tokens(machinery, training))
    result = batch_actions.assign_many(user=office, selection=selection, expert=persona("expert_b"))
    assert [r.ok for r in result.rows] == [False, True]
    assert "同一单位" in result.rows[0].message
    assert training.expert_assignments.get().expert == persona("expert_b")
    drawn = batch_actions.draw_many(user=office, selection=selection, count=10, seed="s")
    assert not drawn.done and all("不足" in r.message for r in drawn.refused)
    drawn = batch_actions.draw_many(user=office, selection=selection, count=2, seed="s")
    assert len(drawn.done) == 2


def test_a_street_reviewer_cannot_assign_experts(songjiang, make_application, experts, persona):
    street = persona("zhao_street")
    app = make_application(songjiang, stage="street_review")
    result = batch_actions.assign_many(
        user=street, selection=batch_actions.resolve(street, tokens(app)), expert=experts[2]
    )
    assert not result.done and "主办部门" in result.refused[0].message


# --- filters, search, export ---------------------------------------------------------------


def test_filters_offer_only_the_users_programmes_and_their_stages(
    songjiang, qingpu, make_round, persona
):
    base = make_round("songjiang-training-base")
    make_round("shanghai-craftsman")
    office = persona("chen_office")
    codes = [code for code, _name in office_queue.own_programme_choices(office)]
    assert codes == ["songjiang-chief-technician", "songjiang-training-base"]
    stages = dict(office_queue.own_stage_choices(office, "songjiang-chief-technician"))
    assert "material_review" in stages and "application" not in stages
    expected = {
        s.code
        for r in (songjiang, base)
        for s in r.version.ruleset.workflow.stages
        if s.kind != "nomination"
    }
    assert set(dict(office_queue.own_stage_choices(office))) == expected
    qingpu_titles = {s.title for s in qingpu.version.ruleset.workflow.stages}
    songjiang_titles = {
        s.title for r in (songjiang, base) for s in r.version.ruleset.workflow.stages
    }
    for title in dict(office_queue.own_stage_choices(office)).values():
        assert set(title.split("／")) <= songjiang_titles
    assert qingpu_titles - songjiang_titles  # so the check above means something
    qingpu_codes = [c for c, _n in office_queue.own_programme_choices(persona("qingpu_office"))]
    assert qingpu_codes == ["qingpu-chief-technician-subsidy"]
    street = [c for c, _n in office_queue.own_programme_choices(persona("zhao_street"))]
    assert "qingpu-chief-technician-subsidy" not in street and street
    assert office_queue.own_programme_choices(persona("sun_finance")) == []
    admin = [c for c, _n in office_queue.own_programme_choices(persona("admin"))]
    assert len(admin) == 4


def test_search_finds_any_application_in_scope_by_name_unit_or_number(
    songjiang, qingpu, make_application, persona
):
    office = persona("chen_office")
    at_street = make_application(songjiang, stage="street_review", real_name="欧阳修远")
    at_office = make_application(songjiang, unit="songjiang_school", stage="material_review")
    elsewhere = make_application(qingpu, unit="qingpu_manufacturing", real_name="欧阳青浦")

    def found(user, q, **kw):
        return list(office_queue.listing(user, QueueFilter(q=q, **kw)))

    # the plain queue holds only what waits for the office; the search looks at every stage
    assert list(office_queue.listing(office)) == [at_office]
    assert found(office, "欧阳") == [at_street]
    assert found(office, "职业技术学校") == [at_office]
    assert found(office, str(at_street.pk)) == [at_street]
    assert found(office, f"{songjiang.year}-{at_street.pk:06d}") == [at_street]
    assert found(office, f"{songjiang.year - 1}-{at_street.pk:06d}") == []
    assert found(office, "欧阳", stage="material_review") == []
    # never another authority's application, never by a piece of an ID number
    assert found(persona("qingpu_office"), "欧阳") == [elsewhere]
    at_street.applicant.id_number = "310117198005123459"
    at_street.applicant.save()
    assert found(office, "198005123") == []
    # the street reviewer finds what is at its street
    assert found(persona("zhao_street"), "欧阳") == [at_street]
    assert office_queue.decidable_ids(office, [at_street, at_office]) == {at_office.pk}


def test_export_holds_the_filtered_list_in_scope_only(songjiang, qingpu, make_application, persona):
    office = persona("chen_office")
    mine = make_application(songjiang, stage="material_review", real_name="张三")
    other = make_application(songjiang, stage="material_review", real_name="李四")
    theirs = make_application(qingpu, unit="qingpu_manufacturing", stage="expert_review")
    rows = queue_export.export_rows(office)
    assert [r[1] for r in rows] == ["张三", "李四"]
    assert rows[0][0] == f"{songjiang.year}-{mine.pk:06d}"
    assert rows[0][5] == songjiang.version.ruleset.stage("material_review").title
    assert [r[1] for r in queue_export.export_rows(office, QueueFilter(q="李四"))] == ["李四"]
    response = queue_export.queue_xlsx(persona("qingpu_office"))
    sheet = load_workbook(BytesIO(response.content)).active
    table = list(sheet.iter_rows(values_only=True))
    assert list(table[0]) == queue_export.HEADERS
    assert [r[0] for r in table[1:]] == [f"{qingpu.year}-{theirs.pk:06d}"]
    assert other.applicant.display_name not in str(table)


# --- the workbench's flags -------------------------------------------------------------------


def test_flags_resubmitted_and_overdue(songjiang, make_application, persona):
    street = persona("zhao_street")
    fresh = make_application(songjiang, stage="street_review")
    late = make_application(songjiang, stage="street_review")
    Application.objects.filter(pk=late.pk).update(
        stage_entered_at=timezone.now() - timedelta(days=40)
    )
    back = make_application(songjiang, stage="street_review")
    services.decide(
        application=back,
        stage="street_review",
        outcome="return",
        by=street,
        field_reasons={"material.id_card": "不清晰"},
    )
    services.resume_after_revision(application=back, by=back.applicant)
    counts = office_queue.flag_counts(street)
    assert counts == {"resubmitted": 1, "overdue": 1}
    only = lambda flag: list(office_queue.listing(street, QueueFilter(only=flag)))  # noqa: E731
    assert only("resubmitted") == [back]
    assert only("overdue") == [late]
    assert fresh not in only("overdue")
    from reviews.workbench_flags import queue_flags

    items = queue_flags(street)["items"]
    assert [i["flag"] for i in items] == ["resubmitted", "overdue"]
    assert items[0]["url"].endswith("?only=resubmitted") and "1 件" in items[0]["status"]
    # once decided, it is no longer flagged
    services.decide(application=back, stage="street_review", outcome="pass", by=street)
    assert office_queue.flag_counts(street)["resubmitted"] == 0


def test_overdue_matches_the_queues_deadline(songjiang, make_application, persona):
    from programmes.selectors import working_day_calendar
    from reviews.selectors import annotate_rows, queue_for

    street = persona("zhao_street")
    apps = [make_application(songjiang, stage="street_review") for _ in range(30)]
    now = timezone.now()
    for n, app in enumerate(apps):
        Application.objects.filter(pk=app.pk).update(stage_entered_at=now - timedelta(days=n))
    today = timezone.localdate()
    rows = annotate_rows(list(queue_for(street)), now=now, calendar=working_day_calendar())
    expected = sorted(a.pk for a in rows if a.waiting.overdue)
    assert expected  # 30 days back holds some overdue and some not
    assert office_queue.overdue_ids(street, today=today) == expected


def test_objections_are_flagged_to_the_office_that_runs_the_round(
    songjiang, make_application, persona
):
    from reviews.workbench_flags import objection_flags

    office = persona("chen_office")
    app = make_application(songjiang, stage="publicity")
    publicity = services.start_publicity(
        round=songjiang, stage="publicity", starts_on=timezone.localdate(), by=office
    )
    assert objection_flags(office) == {"items": []}
    objection = services.lodge_objection(
        publicity=publicity, application=app, name="甲", contact="13900000000", text="有异议"
    )
    items = objection_flags(office)["items"]
    assert len(items) == 1 and "新的公示异议" in items[0]["label"] and "1 件" in items[0]["status"]
    assert items[0]["url"] == f"/reviews/rounds/{songjiang.pk}/"
    for other in ("qingpu_office", "zhao_street", "sun_finance"):
        assert objection_flags(persona(other)) == {"items": []}
    services.resolve_objection(objection=objection, by=office, upheld=False, resolution="不成立")
    assert objection_flags(office) == {"items": []}


def test_the_workbench_page_shows_the_flags(songjiang, make_application, persona, client, login_as):
    street = persona("zhao_street")
    back = make_application(songjiang, stage="street_review")
    services.decide(
        application=back,
        stage="street_review",
        outcome="return",
        by=street,
        field_reasons={"material.id_card": "不清晰"},
    )
    services.resume_after_revision(application=back, by=back.applicant)
    login_as("zhao_street")
    body = client.get("/workbench/").content.decode()
    assert "退回修改后重新提交" in body and "?only=resubmitted" in body


# --- the expert draw and the ranking -------------------------------------------------------


def test_eligible_experts_leave_out_the_conflicted_and_the_recused(
    songjiang, make_application, experts, persona
):
    office = persona("chen_office")
    machinery = make_application(songjiang, stage="expert_scoring")
    training = make_application(songjiang, unit="songjiang_training", stage="expert_scoring")
    assignment = services.assign_expert(application=training, expert=experts[2], by=office)
    services.recuse(assignment=assignment, by=experts[2], reason="亲属关系")
    eligible = expert_panels.eligible_experts([machinery, training])
    assert persona("expert_b") not in eligible[machinery.pk]
    assert persona("expert_b") in eligible[training.pk]
    assert experts[2] not in eligible[training.pk]
    pools = expert_panels.draw_pools([machinery, training])
    for app in (machinery, training):
        assert sorted(u.pk for u in eligible[app.pk]) == services.expert_pool(app)
        assert pools[app.pk] == len(services.expert_pool(app))


def test_the_draw_offers_what_the_pool_allows():
    assert expert_panels.draw_offer(2) == expert_panels.DrawOffer(pool=2, default=2)
    assert expert_panels.draw_offer(7) == expert_panels.DrawOffer(pool=7, default=3)
    assert expert_panels.draw_offer(7, required=5, assigned=1).default == 4
    assert not expert_panels.draw_offer(0).possible


def test_sheet_counts_warn_of_a_panel_short_of_sheets(
    songjiang, make_application, experts, persona
):
    from reviews.selectors import expert_assignments

    office = persona("chen_office")
    app = make_application(songjiang, unit="songjiang_training", stage="expert_scoring")
    services.draw_experts(application=app, count=3, by=office, seed="x")
    full = {i.code: i.max_points for i in services.sheet_items(songjiang.version.ruleset)}
    first = app.expert_assignments.order_by("pk").first()
    services.save_scores(assignment=first, by=first.expert, points=full, submit=True)
    assignments = expert_assignments([app], "expert_scoring")
    count = expert_panels.sheet_counts(songjiang.version.ruleset, assignments, [app.pk])[app.pk]
    assert (count.submitted, count.needed, count.short) == (1, 3, True)
    assert expert_panels.sheets_needed(assigned=0, required=None) == 1
    assert expert_panels.sheets_needed(assigned=3, required=2) == 2


def test_an_unknown_calendar_year_does_not_break_the_overdue_flag(persona):
    class Unknown:
        def add_working_days(self, start, n):
            raise ValueError("unknown year")

    cutoff = office_queue.overdue_cutoff(date(2031, 1, 20), Unknown())
    assert cutoff == date(2031, 1, 5)  # 14 calendar days for 10 working days, as the queue
