"""The application form as PDF: each programme's demo form, what the text shows, the font,
masking, the real application (its attachments), safety of user text, and `render_form`.

PDFs are checked the way a reader would: `pdftotext` for the text (selectable), `pdffonts` for
the CJK font (embedded, subset).
"""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from applications.demo_data import demo_form_data
from applications.pdf import form_title, render_application_pdf, render_form_data_pdf
from programmes.loader import RULESET_DIR
from programmes.ruleset import load_ruleset

CODES = (
    "songjiang-chief-technician",
    "qingpu-chief-technician-subsidy",
    "songjiang-training-base",
    "shanghai-craftsman",
    "shizhong-chief-technician",
)
ON = date(2026, 11, 25)


def ruleset(code):
    return load_ruleset(RULESET_DIR / f"{code}.yaml")


def pdf_text(content: bytes, tmp_path: Path) -> str:
    """The PDF's text as pdftotext extracts it, without white space (lines break anywhere)."""
    path = tmp_path / "form.pdf"
    path.write_bytes(content)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return "".join(out.stdout.decode("utf-8").split())


def pdf_fonts(content: bytes, tmp_path: Path) -> list[list[str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(content)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True)
    return [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]


def drawn_sections(rs) -> list[str]:
    on_cover = {line.field for line in rs.form.cover.lines} if rs.form.cover else set()
    return [
        s.title
        for s in rs.form.sections
        if not (s.kind == "fields" and all(f"{s.code}.{f.code}" in on_cover for f in s.fields))
    ]


def squeeze(text: str) -> str:
    return "".join(text.split())


def typed_values(rs, data) -> dict[str, str]:
    """A name, a table cell and the start of the longest text of the demo declaration."""
    values = {}
    for section in rs.form.sections:
        value = data[section.code]
        if section.kind == "table" and value and "table_cell" not in values:
            text_columns = [c for c in section.columns if c.type == "text"]
            if text_columns:
                values["table_cell"] = value[0][text_columns[0].code]
        elif section.kind == "fields":
            for item in section.fields:
                if item.code in ("name", "unit_name") and "name" not in values:
                    values["name"] = value[item.code]
    longest = max(
        (
            data[s.code][f.code]
            for s in rs.form.sections
            if s.kind == "fields"
            for f in s.fields
            if f.type == "textarea"
        ),
        key=len,
    )
    values["long_text_start"] = longest[:30]
    values["long_text_end"] = longest[-30:]
    return values


@pytest.mark.parametrize("code", CODES)
def test_each_programme_demo_form_shows_what_was_typed_in_the_cjk_font(code, tmp_path):
    rs = ruleset(code)
    data = demo_form_data(rs, on=ON)
    content = render_form_data_pdf(rs, data, year=2026, number="2026-000007")
    assert content.startswith(b"%PDF")
    text = pdf_text(content, tmp_path)
    assert squeeze(form_title(rs, 2026)) in text
    for what, value in typed_values(rs, data).items():
        assert squeeze(value) in text, what
    # every section title in paper order, the opinion boxes and the page numbers
    # (a section whose fields are all on the cover is drawn on the cover only)
    cursor = text.find(squeeze(form_title(rs, 2026)) + squeeze(drawn_sections(rs)[0]))
    for title in drawn_sections(rs):
        cursor = text.find(squeeze(title), cursor)
        assert cursor != -1, f"section {title} missing or out of order"
    for opinion in rs.form.opinions:
        assert squeeze(opinion.title) in text
    assert "第2页共" in text
    assert "申报编号：2026-000007" in text
    fonts = pdf_fonts(content, tmp_path)
    assert fonts, "no font in the PDF"
    for font in fonts:
        name, emb, sub = font[0], font[-5], font[-4]
        assert "+" in name and emb == "yes" and sub == "yes", font
    assert any("PortalSong" in font[0] for font in fonts)


def test_cover_and_instructions_come_from_the_rule_set(tmp_path):
    rs = ruleset("songjiang-chief-technician")
    data = demo_form_data(rs, on=ON)
    text = pdf_text(render_form_data_pdf(rs, data, year=2024), tmp_path)
    assert "松江区首席技师（2024年）申报表" in text
    assert "松江区企业职工职业培训工作协调小组印制" in text
    assert squeeze(rs.form.instructions.title) in text
    for item in rs.form.instructions.items[:3]:
        assert squeeze(item) in text
    assert "推荐方式" in text and "单位推荐" in text
    # the opinion boxes have the stamp and date lines; the checklist is there
    assert text.count("（盖章）") == len(rs.form.opinions)
    assert squeeze(rs.form.checklist[0].title) in text


def test_long_text_flows_onto_further_pages_in_full(tmp_path):
    rs = ruleset("songjiang-chief-technician")
    data = demo_form_data(rs, on=ON)
    data["achievements"]["details"] = "\n".join(
        f"第{n}段：" + "在数控加工一线岗位攻克关键技术难题，带徒传技成效显著。" * 6
        for n in range(1, 40)
    )
    text = pdf_text(render_form_data_pdf(rs, data, year=2026), tmp_path)
    for n in (1, 20, 39):
        assert f"第{n}段：在数控加工一线岗位" in text


def test_id_number_is_masked_when_asked(tmp_path):
    rs = ruleset("songjiang-chief-technician")
    data = demo_form_data(rs, on=ON)
    full = data["person"]["id_number"]
    masked = full[:3] + "*" * 11 + full[-4:]
    text = pdf_text(render_form_data_pdf(rs, data, year=2026, mask_id=True), tmp_path)
    assert full not in text and masked in text
    text = pdf_text(render_form_data_pdf(rs, data, year=2026, mask_id=False), tmp_path)
    assert full in text


def test_missing_values_and_empty_tables_still_draw_the_form(tmp_path):
    rs = ruleset("shanghai-craftsman")
    text = pdf_text(render_form_data_pdf(rs, {}, year=2024), tmp_path)
    assert "2024年度“上海工匠”申报审批表" in text
    for title in drawn_sections(rs):
        assert squeeze(title) in text


def test_addresses_in_user_text_are_never_fetched(tmp_path, caplog):
    rs = ruleset("shizhong-chief-technician")
    data = demo_form_data(rs, on=ON)
    hostile = '<img src="file:///etc/passwd"><link rel=stylesheet href="http://127.0.0.1:9/x.css">'
    data["deeds"]["deeds"] = hostile
    text = pdf_text(render_form_data_pdf(rs, data, year=2026), tmp_path)
    assert "file:///etc/passwd" in text  # shown as the text it is
    assert "root:" not in text
    assert "127.0.0.1:9" in text


# --- the application in the database ------------------------------------------------------------


@pytest.fixture
def songjiang_application(db, persona):
    return make_application("songjiang-chief-technician", persona("li_ming"))


def make_application(code, applicant, *, street=None, status="in_review", year=2026):
    """An application of the demo data to a round of `code` (the rule set loaded if need be)."""
    from applications.models import Application
    from programmes.loader import load_files
    from programmes.models import Programme, Round

    if not Programme.objects.filter(code=code).exists():
        load_files([RULESET_DIR / f"{code}.yaml"])
    version = Programme.objects.get(code=code).latest_version
    round_, _ = Round.objects.get_or_create(
        version=version,
        name=f"{year}年度{version.programme.name}",
        defaults={
            "year": year,
            "opens_on": date(year, 1, 1),
            "closes_on": date(year, 12, 31),
            "status": Round.Status.OPEN,
        },
    )
    return Application.objects.create(
        round=round_,
        applicant=applicant,
        status=status,
        street=street,
        data=demo_form_data(version.ruleset, on=ON),
    )


def test_application_pdf_lists_its_uploaded_materials(songjiang_application, persona, tmp_path):
    from applications.models import Attachment

    application = songjiang_application
    Attachment.objects.create(
        application=application,
        item="id_card",
        file="attachments/x/abc.pdf",
        original_name="李明身份证正反面.pdf",
        content_type="application/pdf",
        size=1000,
        sha256="0" * 64,
        uploaded_by=persona("li_ming"),
    )
    text = pdf_text(render_application_pdf(application), tmp_path)
    assert "李明身份证正反面.pdf" in text
    assert "未上传" in text  # the other items of the checklist
    assert f"申报编号：2026-{application.pk:06d}" in text
    assert "松江区首席技师（2026年）申报表" in text
    full = application.data["person"]["id_number"]
    assert full in text
    assert full not in pdf_text(render_application_pdf(application, mask_id=True), tmp_path)


def test_render_form_command_demo_and_application(songjiang_application, tmp_path):
    out = tmp_path / "demo.pdf"
    call_command("render_form", "shanghai-craftsman", "--demo", "-o", str(out))
    assert "上海工匠" in pdf_text(out.read_bytes(), tmp_path)
    out = tmp_path / "blank.pdf"
    call_command("render_form", "songjiang-training-base", "--blank", "-o", str(out))
    text = pdf_text(out.read_bytes(), tmp_path)
    assert "松江区高技能人才培养基地申报表" in text and "申请单位法人代表" in text
    out = tmp_path / "app.pdf"
    call_command("render_form", "--application", str(songjiang_application.pk), "-o", str(out))
    assert "李明" in pdf_text(out.read_bytes(), tmp_path)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args",
    [
        ["no-such-programme", "--demo"],
        ["../fixtures/programmes/shanghai-craftsman", "--demo"],
        ["--application", "987654"],
        [],
    ],
)
def test_render_form_command_refuses_unknown_code_or_id(args, tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("render_form", *args, "-o", str(tmp_path / "x.pdf"))
    assert caught.value.returncode == 2
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(caught.value))
    assert not (tmp_path / "x.pdf").exists()


def test_decided_opinions_fill_their_boxes(songjiang_application, persona, tmp_path):
    """A decision at the unit's stage is the unit's opinion; publicity is no one's opinion."""
    from applications.models import ApplicationEvent

    application = songjiang_application
    ApplicationEvent.objects.create(
        application=application,
        actor=persona("wang_hr"),
        action="passed",
        from_stage="unit_discussion",
        to_stage="internal_publicity",
        note="经单位集体讨论，同意推荐。",
        internal_note="内部备注不上表",
    )
    ApplicationEvent.objects.create(
        application=application,
        actor=persona("chen_office"),
        action="passed",
        from_stage="publicity",
        to_stage="final_approval",
        note="公示期满无异议",
    )
    text = pdf_text(render_application_pdf(application), tmp_path)
    assert "经单位集体讨论，同意推荐。" in text and "经办人：王芳" in text
    assert "内部备注不上表" not in text
    assert "公示期满无异议" not in text
    assert text.count("（盖章）") == 3  # every box keeps its stamp line


def test_malformed_data_never_breaks_the_form(tmp_path):
    """Data of the wrong shape (an old draft, a hand edit) is drawn as text, never a crash."""
    rs = ruleset("songjiang-chief-technician")
    data = {
        "person": {
            "name": 12345,
            "birth_date": "not a date",
            "gender": ["male", "female"],
            "studio_established": "yes",
            "professional_conditions": "front_line_key_skills",
            "id_number": None,
        },
        "work_history": {"started_on": "2020-01-01"},
        "awards": ["a row that is not a mapping", {"project": "有效的一行", "rank": "一"}],
        "achievements": ["not", "a", "mapping"],
        "unknown_section": {"x": "y"},
    }
    text = pdf_text(render_form_data_pdf(rs, data, year=2026), tmp_path)
    assert "12345" in text and "notadate" in text and "有效的一行" in text


def test_a_frozen_version_is_drawn_with_its_own_data(songjiang_application, persona, tmp_path):
    from django.utils import timezone

    from applications.models import ApplicationVersion

    application = songjiang_application
    frozen = {**application.data, "person": {**application.data["person"], "name": "李明初稿"}}
    version = ApplicationVersion.objects.create(
        application=application,
        number=1,
        data=frozen,
        ruleset_version=application.round.version,
        submitted_at=timezone.now(),
        submitted_by=persona("li_ming"),
    )
    text = pdf_text(render_application_pdf(application, version=version), tmp_path)
    assert "李明初稿" in text and "（第1版）" in text
    assert "李明初稿" not in pdf_text(render_application_pdf(application), tmp_path)


def test_the_fetcher_serves_the_font_and_nothing_else(settings):
    from applications.pdf import BlockedResource, safe_url_fetcher

    font = Path(settings.PDF_FONT_PATH).resolve().as_uri()
    response = safe_url_fetcher(font)
    assert response.read(4)
    response.close()
    for url in (
        "file:///etc/passwd",
        "file:///usr/share/fonts/truetype/arphic/../../../../../etc/passwd",
        "http://127.0.0.1:9/x.css",
        "https://example.com/font.ttf",
        "data:text/css,body{}",
    ):
        with pytest.raises(BlockedResource):
            safe_url_fetcher(url)
