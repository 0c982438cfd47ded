"""The expert evaluation sheet as PDF, from the rule set's scoring: blank and filled."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from applications.demo_data import demo_form_data
from reviews.score_sheet_pdf import (
    NoScoreSheet,
    demo_scores,
    header_values_of,
    render_score_sheet_pdf,
    score_sheet_layout,
)
from tests.applications.test_pdf import pdf_fonts, pdf_text, ruleset, squeeze


def test_blank_songjiang_sheet_has_every_item_with_its_maximum_and_the_total(tmp_path):
    rs = ruleset("songjiang-chief-technician")
    text = pdf_text(render_score_sheet_pdf(rs), tmp_path)
    assert squeeze(rs.scoring.sheet.title) in text
    for header in rs.scoring.sheet.header:
        assert header in text
    for item in rs.scoring.items:
        assert squeeze(f"{item.code}{item.title}") in text
    assert "合计100" in text
    assert "评审专家（签名）" in text
    fonts = pdf_fonts(render_score_sheet_pdf(rs), tmp_path)
    assert all(font[-5] == "yes" and font[-4] == "yes" for font in fonts)


def test_filled_sheet_shows_scores_sum_header_opinion_and_signature(tmp_path):
    rs = ruleset("songjiang-chief-technician")
    data = demo_form_data(rs, on=date(2026, 11, 25))
    scores = demo_scores(rs)
    scores["A1"] = "4.5"
    content = render_score_sheet_pdf(
        rs,
        header_values=header_values_of(rs, data, street="车墩镇"),
        scores=scores,
        opinion="业绩突出，同意推荐。",
        expert_name="吴海峰",
        signed_on=date(2026, 11, 25),
    )
    text = pdf_text(content, tmp_path)
    layout = score_sheet_layout(rs, scores=scores)
    assert layout["score_total"] == "80.5"
    assert "10080.5" in text  # the total points and the expert's sum
    assert "车墩镇" in text and "李明" in text and "上海松江精密机械有限公司" in text
    assert "业绩突出，同意推荐。" in text and "吴海峰" in text and "2026年11月25日" in text
    # the ID number never appears on an expert's sheet
    assert data["person"]["id_number"] not in text


def test_criteria_sheet_of_the_training_base(tmp_path):
    rs = ruleset("songjiang-training-base")
    text = pdf_text(render_score_sheet_pdf(rs, notes={"governance": "制度健全"}), tmp_path)
    assert "专家评估意见" in text
    for criterion in rs.scoring.criteria:
        assert squeeze(criterion.title) in text
    assert "制度健全" in text


def test_a_programme_without_scoring_has_no_sheet():
    rs = ruleset("shizhong-chief-technician").model_copy(update={"scoring": None})
    with pytest.raises(NoScoreSheet):
        render_score_sheet_pdf(rs)


@pytest.mark.django_db
def test_render_form_sheet_option(tmp_path):
    out = tmp_path / "sheet.pdf"
    call_command("render_form", "songjiang-chief-technician", "--sheet", "--demo", "-o", str(out))
    text = pdf_text(out.read_bytes(), tmp_path)
    assert "松江区首席技师选拔与培养专家评审表" in text and "吴海峰" in text


def test_an_experts_filled_sheet_from_the_review(db, persona, tmp_path):
    from django.utils import timezone

    from portal.models import Region
    from reviews.models import Assignment, Panel, ScoreRow, ScoreSheet
    from reviews.score_sheet_pdf import render_expert_sheet_pdf
    from tests.applications.test_pdf import make_application

    application = make_application(
        "songjiang-chief-technician",
        persona("li_ming"),
        street=Region.objects.get(code="songjiang-chedun"),
    )
    panel = Panel.objects.create(
        round=application.round, stage="expert_scoring", created_by=persona("chen_office")
    )
    assignment = Assignment.objects.create(
        panel=panel,
        application=application,
        expert=persona("expert_a"),
        method="manual",
        assigned_by=persona("chen_office"),
    )
    sheet = ScoreSheet.objects.create(
        assignment=assignment,
        opinion="技能精湛，带徒成效显著。",
        total=9,
        submitted_at=timezone.now(),
    )
    ScoreRow.objects.create(sheet=sheet, item="A1", points=5)
    ScoreRow.objects.create(sheet=sheet, item="A2", points=4)
    text = pdf_text(render_expert_sheet_pdf(sheet), tmp_path)
    assert "技能精湛，带徒成效显著。" in text and "吴海峰" in text and "车墩镇" in text
    assert "合计100" in text
    layout = score_sheet_layout(
        application.round.version.ruleset, scores={r.item: r.points for r in sheet.rows.all()}
    )
    assert layout["score_total"] == "9"
    assert [row["score"] for row in layout["rows"][:3]] == ["5", "4", ""]
    assert f"申报编号：2026-{application.pk:06d}" in text
    assert application.data["person"]["id_number"] not in text
