"""The office keeps its programmes' rule sets in the portal: upload, check, compare, try,
approve with four eyes, retire, open a round; another authority's office sees nothing (404)."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from portal.models import Region, Role
from portal.roles import grant
from programmes import rule_versions as service
from programmes.loader import RULESET_DIR
from programmes.models import Programme, ProgrammeVersion, Round

CODE = "songjiang-chief-technician"
pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(demo_people):
    call_command("load_programmes", verbosity=0, stdout=io.StringIO())
    return Programme.objects.get(code=CODE)


@pytest.fixture
def second_office(django_user_model):
    """Another office user of the Songjiang bureau (the four-eyes approver)."""
    user = django_user_model.objects.create_user("lin_office", password="x", real_name="林清")
    grant(user, Role.DISTRICT_OFFICE, region=Region.objects.get(code="songjiang"))
    return user


@pytest.fixture
def qingpu_office(django_user_model):
    user = django_user_model.objects.create_user("qp_office", password="x", real_name="青浦经办")
    grant(user, Role.DISTRICT_OFFICE, region=Region.objects.get(code="qingpu"))
    return user


def songjiang_text() -> str:
    return (RULESET_DIR / f"{CODE}.yaml").read_text(encoding="utf-8")


def broken_text() -> str:
    """A duplicate key, an unknown check code, a stage of an unknown kind, a date not a date."""
    text = songjiang_text()
    text = text.replace(
        "  name_en: Songjiang District Chief Technician",
        "  name_en: Songjiang District Chief Technician\n  name_en: Again",
        1,
    )
    text = text.replace(
        "\n    - code: employer_district\n      severity",
        "\n    - code: no_such_check\n      severity",
        1,
    )
    text = text.replace("      kind: street_review\n", "      kind: street_party\n", 1)
    return text.replace("  in_force_from: 2024-03-13", "  in_force_from: 2024-13-45", 1)


def test_an_invalid_upload_shows_every_problem_with_its_line_and_stores_nothing(
    loaded, client, persona
):
    client.force_login(persona("chen_office"))
    before = ProgrammeVersion.objects.count()
    response = client.post(
        reverse("programmes:upload", kwargs={"code": CODE}),
        {"file": SimpleUploadedFile("next.yaml", broken_text().encode())},
    )
    assert response.status_code == 400
    problems = response.context["problems"]
    assert len(problems) == 4, problems
    page = response.content.decode()
    for expected in (
        "键“name_en”重复（第12行）",
        "identity.in_force_from：“2024-13-45”不是有效日期",
        "eligibility.checks[0].code：未登记的检查“no_such_check”",
        "workflow.stages[3].kind：“street_party”不是允许的值",
    ):
        assert expected in page
    assert all("行）" in p for p in problems)  # every message names its line
    assert ProgrammeVersion.objects.count() == before


def test_an_upload_of_the_same_rules_or_another_programme_is_refused(loaded, client, persona):
    client.force_login(persona("chen_office"))
    url = reverse("programmes:upload", kwargs={"code": CODE})
    same = client.post(url, {"file": SimpleUploadedFile("same.yaml", songjiang_text().encode())})
    assert "与第1版完全相同" in same.content.decode()
    other = (RULESET_DIR / "songjiang-training-base.yaml").read_text(encoding="utf-8")
    response = client.post(url, {"file": SimpleUploadedFile("other.yaml", other.encode())})
    assert "与本项目“songjiang-chief-technician”不一致" in response.content.decode()
    assert Programme.objects.get(code=CODE).versions.count() == 1


def changed_copy(programme, by, *, amount="1200.00", quota=30):
    base = programme.latest_version
    params = service.parameters_of(base.ruleset)
    params.amounts["monthly_allowance"] = Decimal(amount)
    params.quota = quota
    return service.copy_version(version=base, params=params, by=by, note="津贴调整")


def test_a_copy_is_compared_in_words_and_its_payment_scenarios_marked_changed(loaded, persona):
    programme = loaded
    draft = changed_copy(programme, persona("chen_office"))
    assert draft.state == ProgrammeVersion.State.DRAFT and draft.number == 2
    assert "1200.00" in draft.source_text and draft.source_text.startswith("# 由第1版复制")
    base, changes = service.compare(draft)
    assert base.number == 1
    assert [c.text for c in changes] == [
        "评审评分·名额·名额：25 → 30",
        "待遇金额·发放项目 monthly_allowance（工作津贴）·金额：1000.00 → 1200.00",
    ]
    trials = {t.name: t for t in service.try_scenarios(draft)}
    assert len(trials) >= 20
    full_term = trials["songjiang-11-full-term.yaml"]
    assert full_term.status == "changed"
    assert full_term.changes == ("待遇：36 笔，共 36000.00 元 → 36 笔，共 43200.00 元",)
    # Eligibility-only scenarios are unchanged by a new amount.
    assert trials["songjiang-04-one-day-short.yaml"].status == "pass"
    assert not [t for t in trials.values() if t.status == "failed"]


def test_an_uploaded_scenario_with_a_key_given_twice_fails_its_trial_with_the_line(loaded, persona):
    text = songjiang_text().replace(
        "  name_en: Songjiang District Chief Technician",
        "  name_en: Songjiang District Chief Technician (trial)",
        1,
    )
    scenario = (
        "programme: songjiang-chief-technician\n"
        "applied_on: 2024-05-10\n"
        "channel: unit\n"
        "channel: self\n"
        "applicant: {birth_date: 1970-03-15, retirement_category: male}\n"
        "until: 2025-12-31\n"
    )
    draft = service.upload_version(
        programme=loaded,
        text=text,
        by=persona("chen_office"),
        source_name="trial.yaml",
        scenarios=[{"name": "twice.yaml", "text": scenario}],
    )
    trial = next(t for t in service.try_scenarios(draft) if t.name == "twice.yaml")
    assert trial.status == "failed"
    assert trial.changes == ("键“channel”重复（第4行）",)


def test_four_eyes_then_new_rounds_use_the_new_version_and_open_rounds_keep_theirs(
    loaded, persona, second_office
):
    programme = loaded
    old = programme.latest_version
    open_round = Round.objects.create(
        version=old,
        name="2026年度松江区首席技师选拔",
        year=2026,
        opens_on=date(2026, 3, 1),
        closes_on=date(2026, 12, 31),
        status=Round.Status.OPEN,
    )
    office = persona("chen_office")
    draft = changed_copy(programme, office)
    with pytest.raises(ValidationError, match="已生效的规则版本"):  # no round on a draft
        service.open_round(
            version=draft,
            name="x",
            year=2028,
            opens_on=date(2028, 3, 1),
            closes_on=date(2028, 4, 1),
            quota=None,
            by=office,
        )
    with pytest.raises(service.RuleVersionError, match="只有待审核的版本"):
        service.approve_version(version=draft, by=second_office)
    service.submit_version(version=draft, by=office)
    with pytest.raises(service.RuleVersionError, match="上传人不能审核"):
        service.approve_version(version=draft, by=office)
    draft.refresh_from_db()
    assert draft.state == ProgrammeVersion.State.PENDING
    approved = service.approve_version(version=draft, by=second_office)
    assert (approved.state, approved.approved_by) == (ProgrammeVersion.State.ACTIVE, second_office)
    assert approved.approved_at is not None
    # who activated it, and when, is in the security audit log
    from portal.models import AuditLog

    logged = AuditLog.objects.filter(
        object_type="programmes.programmeversion", object_id=str(approved.pk)
    )
    assert [(r.actor, r.detail) for r in logged.order_by("at", "id")] == [
        ("chen_office", "规则第2版提交审核"),
        ("lin_office", "规则第2版审核生效"),
    ]
    assert programme.latest_version == approved

    new_round = service.open_round(
        version=approved,
        name="2028年度松江区首席技师选拔",
        year=2028,
        opens_on=date(2028, 3, 1),
        closes_on=date(2028, 4, 30),
        quota=30,
        by=office,
    )
    open_round.refresh_from_db()
    assert open_round.version == old and new_round.version == approved
    assert old.ruleset.benefits.schedules[0].amount == Decimal("1000.00")
    assert new_round.version.ruleset.benefits.schedules[0].amount == Decimal("1200.00")

    # simulate without a pinned version follows the version in force; pinned, the old one.
    scenario = __import__("pathlib").Path(service.SCENARIO_DIR) / "songjiang-11-full-term.yaml"
    out = io.StringIO()
    call_command("simulate", str(scenario), "--format", "json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["version"] == 2
    assert {p["amount"] for p in result["payments"] if p["kind"] == "monthly_allowance"} == {
        "1200.00"
    }

    # Retired: no new round on it; the rules never change.
    service.retire_version(version=approved, by=office)
    with pytest.raises(ValidationError, match="停用"):
        service.open_round(
            version=ProgrammeVersion.objects.get(pk=approved.pk),
            name="y",
            year=2030,
            opens_on=date(2030, 3, 1),
            closes_on=date(2030, 4, 1),
            quota=None,
            by=office,
        )
    with pytest.raises(ValidationError):
        ProgrammeVersion.objects.get(pk=approved.pk).save()


PAGES = [
    ("get", "programmes:rules", {}),
    ("get", "programmes:copy", {}),
    ("get", "programmes:version", {"number": 1}),
    ("get", "programmes:new_round", {"number": 1}),
    ("post", "programmes:act", {"number": 1, "action": "retire"}),
    ("post", "programmes:upload", {}),
]


@pytest.mark.parametrize(("method", "name", "kwargs"), PAGES)
def test_the_rules_pages_are_the_programmes_own_office_only(
    loaded, client, persona, qingpu_office, method, name, kwargs
):
    url = reverse(name, kwargs={"code": CODE, **kwargs})
    for outsider in (
        qingpu_office,
        persona("zhao_street"),
        persona("li_ming"),
        persona("sun_finance"),
    ):
        client.force_login(outsider)
        assert getattr(client, method)(url).status_code == 404, outsider
    assert ProgrammeVersion.objects.get(programme__code=CODE, number=1).state == "active"
    client.force_login(persona("chen_office"))
    if method == "get":
        assert client.get(url).status_code == 200


def test_the_qingpu_office_keeps_its_own_programme_and_not_songjiangs(
    loaded, qingpu_office, persona
):
    mine = {p.code for p in service.managed_programmes(qingpu_office)}
    assert mine == {"qingpu-chief-technician-subsidy", "qingpu-chief-technician-additional-funding"}
    assert CODE in {p.code for p in service.managed_programmes(persona("chen_office"))}
    assert "qingpu-chief-technician-subsidy" not in {
        p.code for p in service.managed_programmes(persona("chen_office"))
    }


def test_the_workbench_and_the_admin_link_to_the_rules_page(loaded, client, persona):
    client.force_login(persona("chen_office"))
    url = reverse("programmes:rules", kwargs={"code": CODE})
    assert url in client.get(reverse("workbench")).content.decode()
    client.force_login(persona("admin"))
    assert url in client.get(reverse("admin:programmes_programme_changelist")).content.decode()


def test_the_pre_check_follows_each_rounds_version(loaded, persona, second_office):
    """A copy in force only from 2027: the same declaration dated 2026-06-01 passes the text in
    force check in the round on the old version and fails it in the round on the new one."""
    from applications.demo_data import demo_form_data
    from applications.models import Application
    from applications.services import precheck

    programme = loaded
    old = programme.latest_version
    office = persona("chen_office")
    params = service.parameters_of(old.ruleset)
    params.in_force_from = date(2027, 1, 1)
    draft = service.copy_version(version=old, params=params, by=office)
    service.submit_version(version=draft, by=office)
    new = service.approve_version(version=draft, by=second_office)
    rounds = {
        version.number: Round.objects.create(
            version=version,
            name=f"第{version.number}版批次",
            year=2027,
            opens_on=date(2027, 1, 1),
            closes_on=date(2027, 12, 31),
            status=Round.Status.OPEN,
        )
        for version in (old, new)
    }
    data = demo_form_data(old.ruleset, on=date(2026, 6, 1))
    results = {}
    for number, round_ in rounds.items():
        application = Application.objects.create(
            round=round_, applicant=persona("li_ming"), channel="self", data=data
        )
        checks = {c.code: c.result for c in precheck(application, on=date(2026, 6, 1))}
        results[number] = checks["policy_in_force"]
    assert results == {old.number: "pass", new.number: "fail"}


def test_a_round_the_text_forbids_is_refused_on_the_rules_page_with_its_clause(
    loaded, client, persona
):
    """Shizhong's measure ends on 2025-12-31 (第十六条): no round in 2026 from its rules page."""
    client.force_login(persona("shizhong_office"))
    version = Programme.objects.get(code="shizhong-chief-technician").latest_version
    url = reverse(
        "programmes:new_round",
        kwargs={"code": "shizhong-chief-technician", "number": version.number},
    )
    before = Round.objects.count()
    response = client.post(
        url,
        {
            "name": "2026年度市中区首席技师选拔",
            "year": 2026,
            "opens_on": "2026-10-08",
            "closes_on": "2026-11-30",
            "quota": 10,
        },
    )
    assert response.status_code == 400
    assert "第十六条" in response.content.decode()
    assert Round.objects.count() == before
    own = reverse("programmes:rules", kwargs={"code": "shizhong-chief-technician"})
    assert client.get(own).status_code == 200
    client.force_login(persona("chen_office"))
    assert client.get(url).status_code == 404
