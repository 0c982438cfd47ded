"""Issue 17 in Chromium with the demo data: a real ID number registers and the declaration starts
from the account; the form tells instead of cutting; a return points at what to fix and a
phone-only applicant hears of it (in-app and SMS) and of the pass that follows."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from portal.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(live_server, demo_people):
    call_command("load_demo", stdout=io.StringIO())
    return live_server


def _sign_in(page, base, username, password=DEMO_PASSWORD):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名 / 手机号 / 邮箱").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/workbench/")


def _sms(capfd) -> list[str]:
    return [line for line in capfd.readouterr().out.splitlines() if line.startswith("SMS to ")]


def test_a_real_id_registers_the_form_is_prefilled_and_tells_instead_of_cutting(
    page, demo, tmp_path
):
    from programmes.models import Round

    base = demo.url
    # 1. Registration with a Songjiang number of someone born in 1980 (code in use since 1998)
    page.goto(f"{base}/accounts/register/")
    page.locator('[name="account"]').fill("13912345670")
    page.locator('[name="real_name"]').fill("沈建国")
    page.locator('[name="id_number"]').fill("310117198005123459")
    page.locator('[name="password1"]').fill("Gongjiang#2024")
    page.locator('[name="password2"]').fill("Gongjiang#2024")
    page.get_by_role("button", name="注册").click()
    # Issue 16: registration no longer signs the account in; the person signs in next
    page.wait_for_url("**/accounts/register/done/")
    assert page.get_by_role("heading", name="注册申请已受理").is_visible()
    _sign_in(page, base, "13912345670", "Gongjiang#2024")

    # 2. The declaration starts from the account, the channel and the unit
    round_ = Round.objects.get(version__programme__code="songjiang-chief-technician")
    page.goto(f"{base}/rounds/{round_.pk}/apply/")
    page.get_by_label("推荐方式").select_option("unit")
    page.locator('[name="unit"]').select_option(label="上海松江精密机械有限公司")
    page.get_by_role("button", name="开始填写").click()
    page.wait_for_url("**/edit/")
    assert page.get_by_role("heading", name=f"松江区首席技师（{round_.year}年）申报表").is_visible()
    assert page.locator('[name="person-name"]').input_value() == "沈建国"
    assert page.locator('[name="person-id_number"]').input_value() == "310117198005123459"
    assert page.locator('[name="person-birth_date"]').input_value() == "1980-05-12"
    assert page.locator('[name="person-mobile"]').input_value() == "13912345670"
    assert page.locator('[name="cover-nomination_channel"]').input_value() == "unit"

    # 3. 240 characters pasted into the 200-character 简介: all kept, counted, refused
    summary = page.locator('[name="achievements-summary"]')
    summary.fill("技" * 240)
    counter = page.locator("#count-achievements-summary")
    assert "已输入 240 字" in counter.inner_text() and "超出 40 字" in counter.inner_text()
    assert summary.input_value() == "技" * 240
    page.wait_for_function(
        "() => document.getElementById('err-achievements-summary').textContent"
        ".includes('简介最多200个字，现在有240个字')"
    )

    # 4. Someone else's name: the submission is refused, each problem named, the first focused
    page.locator('[name="person-name"]').fill("张伟")
    page.get_by_role("button", name="提交申报").click()
    problems = page.locator("#submit-problems")
    problems.wait_for()
    listed = problems.inner_text()
    assert "二、申报人员基本信息 · 姓名：姓名“张伟”与账号实名“沈建国”不一致" in listed
    assert re.search(r"（表格）：“[^”]+”表格至少填写 \d+ 行", listed)
    assert listed.index("二、申报人员基本信息") < listed.index("申报材料 ·")
    first = problems.locator("[data-input]").first.get_attribute("data-input")
    assert page.evaluate("() => document.activeElement.name") == first
    assert "与账号实名“沈建国”不一致" in page.locator("#err-person-name").inner_text()
    assert page.locator('[name="achievements-summary"]').input_value() == "技" * 240

    # 5. An 11 MB scan is named with its own size, beside the upload form, and not sent
    big = tmp_path / "扫描件.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * (11 * 1024 * 1024) + b"\n%%EOF\n")
    page.locator("#id_file").set_input_files(str(big))
    message = page.locator("#upload-error").inner_text()
    assert "文件大小为11.0MB，超过了10MB的上限" in message


def test_a_return_points_at_the_material_and_the_phone_only_applicant_hears_of_it(
    browser, demo, capfd
):
    from applications.models import Application

    base = demo.url
    application = Application.objects.get(
        applicant__username="demo_zhang",
        round__version__programme__code="songjiang-chief-technician",
    )
    assert not application.applicant.email and application.applicant.phone  # phone only
    capfd.readouterr()

    street = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    reviewer = street.new_page()
    _sign_in(reviewer, base, "zhao_street")
    reviewer.goto(f"{base}/reviews/")
    row = reviewer.locator(f'tr[data-application="{application.pk}"]')
    row.get_by_role("link", name="审核").click()
    reviewer.get_by_label("退回修改", exact=True).check()
    reviewer.get_by_role("button", name="提交决定").click()  # no field named: refused
    assert reviewer.get_by_text("至少指明一项需修改的字段或材料").first.is_visible()
    reviewer.get_by_label("退回修改", exact=True).check()
    reviewer.select_option('select[name="reason_field_0"]', "material.id_card")
    reviewer.fill('input[name="reason_text_0"]', "身份证复印件不清晰，请重新扫描上传")
    reviewer.select_option('select[name="reason_field_1"]', "person.mobile")
    reviewer.fill('input[name="reason_text_1"]', "手机号码无法接通")
    reviewer.get_by_role("button", name="提交决定").click()
    reviewer.get_by_text("退回修改").first.wait_for()
    (text,) = [line for line in _sms(capfd) if line.startswith("SMS to 13800000011")]
    assert "[returned]" in text and "身份证复印件不清晰，请重新扫描上传" in text

    applicant = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    phone = applicant.new_page()
    _sign_in(phone, base, "demo_zhang")
    from portal.models import Message

    unread = Message.objects.filter(recipient=application.applicant, read_at__isnull=True)
    assert phone.locator("#unread-count").inner_text() == str(unread.count())  # the demo's too
    phone.locator("#nav-messages").click()
    newest = phone.locator("#message-list li").first
    assert "退回修改" in newest.inner_text() and "身份证复印件不清晰" in newest.inner_text()
    newest.get_by_role("link").click()
    phone.wait_for_url(f"**/applications/{application.pk}/")
    phone.get_by_role("link", name="修改后重新提交").click()
    phone.wait_for_url("**/edit/")
    beside_material = phone.locator('[data-reason-for="material-id_card"]')
    assert "身份证复印件不清晰，请重新扫描上传" in beside_material.inner_text()
    assert phone.locator("#material-id_card").locator("[data-reason-for]").count() == 1
    field = phone.locator('[data-field="person-mobile"]')
    assert "手机号码无法接通" in field.locator(".return-reason").inner_text()
    phone.locator('[name="person-mobile"]').fill("13800000021")
    phone.get_by_role("button", name="提交申报").click()
    phone.get_by_text("申报已提交").wait_for()
    capfd.readouterr()

    reviewer.goto(f"{base}/reviews/applications/{application.pk}/")
    reviewer.get_by_label("通过", exact=True).check()
    reviewer.get_by_role("button", name="提交决定").click()
    reviewer.get_by_text("通过").first.wait_for()
    (text,) = [line for line in _sms(capfd) if line.startswith("SMS to 13800000011")]
    assert "[passed]" in text and "已通过" in text
    phone.goto(f"{base}/messages/")
    assert phone.locator("#message-list [data-unread='1']").count() >= 1
    # the returned version keeps its reasons
    phone.goto(f"{base}/applications/{application.pk}/versions/1/")
    assert (
        "身份证复印件不清晰，请重新扫描上传"
        in phone.locator("#version-return-reasons").inner_text()
    )
    street.close()
    applicant.close()
