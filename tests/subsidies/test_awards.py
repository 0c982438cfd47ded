"""Naming creates the award with its term, its assessments and the notices."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from subsidies import schedules
from subsidies.models import Award, AwardEvent
from subsidies.services import AwardError, create_award

pytestmark = pytest.mark.django_db


def test_naming_a_person_creates_the_award_term_and_assessments(
    make_application, persona, django_capture_on_commit_callbacks
):
    application = make_application("songjiang-chief-technician")
    with django_capture_on_commit_callbacks(execute=True):
        award = create_award(
            application=application,
            document_number="沪松人社〔2025〕12号",
            named_on=date(2025, 3, 10),
            by=persona("chen_office"),
        )
    award.refresh_from_db()
    assert award.person == persona("li_ming")
    assert award.unit == application.unit
    assert award.name == "李明"
    assert award.district == "songjiang"
    # the term starts the month after naming and lasts 36 months
    assert (award.term_start, award.term_end) == (date(2025, 4, 1), date(2028, 3, 31))
    ruleset = award.ruleset_version.ruleset
    expected = schedules.assessment_schedule(
        ruleset.benefits,
        ruleset.assessments,
        [schedules.AwardEvent(date=date(2025, 3, 10), kind="named")],
        adjustments=ruleset.adjustments,
    )
    rows = list(award.assessments.order_by("due_on"))
    assert [(a.code, a.due_on, a.organiser) for a in rows] == [
        (e.code, e.due, e.organiser) for e in expected
    ]
    assert [(a.code, a.due_on) for a in rows] == [
        ("mid_term", date(2026, 9, 30)),
        ("end_of_term", date(2028, 3, 31)),
    ]
    assert award.events.get().kind == AwardEvent.Kind.NAMED
    recipients = {address for message in mail.outbox for address in message.to}
    assert {"li_ming@example.cn", "wang_hr@example.cn"} <= recipients
    assert "命名通知" in mail.outbox[0].subject


def test_an_organisation_award_has_no_person(make_application, demo_people, persona):
    application = make_application(
        "songjiang-training-base", username="gu_base", unit=demo_people["songjiang_training"]
    )
    award = create_award(
        application=application,
        document_number="沪松人社〔2025〕9号",
        named_on=date(2025, 6, 1),
        by=persona("chen_office"),
    )
    assert award.person is None
    assert award.name == demo_people["songjiang_training"].name
    assert {a.code for a in award.assessments.all()} == {"mid_term", "end_of_term"}


def test_a_title_without_term_has_no_end(make_application, persona):
    award = create_award(
        application=make_application("shanghai-craftsman"),
        document_number="沪总工〔2025〕1号",
        named_on=date(2025, 5, 1),
        by=persona("chen_office"),
    )
    assert award.term_end is None
    assert not award.assessments.exists()


def test_an_application_is_named_once(make_application, persona):
    application = make_application()
    create_award(
        application=application,
        document_number="A",
        named_on=date(2025, 3, 1),
        by=persona("chen_office"),
    )
    with pytest.raises(AwardError, match="已命名"):
        create_award(
            application=application,
            document_number="B",
            named_on=date(2025, 3, 1),
            by=persona("chen_office"),
        )
    assert Award.objects.count() == 1
