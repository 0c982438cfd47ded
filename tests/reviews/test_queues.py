"""Queues list only what waits for the user, for the user's organisation; decisions by form."""

from __future__ import annotations

import pytest
from django.urls import reverse

from applications.models import Application
from reviews.selectors import QueueFilter, queue_for


@pytest.fixture
def songjiang(make_round):
    return make_round("songjiang-chief-technician")


def test_street_queue_holds_only_the_streets_applications(songjiang, make_application, persona):
    here = make_application(songjiang, stage="street_review")
    elsewhere = make_application(songjiang, unit="songjiang_training", stage="street_review")
    at_unit = make_application(songjiang)  # still at the unit
    school = make_application(songjiang, unit="songjiang_school", stage="department_review")
    assert list(queue_for(persona("zhao_street"))) == [here]
    assert list(queue_for(persona("qian_dept"))) == [school]
    office = set(queue_for(persona("chen_office")))
    assert office == set()
    for app in (here, elsewhere, at_unit, school):
        app.stage = "material_review"
        app.save()
    assert set(queue_for(persona("chen_office"))) == {here, elsewhere, at_unit, school}
    assert list(queue_for(persona("zhao_street"))) == []
    assert list(queue_for(persona("expert_a"))) == []
    assert list(queue_for(persona("sun_finance"))) == []


def test_queue_filters_and_sorts(songjiang, make_round, make_application, persona):
    first = make_application(songjiang, stage="material_review", real_name="张三")
    second = make_application(songjiang, stage="material_review", real_name="李四")
    office = persona("chen_office")
    assert list(queue_for(office, QueueFilter(sort="waiting"))) == [first, second]
    assert list(queue_for(office, QueueFilter(sort="-waiting"))) == [second, first]
    assert list(queue_for(office, QueueFilter(q="李四"))) == [second]
    assert list(queue_for(office, QueueFilter(stage="street_review"))) == []
    assert list(queue_for(office, QueueFilter(programme="songjiang-training-base"))) == []


def test_queue_page_shows_waiting_and_deadline(songjiang, make_application, client, login_as):
    app = make_application(songjiang, stage="street_review", real_name="王五")
    login_as("zhao_street")
    response = client.get(reverse("reviews:queue"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "王五" in body and "天" in body and "街镇" in body
    assert reverse("reviews:detail", args=[app.pk]) in body


def test_street_reviewer_passes_and_returns_by_form(songjiang, make_application, client, login_as):
    one = make_application(songjiang, stage="street_review")
    two = make_application(songjiang, stage="street_review")
    login_as("zhao_street")
    page = client.get(reverse("reviews:detail", args=[one.pk]))
    assert page.status_code == 200 and "审核决定" in page.content.decode()
    response = client.post(
        reverse("reviews:decide", args=[one.pk]),
        {"stage": "street_review", "outcome": "pass", "note": "原件核对无误"},
    )
    assert response.status_code == 302
    one.refresh_from_db()
    assert one.stage == "material_review"
    # a return without reasons is refused, with what was typed kept
    response = client.post(
        reverse("reviews:decide", args=[two.pk]),
        {"stage": "street_review", "outcome": "return", "internal_note": "再看看"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "退回修改须写明理由" in body and "再看看" in body
    response = client.post(
        reverse("reviews:decide", args=[two.pk]),
        {
            "stage": "street_review",
            "outcome": "return",
            "reason_field_0": "person.name",
            "reason_text_0": "请补充",
        },
    )
    assert response.status_code == 302
    two.refresh_from_db()
    assert two.status == Application.Status.RETURNED
    # deciding again on the old stage tells the user what happened
    response = client.post(
        reverse("reviews:decide", args=[one.pk]),
        {"stage": "street_review", "outcome": "pass"},
        follow=True,
    )
    assert response.status_code == 200
    assert "该申报已被处理" in response.content.decode()
    assert "未生效" in response.content.decode()


def test_office_records_the_coordination_groups_decision_with_its_meeting(
    songjiang, make_application, client, login_as
):
    app = make_application(songjiang, stage="preliminary_list_approval")
    login_as("chen_office")
    page = client.get(reverse("reviews:detail", args=[app.pk])).content.decode()
    assert "会议日期或文件" in page and "区协调小组审核同意初步人选" in page
    url = reverse("reviews:decide", args=[app.pk])
    response = client.post(url, {"stage": "preliminary_list_approval", "outcome": "pass"})
    assert response.status_code == 400 and "请填写会议日期或文件" in response.content.decode()
    response = client.post(
        url,
        {"stage": "preliminary_list_approval", "outcome": "pass", "meeting": "2026年5月10日会议"},
    )
    assert response.status_code == 302
    event = app.events.get(action="passed")
    assert "协调小组：2026年5月10日会议" in event.note
    history = client.get(reverse("reviews:detail", args=[app.pk])).content.decode()
    assert "专家按评价指标评分" in history  # stage titles, not codes, in the history


def test_a_publicity_in_the_queue_is_due_on_its_last_day(songjiang, make_application, persona):
    from django.utils import timezone

    from reviews.selectors import annotate_rows
    from reviews.services import start_publicity

    app = make_application(songjiang, stage="publicity")
    publicity = start_publicity(
        round=songjiang,
        stage="publicity",
        starts_on=timezone.localdate(),
        by=persona("chen_office"),
    )
    [row] = annotate_rows(queue_for(persona("chen_office")))
    assert row.pk == app.pk and row.waiting.deadline == publicity.ends_on


def test_a_queue_page_costs_the_same_queries_with_or_without_a_publicity_stage(
    songjiang, make_application, persona
):
    """The publicity ends are read for every page, so a page's queries do not depend on which
    applications it happens to list (bench_pages counted 13 at 2,000 and 12 at 20,000)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reviews.selectors import annotate_rows

    office = persona("chen_office")
    reviewed = make_application(songjiang, stage="material_review")

    def queries_of_page() -> int:
        rows = list(queue_for(office))
        annotate_rows(rows)  # warm the process caches (the parsed rule set, the calendar)
        with CaptureQueriesContext(connection) as captured:
            annotate_rows(rows)
        return len(captured.captured_queries)

    without = queries_of_page()
    make_application(songjiang, stage="publicity")
    assert {row.stage for row in queue_for(office)} == {"material_review", "publicity"}
    assert queries_of_page() == without
    assert reviewed.stage == "material_review"
