"""Forms that tell, never cut (issue 17, 3): limits refused with a message and nothing lost,
submit errors that name the section and the table, uploads named with their real size."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import declaration, services
from tests.applications.conftest import as_post, pdf_bytes, upload_all

pytestmark = pytest.mark.django_db


def test_text_over_the_limit_is_kept_whole_and_refused_with_its_length(draft, persona, demo_data):
    user = persona("li_ming")
    ruleset = draft.round.version.ruleset
    data = demo_data(draft.round)
    data["achievements"]["summary"] = "技" * 240  # pasted into the 200-character 简介
    application, errors = services.save_draft(
        application=draft, post=as_post(ruleset, data), by=user
    )
    assert application.data["achievements"]["summary"] == "技" * 240  # all 240 kept
    assert errors["achievements-summary"] == ["简介最多200个字，现在有240个字"]
    upload_all(application, user)
    with pytest.raises(services.ApplicationError) as refused:
        services.submit_application(application=application, by=user)
    assert "achievements-summary" in refused.value.errors


def test_the_page_never_lets_the_browser_cut_a_text(draft, client, login_as):
    login_as("li_ming")
    page = client.get(reverse("applications:edit", args=[draft.pk])).content.decode()
    summary = page[page.index('name="achievements-summary"') - 300 :]
    summary = summary[: summary.index(">", 300) + 1]
    assert "maxlength" not in summary and 'data-max-length="200"' in summary
    assert "maxlength" not in page.split('id="declaration"')[1].split("</form>")[0]
    assert 'id="count-achievements-summary"' in page


def test_a_line_break_counts_once(songjiang_round):
    ruleset = songjiang_round.version.ruleset
    post = as_post(ruleset, {"achievements": {"summary": "一行\r\n" * 50}})  # 150 characters
    bound = declaration.Declaration.from_post(ruleset, post)
    assert "achievements-summary" not in bound.errors()
    assert bound.data()["achievements"]["summary"] == ("一行\n" * 50).strip()


def test_submit_errors_name_the_section_the_table_and_go_in_page_order(
    draft, client, login_as, demo_data
):
    login_as("li_ming")
    ruleset = draft.round.version.ruleset
    data = demo_data(draft.round)
    data["work_history"] = []
    data["person"]["mobile"] = ""
    post = as_post(ruleset, data, action="submit")
    response = client.post(reverse("applications:edit", args=[draft.pk]), post)
    assert response.status_code == 400
    listed = response.context["problem_list"]
    where = [p["where"] for p in listed]
    assert where[0] == "二、申报人员基本信息 · 手机号码"
    assert "三、主要工作经历和社会兼职（表格）" in where
    table = next(p for p in listed if p["anchor"] == "work_history")
    assert table["message"] == "“三、主要工作经历和社会兼职”表格至少填写 1 行"
    assert where.index("三、主要工作经历和社会兼职（表格）") < where.index(
        next(w for w in where if w.startswith("申报材料"))
    )  # the materials come last, as on the page
    page = response.content.decode()
    assert 'data-input="person-mobile"' in page
    assert (
        "三、主要工作经历和社会兼职（表格）</a>：“三、主要工作经历和社会兼职”表格至少填写 1 行"
        in page
    )


def test_a_tables_cell_is_named_with_its_row(songjiang_round):
    ruleset = songjiang_round.version.ruleset
    listed = declaration.problem_list(ruleset, {"work_history-1-started_on": ["请填写起始年月"]})
    assert listed[0]["where"] == "三、主要工作经历和社会兼职 第2行 · 起始年月"


def test_an_11_mb_file_is_reported_with_its_real_size(draft, client, login_as, settings):
    login_as("li_ming")
    settings.MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    big = SimpleUploadedFile(
        "扫描件.pdf", pdf_bytes() + b"0" * (11 * 1024 * 1024), "application/pdf"
    )
    response = client.post(
        reverse("applications:upload", args=[draft.pk]),
        {"item": "id_card", "file": big},
        follow=True,
    )
    page = response.content.decode()
    assert "“扫描件.pdf”：文件大小为11.0MB，超过了10MB的上限" in page
    assert "10.0MB" not in page
    # beside the upload form, not only at the top of the page
    assert page.index('id="upload-error"') < page.index("文件大小为11.0MB")
    assert draft.attachments.count() == 0


def test_the_form_title_has_its_year(draft, client, login_as):
    login_as("li_ming")
    page = client.get(reverse("applications:edit", args=[draft.pk])).content.decode()
    assert f"松江区首席技师（{draft.round.year}年）申报表" in page
    assert "{year}" not in page
