"""Each programme's declaration in a real browser, over two sittings, to the PDF.

Sitting 1: the applicant opens the round, picks the channel, types into the form (autosaved),
and sees a fail from the live pre-check. The browser is closed. Sitting 2: they sign in again,
find everything they typed, correct the fail, see a warn where the rule set has one and explain
it, upload the materials, submit, and download the PDF: its text holds what was typed and the
CJK font is embedded.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from portal.demo import DEMO_PASSWORD
from tests.applications.conftest import as_post, pdf_bytes
from tests.browser.conftest import wait_for_mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass
class Case:
    user: str
    channel: str
    unit: str  # part of the unit's name
    text: tuple[str, str]  # a long text typed in the browser
    fail: tuple[str, str, str]  # input, value that fails, the check it fails
    fixed: str  # the value that passes again
    warn: tuple[str, str, str] | None = None  # input, value, the check it warns
    org: bool = False
    extra: dict = field(default_factory=dict)


CASES = {
    "songjiang-chief-technician": Case(
        "li_ming",
        "unit",
        "松江精密",
        (
            "achievements-summary",
            "长期在数控加工一线攻关精密主轴，带徒十二名，推广五轴联动新工艺。",
        ),
        ("person-birth_date", "1958-01-10", "legal_working_age"),
        "1980-06-15",
        ("person-skill_level", "senior_worker", "skill_level"),
    ),
    "shanghai-craftsman": Case(
        "li_ming",
        "union",
        "松江精密",
        (
            "statements-craftsmanship_understanding",
            "工匠精神就是精益求精、专注坚守，把每一个零件做到极致。",
        ),
        ("person-union_member", "false", "union_member"),
        "true",
        ("person-nationality", "US", "nationality"),
    ),
    "shizhong-chief-technician": Case(
        "li_ming",
        "unit",
        "精工机械",  # the apply page offers only Shizhong's units (issue 12)
        ("deeds-deeds", "二十年扎根生产一线，主持攻克液压阀体加工难题，年节约成本三百余万元。"),
        ("person-skill_level", "senior_worker", "skill_level"),
        "technician",
        ("person-birth_date", "1970-01-15", "max_age"),
    ),
    "songjiang-training-base": Case(
        "gu_base",
        "unit",
        "培训中心",
        (
            "training_record-record_and_plan",
            "近三年开展数控车工、电工等高技能培训六十二期，培训两千三百人次。",
        ),
        ("organisation-district", "other", "organisation_district"),
        "songjiang",
        org=True,
    ),
    "qingpu-chief-technician-subsidy": Case(
        "gu_base",
        "unit",
        "培训中心",
        (
            "project_tasks-innovation_tasks",
            "围绕智能产线改造开展关键工艺攻关，形成三项操作法并在行业推广。",
        ),
        ("organisation-district", "other", "organisation_district"),
        "qingpu",
        org=True,
    ),
}


@pytest.fixture
def programme_rounds(demo_people):
    from tests.applications.conftest import open_every_round

    return open_every_round()


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名 / 手机号 / 邮箱").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/workbench/")


def _set(page, name, value):
    locator = page.locator(f'[name="{name}"]')
    if locator.evaluate("e => e.tagName") == "SELECT":
        locator.select_option(value)
    else:
        locator.fill(value)


def _wait_saved(page):
    page.wait_for_function(
        "() => document.getElementById('save-state').textContent.includes('已自动保存')"
    )


def _check(page, code):
    return page.locator(f'#checks [data-check="{code}"]').get_attribute("data-result")


@pytest.mark.parametrize("code", list(CASES))
def test_declaration_over_two_sittings_to_the_pdf(
    code, browser, live_server, programme_rounds, tmp_path, request, celery_worker
):
    from applications import services
    from applications.declaration import prefilled
    from applications.demo_data import demo_form_data
    from applications.models import Application
    from portal.models import Role, Unit
    from portal.roles import grant
    from programmes.ruleset import in_force_on
    from tests.browser.conftest import ARTIFACTS

    case = CASES[code]
    round = programme_rounds[code]
    ruleset = round.version.ruleset
    unit = Unit.objects.filter(name__contains=case.unit).first()
    if case.channel == "union":
        unit.union.held_own_selection = True
        unit.union.save()
    if case.org:
        from django.contrib.auth import get_user_model

        grant(get_user_model().objects.get(username=case.user), Role.APPLICANT_ORG, unit=unit)

    # --- sitting 1 ---------------------------------------------------------------------------
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        _sign_in(page, live_server, case.user)
        page.goto(f"{live_server.url}/")
        page.locator(f'a[href="/rounds/{round.pk}/apply/"]').first.click()
        page.get_by_label("推荐方式").select_option(case.channel)
        page.locator('[name="unit"]').select_option(str(unit.pk))
        page.get_by_role("button", name="开始填写").click()
        page.wait_for_url("**/edit/")
        application = Application.objects.get(round=round, applicant__username=case.user)
        # The rest of the form comes from the demo data, as if typed in an earlier sitting;
        # the name, ID number and contact stay the account's own (prefilled).
        data = prefilled(
            ruleset,
            demo_form_data(ruleset, on=timezone.localdate()),
            services.known_of(application),
            overwrite=True,
        )
        services.save_draft(
            application=application, post=as_post(ruleset, data), by=application.applicant
        )
        page.reload()
        text_input, text = case.text
        _set(page, text_input, text)
        _set(page, case.fail[0], case.fail[1])
        _wait_saved(page)
        page.wait_for_function(
            f"() => document.querySelector('#checks [data-check=\"{case.fail[2]}\"]')"
            f"?.dataset.result === 'fail'"
        )
        assert _check(page, case.fail[2]) == "fail"
    except Exception:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-1.png"), full_page=True)
        raise
    finally:
        context.close()  # the browser closes: nothing typed may be lost

    # --- sitting 2 ---------------------------------------------------------------------------
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        _sign_in(page, live_server, case.user)
        page.goto(f"{live_server.url}/applications/{application.pk}/edit/")
        assert page.locator(f'[name="{text_input}"]').input_value() == text
        _set(page, case.fail[0], case.fixed)
        if case.warn:
            _set(page, case.warn[0], case.warn[1])
        _wait_saved(page)
        page.wait_for_function(
            f"() => document.querySelector('#checks [data-check=\"{case.fail[2]}\"]')"
            f"?.dataset.result !== 'fail'"
        )
        if case.warn:
            assert _check(page, case.warn[2]) == "warn"
            page.locator(f"#warn-{case.warn[2]}").fill("已获市级技能大赛一等奖，单位同意推荐。")
            _wait_saved(page)
        # Submitting without the materials names each missing one.
        page.get_by_role("button", name="提交申报").click()
        assert page.locator("#submit-problems").is_visible()
        assert page.locator(f'[name="{text_input}"]').input_value() == text
        scan = tmp_path / "scan.pdf"
        scan.write_bytes(pdf_bytes())
        for item in ruleset.form.checklist:
            if not item.required:
                continue
            page.locator("#id_item").select_option(item.code)
            page.locator("#id_file").set_input_files(str(scan))
            page.locator("#upload-form").get_by_role("button", name="上传").click()
            page.wait_for_selector(f"#material-{item.code} .bi-check-circle-fill")
        assert "必交材料已齐全" in page.locator("#materials").inner_text()
        page.get_by_role("button", name="提交申报").click()
        if not in_force_on(ruleset, timezone.localdate()):
            # A text no longer in force today (青浦 九1, 市中 第十六条: to 2025-12-31) takes no
            # application: the submission is refused with the clause, the draft kept whole.
            problems = page.locator("#submit-problems")
            problems.wait_for()
            assert ruleset.identity.in_force_source in problems.inner_text()
            assert page.locator(f'[name="{text_input}"]').input_value() == text
            application.refresh_from_db()
            assert application.status == Application.Status.DRAFT
            return
        page.get_by_text("申报已提交").wait_for()
        assert f"/applications/{application.pk}/" in page.url
        with page.expect_download() as download:
            page.get_by_role("link", name="下载申报表（PDF）").click()
        pdf_path = tmp_path / "form.pdf"
        download.value.save_as(pdf_path)
    except Exception:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-2.png"), full_page=True)
        raise
    finally:
        context.close()

    application.refresh_from_db()
    assert application.status == Application.Status.IN_REVIEW
    if application.applicant.email:  # the notice, sent after commit by the real Celery worker
        wait_for_mail(celery_worker, "申报已提交")
    version = application.versions.get()
    assert version.data[text_input.split("-")[0]][text_input.split("-", 1)[1]] == text
    if case.warn:
        assert version.warn_reasons[case.warn[2]].startswith("已获市级技能大赛")
    pdf_text = subprocess.run(
        ["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    squeezed = "".join(pdf_text.split())
    assert "".join(text.split())[:20] in squeezed
    fonts = subprocess.run(
        ["pdffonts", str(pdf_path)], capture_output=True, text=True, check=True
    ).stdout
    # The CJK font (a CID TrueType font), embedded and subset: "emb sub" both "yes".
    cjk = [line.split() for line in fonts.splitlines()[2:] if "CID TrueType" in line]
    assert cjk, fonts
    assert all(parts[-5:-3] == ["yes", "yes"] for parts in cjk), fonts
