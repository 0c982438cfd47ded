"""Texts in force and rounds as the texts allow them (Round.full_clean, the admin's form, the
service), and the live pre-check's policy_in_force on the application's date."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications import services as application_services
from programmes.models import Round
from programmes.rounds import open_round


def _round(programmes, code, **fields):
    defaults = {
        "version": programmes[code],
        "name": "批次",
        "year": 2024,
        "opens_on": date(2024, 10, 8),
        "closes_on": date(2024, 11, 30),
        "quota": 10,
    }
    return Round(**{**defaults, **fields})


def _errors(round_) -> str:
    with pytest.raises(ValidationError) as caught:
        round_.full_clean()
    return str(caught.value.message_dict)


def test_a_shizhong_round_in_2026_is_refused_with_article_16(programmes):
    text = _errors(
        _round(
            programmes,
            "shizhong-chief-technician",
            year=2026,
            opens_on=date(2026, 10, 8),
            closes_on=date(2026, 11, 30),
        )
    )
    assert "第十六条" in text and "2025-12-31" in text


def test_a_shizhong_round_opened_in_may_is_refused_with_article_9(programmes):
    text = _errors(
        _round(
            programmes,
            "shizhong-chief-technician",
            opens_on=date(2024, 5, 6),
            closes_on=date(2024, 6, 30),
        )
    )
    assert "第九条(一)" in text and "第四季度" in text


def test_shizhong_quota_at_most_ten_and_one_selection_in_two_years(programmes):
    with pytest.raises(ValidationError, match="第四条"):
        _round(programmes, "shizhong-chief-technician", quota=11).full_clean()
    first = open_round(
        version=programmes["shizhong-chief-technician"],
        name="2024年度市中首席技师",
        year=2024,
        opens_on=date(2024, 10, 8),
        closes_on=date(2024, 11, 30),
        quota=10,
    )
    assert first.pk
    next_year = _round(
        programmes,
        "shizhong-chief-technician",
        year=2025,
        opens_on=date(2025, 10, 8),
        closes_on=date(2025, 11, 30),
    )
    text = _errors(next_year)
    assert "每2年评选一次" in text and "第四条" in text and "2024" in text
    assert Round.objects.filter(version__programme__code="shizhong-chief-technician").count() == 1


def test_the_craftsman_notice_governs_its_2024_round_only(programmes):
    _round(
        programmes,
        "shanghai-craftsman",
        opens_on=date(2024, 6, 12),
        closes_on=date(2024, 7, 15),
        quota=None,
    ).full_clean()
    text = _errors(
        _round(
            programmes,
            "shanghai-craftsman",
            year=2026,
            opens_on=date(2026, 6, 12),
            closes_on=date(2026, 7, 15),
            quota=None,
        )
    )
    assert "只适用于 2024 年度" in text


def test_a_qingpu_round_before_the_notice_is_in_force_is_refused(programmes):
    text = _errors(
        _round(
            programmes,
            "qingpu-chief-technician-subsidy",
            year=2020,
            opens_on=date(2020, 12, 10),
            closes_on=date(2020, 12, 31),
        )
    )
    assert "九1" in text and "2021-01-01" in text


def test_the_admin_form_refuses_with_the_clause_and_saves_nothing(programmes, client, login_as):
    login_as("admin")
    response = client.post(
        reverse("admin:programmes_round_add"),
        {
            "version": programmes["shizhong-chief-technician"].pk,
            "name": "2026年度市中首席技师",
            "year": 2026,
            "opens_on": "2026-10-08",
            "closes_on": "2026-11-30",
            "quota": 10,
            "status": "open",
        },
    )
    assert response.status_code == 200
    assert "第十六条" in response.content.decode()
    assert not Round.objects.filter(name="2026年度市中首席技师").exists()


@pytest.mark.parametrize(
    ("code", "unit", "on"),
    [
        ("shizhong-chief-technician", "shizhong_works", date(2026, 10, 15)),
        ("qingpu-chief-technician-subsidy", "qingpu_manufacturing", date(2020, 11, 15)),
    ],
)
def test_an_application_dated_outside_the_window_fails_policy_in_force(
    code, unit, on, make_round, make_application
):
    app = make_application(make_round(code), unit=unit)
    checks = {c.code: c for c in application_services.precheck(app, on=on)}
    assert checks["policy_in_force"].result == "fail"
    inside = {c.code: c for c in application_services.precheck(app, on=date(2024, 10, 15))}
    assert inside["policy_in_force"].result == "pass"


def test_each_rule_set_writes_how_named_awards_fare_after_the_text_expires(programmes):
    for version in programmes.values():
        reading = version.ruleset.identity.awards_after_expiry
        assert reading is not None and reading.reading and reading.source, version
