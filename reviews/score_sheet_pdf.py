"""The expert evaluation sheet as PDF, from the rule set's scoring: blank and filled.

Drawn with the declaration form's stylesheet (applications.pdf.FORM_CSS) by the portal's PDF
engine (portal.pdf_engine).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone

from applications.pdf import FORM_CSS, application_number, format_value, is_blank
from portal.pdf_engine import css_string, render_limited

SCORE_SHEET_TEMPLATE = "applications/pdf/score_sheet.html"


class NoScoreSheet(ValueError):
    """The programme's rule set has no evaluation sheet, score items or criteria."""


def _points(value) -> str:
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    return f"{number.normalize():f}" if number == number.to_integral() else f"{number:f}"


# Header cells of evaluation sheets and the form-field labels that answer them, beyond a label
# that equals, contains or is contained in the header.
HEADER_SYNONYMS = {
    "申报单位": ("单位名称", "工作单位", "申请单位"),
    "工种": ("职业（工种）", "从事专业", "工种"),
}


def _answers(header: str, label: str) -> bool:
    if label == header or label in header or header in label:
        return True
    return any(label.startswith(s) for s in HEADER_SYNONYMS.get(header, ()))


def header_values_of(ruleset, data: dict, *, street: str = "") -> dict[str, str]:
    """Values for the sheet's header cells, read from the declaration where a form field's
    label matches the header's (e.g. 技师姓名 ← 姓名, 等级 ← 最高技能等级); 所属街镇 from the street."""
    values: dict[str, str] = {}
    sheet = ruleset.scoring.sheet if ruleset.scoring else None
    for header in sheet.header if sheet else []:
        if street and ("街镇" in header or "街道" in header):
            values[header] = street
            continue
        for section in ruleset.form.sections:
            section_values = data.get(section.code)
            if section.kind != "fields" or not isinstance(section_values, dict):
                continue
            item = next((f for f in section.fields if _answers(header, f.label)), None)
            if item is not None and not is_blank(section_values.get(item.code)):
                values[header] = format_value(item, section_values.get(item.code), mask_id=True)
                break
    return values


def score_sheet_layout(
    ruleset,
    *,
    header_values: dict[str, str] | None = None,
    scores: dict[str, object] | None = None,
    notes: dict[str, str] | None = None,
    opinion: str = "",
    expert_name: str = "",
    signed_on: date | None = None,
) -> dict:
    """What the evaluation sheet shows: header cells, score items by indicator, criteria."""
    scoring = ruleset.scoring
    if scoring is None or not (scoring.sheet or scoring.indicators or scoring.criteria):
        raise NoScoreSheet(f"{ruleset.identity.name_zh}没有专家评审表")
    sheet = scoring.sheet
    header_values = header_values or {}
    scores = scores or {}
    notes = notes or {}
    headers = [
        {"label": label, "value": header_values.get(label, "")}
        for label in (sheet.header if sheet else [])
    ]
    rows = []
    categories = [indicator.category or "" for indicator in scoring.indicators]
    for index, indicator in enumerate(scoring.indicators):
        category = categories[index]
        first_of_category = index == 0 or categories[index - 1] != category
        category_span = 0
        if first_of_category:
            following = categories[index:]
            count = next((n for n, c in enumerate(following) if c != category), len(following))
            category_span = sum(len(i.items) for i in scoring.indicators[index : index + count])
        for position, item in enumerate(indicator.items):
            rows.append(
                {
                    "category": category,
                    "category_span": category_span if position == 0 else 0,
                    "indicator": indicator.title,
                    "indicator_span": len(indicator.items) if position == 0 else 0,
                    "code": item.code,
                    "title": item.title,
                    "guidance": item.guidance,
                    "max_points": item.max_points,
                    "score": _points(scores.get(item.code)),
                }
            )
    given = [Decimal(str(v)) for v in scores.values() if v not in (None, "")]
    return {
        "title": sheet.title if sheet else f"{ruleset.identity.name_zh}专家评审表",
        "header": [headers[i : i + 2] for i in range(0, len(headers), 2)],
        "rows": rows,
        "has_categories": any(categories),
        "total": scoring.total or sum(item.max_points for item in scoring.items),
        "score_total": _points(sum(given)) if given else "",
        "criteria": [
            {"title": c.title, "guidance": c.guidance or "", "note": notes.get(c.code, "")}
            for c in scoring.criteria
        ],
        "overall_opinion": sheet.overall_opinion if sheet else True,
        "signature": sheet.signature if sheet else True,
        "opinion": opinion,
        "expert_name": expert_name,
        "signed_on": f"{signed_on.year}年{signed_on.month}月{signed_on.day}日" if signed_on else "",
    }


def render_score_sheet_pdf(ruleset, *, number: str = "", **values) -> bytes:
    """The programme's expert evaluation sheet as PDF bytes: blank, or filled with
    `header_values`, `scores` (item code -> points), `notes` (criterion code -> text),
    `opinion`, `expert_name`, `signed_on` (see score_sheet_layout)."""
    sheet = score_sheet_layout(ruleset, **values)
    html = render_to_string(
        SCORE_SHEET_TEMPLATE,
        {
            "sheet": sheet,
            "header_left": css_string(ruleset.identity.name_zh),
            "header_right": css_string(f"申报编号：{number}" if number else ""),
        },
    )
    return render_limited(html, FORM_CSS)


def demo_scores(ruleset) -> dict[str, int]:
    """Plausible points for every score item (about 85% of each maximum), for the demo sheet."""
    if ruleset.scoring is None:
        return {}
    return {item.code: round(item.max_points * 0.85) for item in ruleset.scoring.items}


def render_expert_sheet_pdf(score_sheet) -> bytes:
    """One expert's filled evaluation sheet (reviews.models.ScoreSheet) as PDF bytes: the
    header from the declaration, the points per item and their sum, the opinion, the expert's
    name and the day it was submitted (blank date lines while it is a draft)."""
    assignment = score_sheet.assignment
    application = assignment.application
    ruleset = application.round.version.ruleset
    expert = assignment.expert
    submitted = score_sheet.submitted_at
    return render_score_sheet_pdf(
        ruleset,
        number=application_number(application),
        header_values=header_values_of(
            ruleset,
            application.data or {},
            street=application.street.name if application.street_id else "",
        ),
        scores={row.item: row.points for row in score_sheet.rows.all()},
        opinion=score_sheet.opinion,
        expert_name=expert.real_name or expert.get_username(),
        signed_on=timezone.localtime(submitted).date() if submitted else None,
    )
