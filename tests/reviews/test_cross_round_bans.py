"""Findings that bar later rounds: the craftsman's 3 years after false information (五(三)) and
Shizhong's unit that loses its right to nominate (第十四条(三))."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from applications import services as application_services
from portal.models import Union
from reviews import services


def _check(app, on):
    return {c.code: c for c in application_services.precheck(app, on=on)}["not_barred"]


def test_the_craftsman_ban_refuses_a_barred_person_and_unit_in_a_later_round(
    make_round, make_application, persona
):
    union = Union.objects.get(code="songjiang-ftu")
    earlier = make_round("shanghai-craftsman", year=2024)
    app = make_application(earlier, unit="songjiang_machinery", channel="union", union=union)
    colleague_app = make_application(
        earlier, unit="songjiang_machinery", channel="union", union=union
    )
    services.record_finding(
        application=app,
        rule="false_information",
        against="person",
        found_on=date(2024, 8, 1),
        note="获奖证书系伪造",
        by=persona("admin"),
    )
    later = make_round("shanghai-craftsman", name="2026年度上海工匠", year=2026)
    again = make_application(
        later, unit="songjiang_training", channel="union", union=union, applicant=app.applicant
    )
    check = _check(again, date(2026, 6, 20))
    assert check.result == "fail" and check.source == "五(三)"
    assert "3年内" in check.message and "申报人" in check.message
    assert _check(again, date(2027, 8, 1)).result == "pass"  # three years are over
    # the person's colleague is not barred: the finding was against the person
    other = make_application(later, unit="songjiang_machinery", channel="union", union=union)
    assert _check(other, date(2026, 6, 20)).result == "pass"
    assert colleague_app.pk != other.pk
    # only the programme's organiser records findings: not another authority's office, not HR
    for username in ("chen_office", "wang_hr"):
        with pytest.raises(PermissionDenied):
            services.record_finding(
                application=colleague_app,
                rule="false_information",
                against="unit",
                found_on=date(2024, 8, 1),
                note="x",
                by=persona(username),
            )
    assert _check(other, date(2026, 6, 20)).result == "pass"


def test_the_unit_barred_for_false_information_nominates_no_one(
    make_round, make_application, persona
):
    union = Union.objects.get(code="songjiang-ftu")
    earlier = make_round("shanghai-craftsman", year=2024)
    app = make_application(earlier, unit="songjiang_machinery", channel="union", union=union)
    services.record_finding(
        application=app,
        rule="false_information",
        against="unit",
        found_on=date(2024, 8, 1),
        note="单位推荐材料虚报",
        by=persona("admin"),
    )
    later = make_round("shanghai-craftsman", name="2026年度上海工匠", year=2026)
    colleague = make_application(later, unit="songjiang_machinery", channel="union", union=union)
    check = _check(colleague, date(2026, 6, 20))
    assert check.result == "fail" and "所在单位" in check.message
    elsewhere = make_application(later, unit="songjiang_training", channel="union", union=union)
    assert _check(elsewhere, date(2026, 6, 20)).result == "pass"


def test_a_shizhong_unit_at_fault_loses_its_right_to_nominate(
    make_round, make_application, persona
):
    earlier = make_round("shizhong-chief-technician", year=2022)
    app = make_application(earlier, unit="shizhong_works")
    with pytest.raises(services.ReviewError, match="不针对"):
        services.record_finding(
            application=app,
            rule="unit_at_fault_end_of_term",
            against="person",
            found_on=date(2024, 12, 1),
            note="x",
            by=persona("admin"),
        )
    services.record_finding(
        application=app,
        rule="unit_at_fault_end_of_term",
        against="unit",
        found_on=date(2024, 12, 1),
        note="期满评估不合格，单位未落实培养条件",
        by=persona("admin"),
    )
    later = make_round("shizhong-chief-technician", name="2024年度", year=2024)
    nominee = make_application(later, unit="shizhong_works")
    check = _check(nominee, date(2025, 10, 15))
    assert check.result == "fail" and check.source == "第十四条(三)"
    assert _check(nominee, date(2024, 11, 30)).result == "pass"  # before the finding
    problems = application_services.submission_problems(nominee, on=date(2025, 10, 15))
    assert any("第十四条(三)" in p for p in problems[""])


def test_the_office_records_a_finding_from_the_admin_list(
    make_round, make_application, client, login_as, persona
):
    from applications.models import Finding

    union = Union.objects.get(code="songjiang-ftu")
    app = make_application(
        make_round("shanghai-craftsman", year=2024),
        unit="songjiang_machinery",
        channel="union",
        union=union,
    )
    url = "/admin/applications/application/"
    action = {"action": "record_finding_selected", "_selected_action": [app.pk], "apply": "1"}
    login_as("chen_office")  # Songjiang's district office does not run the craftsman round
    client.post(
        url,
        {**action, "rule": "false_information", "against": "person", "found_on": "2024-08-01",
         "note": "证书伪造"},
        follow=True,
    )  # fmt: skip
    assert not Finding.objects.exists()
    login_as("admin")
    response = client.post(url, {**action, "rule": "false_information", "against": "person",
                                 "found_on": "2024-13-01", "note": "证书伪造"})  # fmt: skip
    assert "请输入有效日期" in response.content.decode()  # shown beside the field, text kept
    assert "证书伪造" in response.content.decode()
    client.post(
        url,
        {**action, "rule": "false_information", "against": "person", "found_on": "2024-08-01",
         "note": "证书伪造"},
        follow=True,
    )  # fmt: skip
    finding = Finding.objects.get()
    assert (finding.person, finding.rule, finding.found_on) == (
        app.applicant,
        "false_information",
        date(2024, 8, 1),
    )
