"""The declaration's form as PDF: A4 like the paper form, drawn from the rule set.

The engine (WeasyPrint, stylesheets, fonts, limits) is portal.pdf_engine; the expert's
evaluation sheet is reviews.score_sheet_pdf. The engine's names stay importable from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone

from applications.pdf_cache import cached_pdf
from portal.identity import mask_id_number
from portal.pdf_engine import (
    BlockedResource,
    PdfLimitExceeded,
    check_pages,
    css_string,
    pdf_limits,
    render_document,
    render_limited,
    render_pdf,
    reset_stylesheets,
    safe_url_fetcher,
    stylesheet,
)

__all__ = [
    "FORM_CSS",
    "BlockedResource",
    "PdfLimitExceeded",
    "application_number",
    "form_layout",
    "form_title",
    "pdf_limits",
    "render_application_pdf",
    "render_form_data_pdf",
    "render_limited",
    "render_pdf",
    "reset_stylesheets",
    "safe_url_fetcher",
    "stylesheet",
]

# The form's stylesheet (the template `applications/pdf/form.css`), shared by the application
# form and the expert sheet; the per-document parts (page header strings) stay in the document.
FORM_CSS = "applications/pdf/form.css"

# --- the application form ----------------------------------------------------------------------
#
# The layout is read from the rule set (cover, instructions, sections in paper order, opinions,
# checklist): `form_layout` turns a rule set and an Application.data dict into plain rows and
# cells, the template only draws them. Nothing here or in the templates names a programme.

FORM_TEMPLATE = "applications/pdf/form.html"
# Choices with at most this many options are drawn as the paper form's boxes (■ chosen, □ not).
BOXED_CHOICES = 6
BOXED_MULTICHOICES = 10
# Fields whose value is drawn across the whole row of a fields section.
WIDE_TYPES = ("multichoice",)
LONG_TYPES = ("textarea",)
# A table drawn with fewer rows than this gets blank rows, as on paper.
MIN_TABLE_ROWS = 3
# How much room each column type gets in a repeating table (relative weights).
COLUMN_WEIGHTS = {
    "date": 2.8,
    "integer": 1.3,
    "decimal": 2.6,
    "bool": 1.4,
    "choice": 2.2,
    "multichoice": 3.0,
    "id_number": 3.6,
    "credit_code": 3.6,
    "bank_account": 3.6,
    "phone": 2.6,
    "email": 3.0,
}


@dataclass(frozen=True)
class Cell:
    label: str
    value: str
    wide: bool = False
    boxes: tuple[tuple[str, bool], ...] = ()

    @property
    def stacked(self) -> bool:
        """Options too long to stand side by side: one per line."""
        return any(len(label) > 14 for label, _ in self.boxes)


@dataclass(frozen=True)
class LongText:
    label: str
    value: str
    limit: str = ""


@dataclass
class SectionLayout:
    title: str
    kind: str
    help: str = ""
    # fields: a list of parts, each ("grid", [[Cell, Cell?], ...]) or ("long", LongText)
    parts: list = field(default_factory=list)
    # table: column labels with widths (percent), rows of cell strings
    columns: list = field(default_factory=list)
    rows: list = field(default_factory=list)


@dataclass
class FormLayout:
    title: str
    programme: str
    number: str
    cover: dict | None
    instructions: dict | None
    sections: list[SectionLayout]
    opinions: list[dict]
    checklist: list[dict]


def is_blank(value) -> bool:
    return value is None or value == "" or value == []


def format_value(item, value, *, mask_id: bool) -> str:
    """A stored value (the Application.data contract) as the paper form shows it."""
    if is_blank(value):
        return ""
    kind = item.type
    if kind == "id_number":
        return mask_id_number(str(value)) if mask_id else str(value)
    if kind == "bool":
        return "是" if value is True else "否" if value is False else str(value)
    if kind == "date":
        try:
            day = date.fromisoformat(str(value))
        except ValueError:
            return str(value)
        return f"{day.year}年{day.month}月{day.day}日"
    if kind in ("choice", "multichoice"):
        labels = {c.code: c.label for c in item.choices}
        values = value if isinstance(value, list) else [value]
        return "；".join(labels.get(str(v), str(v)) for v in values)
    text = str(value)
    if kind in ("integer", "decimal") and item.suffix:
        text = f"{text} {item.suffix}"
    return text


def _boxes(item, value) -> tuple[tuple[str, bool], ...]:
    """The options of a short choice or a bool as the paper form's boxes, chosen ones marked."""
    if item.type == "bool":
        return (("是", value is True), ("否", value is False))
    chosen = set(value if isinstance(value, list) else [value])
    limit = BOXED_CHOICES if item.type == "choice" else BOXED_MULTICHOICES
    if item.type not in ("choice", "multichoice") or len(item.choices) > limit:
        return ()
    return tuple((c.label, c.code in chosen) for c in item.choices)


def _limit_note(item) -> str:
    if item.target_length:
        return f"（{item.target_length}字左右）"
    if item.max_length and item.type in LONG_TYPES:
        return f"（限{item.max_length}字）"
    return ""


def _fields_parts(section, values: dict, *, mask_id: bool) -> list:
    parts: list = []
    pending: list[Cell] = []

    def flush():
        if pending:
            rows, row = [], []
            for cell in pending:
                if cell.wide:
                    if row:
                        rows.append(row)
                        row = []
                    rows.append([cell])
                    continue
                row.append(cell)
                if len(row) == 2:
                    rows.append(row)
                    row = []
            if row:
                rows.append(row)
            parts.append(("grid", rows))
            pending.clear()

    for item in section.fields:
        value = values.get(item.code) if isinstance(values, dict) else None
        if item.type in LONG_TYPES:
            flush()
            parts.append(
                (
                    "long",
                    LongText(
                        item.label, format_value(item, value, mask_id=mask_id), _limit_note(item)
                    ),
                )
            )
            continue
        boxes = _boxes(item, value)
        text = format_value(item, value, mask_id=mask_id)
        wide = (
            item.type in WIDE_TYPES
            or len(item.label) > 14
            or len(text) > 16
            or (boxes and sum(len(label) + 2 for label, _ in boxes) > 16)
        )
        pending.append(Cell(item.label, text, wide=wide, boxes=boxes))
    flush()
    return parts


def _table_parts(section, rows: list, *, mask_id: bool) -> tuple[list, list]:
    weights = []
    for column in section.columns:
        if column.type in COLUMN_WEIGHTS:
            weights.append(COLUMN_WEIGHTS[column.type])
        else:
            weights.append(max(2.4, min(6.0, (column.max_length or 100) / 20)))
    total = sum(weights) + 0.8
    columns = [{"label": "序号", "width": round(80 / total, 2)}] + [
        {"label": column.label, "width": round(100 * w / total, 2)}
        for column, w in zip(section.columns, weights, strict=True)
    ]
    drawn = []
    for index, row in enumerate(rows if isinstance(rows, list) else []):
        if not isinstance(row, dict):
            continue
        drawn.append(
            [str(index + 1)]
            + [format_value(c, row.get(c.code), mask_id=mask_id) for c in section.columns]
        )
    while len(drawn) < MIN_TABLE_ROWS:
        drawn.append([""] * (len(section.columns) + 1))
    return columns, drawn


def form_title(ruleset, year: int | None) -> str:
    """The form's title: the cover's, with {year}; or the programme's name and 申报表."""
    form = ruleset.form
    if form.cover:
        return form.cover.title.replace("{year}", str(year) if year else "    ")
    return f"{ruleset.identity.name_zh}申报表"


def form_layout(
    ruleset,
    data: dict,
    *,
    year: int | None = None,
    number: str = "",
    attachments: dict[str, list[str]] | None = None,
    mask_id: bool = False,
    opinions: dict[str, dict] | None = None,
) -> FormLayout:
    """What the form's PDF shows, in paper order; pure (no database, no clock).

    `opinions` maps an opinion box's code to what was decided there ({"text", "by", "on"}),
    for an application already reviewed; a box without one is left blank for hand and stamp.
    """
    form = ruleset.form
    data = data if isinstance(data, dict) else {}
    cover = None
    if form.cover:
        lines = []
        for line in form.cover.lines:
            value = ""
            if line.field:
                item = form.field(line.field)
                section_code, _, field_code = line.field.partition(".")
                section_values = data.get(section_code)
                if item is not None and isinstance(section_values, dict):
                    value = format_value(item, section_values.get(field_code), mask_id=mask_id)
            lines.append({"label": line.label, "value": value})
        cover = {
            "title": form_title(ruleset, year),
            "number_label": form.cover.number_label or "",
            "lines": lines,
            "printed_by": form.cover.printed_by or "",
        }
    instructions = None
    if form.instructions:
        instructions = {"title": form.instructions.title, "items": list(form.instructions.items)}
    # A section whose every field is a line of the cover is shown on the cover only.
    on_cover = {line.field for line in form.cover.lines if line.field} if form.cover else set()
    sections = []
    for section in form.sections:
        if section.kind == "fields" and all(
            f"{section.code}.{item.code}" in on_cover for item in section.fields
        ):
            continue
        layout = SectionLayout(title=section.title, kind=section.kind, help=section.help or "")
        values = data.get(section.code)
        if section.kind == "fields":
            layout.parts = _fields_parts(section, values or {}, mask_id=mask_id)
        else:
            layout.columns, layout.rows = _table_parts(section, values or [], mask_id=mask_id)
        sections.append(layout)
    decided = opinions or {}
    opinion_boxes = [
        {
            "title": o.title,
            "stamp": o.stamp,
            "signature": o.signature,
            "decided": decided.get(o.code),
        }
        for o in form.opinions
    ]
    uploaded = attachments or {}
    checklist = [
        {
            "number": index,
            "title": item.title,
            "note": item.note or "",
            "required": item.required,
            "uploaded": list(uploaded.get(item.code, [])),
        }
        for index, item in enumerate(form.checklist, start=1)
    ]
    return FormLayout(
        title=form_title(ruleset, year),
        programme=ruleset.identity.name_zh,
        number=number,
        cover=cover,
        instructions=instructions,
        sections=sections,
        opinions=opinion_boxes,
        checklist=checklist,
    )


def form_html(layout: FormLayout, *, attachments_known: bool) -> str:
    header_number = f"申报编号：{layout.number}" if layout.number else ""
    return render_to_string(
        FORM_TEMPLATE,
        {
            "form": layout,
            "attachments_known": attachments_known,
            "header_left": css_string(layout.programme),
            "header_right": css_string(header_number),
            "printed_by": css_string(layout.cover["printed_by"] if layout.cover else ""),
        },
    )


def form_document(ruleset, data: dict, **options):
    """The laid-out WeasyPrint document of a form (pages), for the PDF and the benchmark."""
    attachments = options.get("attachments")
    form = form_layout(ruleset, data, **options)
    html = form_html(form, attachments_known=attachments is not None)
    with pdf_limits():
        return check_pages(render_document(html, FORM_CSS))


def render_form_data_pdf(ruleset, data: dict, **options) -> bytes:
    """The application form of `ruleset` filled with `data` (Application.data) as PDF bytes.

    The options are form_layout's: `year` fills the cover title's {year}; `number` is the
    application number in the page header; `attachments` maps checklist item codes to the names
    of the files uploaded (None: not known, e.g. a blank or demo form); `mask_id` shows ID
    numbers as 310***********1234; `opinions`: what was decided in the opinion boxes.
    """
    with pdf_limits():
        return form_document(ruleset, data, **options).write_pdf()


def application_number(application) -> str:
    """The number printed on an application's form: the round's year and the application id."""
    return f"{application.round.year}-{application.pk:06d}"


def application_attachments(application) -> dict[str, list[str]]:
    uploaded: dict[str, list[str]] = {}
    for attachment in application.attachments.order_by("item", "uploaded_at"):
        uploaded.setdefault(attachment.item, []).append(attachment.original_name)
    return uploaded


# Stages whose decision is not the opinion of the box's signer (a publicity ran its course, a
# credit check, the experts' scores, the naming).
NOT_OPINION_KINDS = frozenset(
    {
        "nomination",
        "internal_publicity",
        "publicity",
        "credit_check",
        "expert_scoring",
        "expert_review",
        "interview",
        "release_meeting",
        "naming",
    }
)
DECISION_ACTIONS = {"passed": "通过", "rejected": "不通过"}


def opinion_stages(ruleset) -> dict[str, set[str]]:
    """For each opinion box, the workflow stages whose decision is that box's opinion: stages
    of the box's role and scope (else of its role), not publicity, scoring or naming."""
    stages = [s for s in ruleset.workflow.stages if s.kind not in NOT_OPINION_KINDS]
    found = {}
    for opinion in ruleset.form.opinions:
        same_scope = {s.code for s in stages if s.role == opinion.role and s.scope == opinion.scope}
        found[opinion.code] = same_scope or {s.code for s in stages if s.role == opinion.role}
    return found


def decided_opinions(application) -> dict[str, dict]:
    """The latest pass or reject in each opinion box's stages, with its note, who and when."""
    ruleset = application.round.version.ruleset
    wanted = opinion_stages(ruleset)
    events = (
        application.events.filter(action__in=DECISION_ACTIONS)
        .select_related("actor")
        .order_by("at", "id")
    )
    decided: dict[str, dict] = {}
    for event in events:
        for code, stages in wanted.items():
            if event.from_stage in stages:
                actor = event.actor
                decided[code] = {
                    "text": event.note or DECISION_ACTIONS[event.action],
                    "by": (actor.real_name or actor.get_username()) if actor else "",
                    "on": timezone.localtime(event.at).date(),
                }
    return decided


def render_application_pdf(application, *, mask_id: bool = False, version=None) -> bytes:
    """An application's form as PDF bytes, under the rule-set version of its round.

    `mask_id`: True for every viewer who may not see full ID numbers
    (portal.roles.sees_full_identity decides). `version`: one of the application's frozen
    ApplicationVersions, drawn with the data and rule-set version it was submitted with.
    A submitted form is rendered once per set of inputs and then read from the PDF cache
    (applications.pdf_cache); a draft, which changes with every keystroke, is always drawn anew.
    """
    if version is not None:
        if version.application_id != application.pk:
            raise ValueError("version of another application")
        ruleset_version = version.ruleset_version
        data = version.data or {}
        number = f"{application_number(application)}（第{version.number}版）"
    else:
        ruleset_version = application.round.version
        data = application.data or {}
        number = application_number(application)
    inputs = {
        "year": application.round.year,
        "number": number,
        "attachments": application_attachments(application),
        "mask_id": mask_id,
        "opinions": decided_opinions(application),
    }

    def render() -> bytes:
        return render_form_data_pdf(ruleset_version.ruleset, data, **inputs)

    if version is None and application.status == application.Status.DRAFT:
        return render()
    material = {"form": ruleset_version.pk, "digest": ruleset_version.digest, "data": data}
    return cached_pdf({**material, **inputs}, render)
