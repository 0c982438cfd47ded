"""PDF rendering with WeasyPrint: A4 forms like the paper ones, with the CJK font embedded.

The renderer fetches nothing but the portal's own templates, styles and the configured font:
a `file://` or network address in user text is never followed (see `safe_url_fetcher`).
"""

from __future__ import annotations

import atexit
import logging
import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.template.loader import render_to_string

from applications.pdf_cache import cached_pdf

# WeasyPrint logs every layout step at INFO: noise in commands, workers and benchmarks.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class BlockedResource(ValueError):
    """A PDF tried to load something other than the portal's own font or styles."""


def allowed_files() -> set[Path]:
    font = Path(settings.PDF_FONT_PATH).resolve()
    return {font}


def _allowed(url: str) -> bool:
    if not url.startswith("file://"):
        return False
    path = Path(unquote(url.removeprefix("file://").split("?")[0])).resolve()
    pdf_static = (Path(settings.BASE_DIR) / "static" / "pdf").resolve()
    return path in allowed_files() or path.is_relative_to(pdf_static)


def safe_url_fetcher_class():
    """WeasyPrint's URLFetcher limited to the configured font and files under static/pdf."""
    from weasyprint.urls import URLFetcher

    class SafeURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not _allowed(url):
                raise BlockedResource(f"PDF 渲染不加载外部资源：{url[:80]}")
            return super().fetch(url, headers)

    return SafeURLFetcher


def safe_url_fetcher(url: str):
    """Fetch `url` if it is the configured font or a file under static/pdf; refuse the rest.

    Each rendering uses its own fetcher (`new_url_fetcher()`); this function serves one URL.
    """
    return new_url_fetcher()(url)


def new_url_fetcher():
    return safe_url_fetcher_class()(timeout=10)


def font_face_css() -> str:
    font = Path(settings.PDF_FONT_PATH).resolve()
    return (
        "@font-face { font-family: PortalSong; src: url(" + font.as_uri() + "); }\n"
        "@font-face { font-family: PortalSong; font-weight: bold; src: url("
        + font.as_uri()
        + "); }\n"
    )


# Parsed stylesheets and the font configuration are kept per thread for the life of the
# process: parsing the form's CSS and loading the CJK font face cost a tenth of a render, and
# neither changes between documents. Each thread has its own (WeasyPrint objects are not meant
# to be shared across threads); a test that changes PDF_FONT_PATH calls `reset_stylesheets()`.
_kept = threading.local()

# The form's stylesheet (the template `applications/pdf/form.css`), shared by the application
# form and the expert sheet; the per-document parts (page header strings) stay in the document.
FORM_CSS = "applications/pdf/form.css"


def reset_stylesheets() -> None:
    """Forget this thread's parsed stylesheets and font configuration."""
    _kept.__dict__.clear()


# Released before the interpreter tears its modules down (FontConfiguration's finaliser needs them).
atexit.register(reset_stylesheets)


def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    if getattr(_kept, "font_path", None) != settings.PDF_FONT_PATH:
        reset_stylesheets()
        _kept.font_path = settings.PDF_FONT_PATH
        _kept.font_config = FontConfiguration()
        _kept.stylesheets = {}
    return _kept.font_config


def stylesheet(css_template: str | None = None):
    """The parsed stylesheet of the portal's font faces plus, if given, a CSS template's text."""
    from weasyprint import CSS

    font_config = _font_config()
    sheets = _kept.stylesheets
    if css_template not in sheets:
        text = font_face_css() + (render_to_string(css_template) if css_template else "")
        sheets[css_template] = CSS(
            string=text,
            base_url=str(Path(settings.BASE_DIR) / "static" / "pdf") + "/",
            url_fetcher=new_url_fetcher(),
            font_config=font_config,
        )
    return sheets[css_template]


class PdfLimitExceeded(RuntimeError):
    """A render went past PDF_MAX_SECONDS or PDF_MAX_PAGES; the message is Chinese."""


@contextmanager
def pdf_limits():
    """Stop a render after PDF_MAX_SECONDS (an interval timer; in the main thread, as gunicorn's
    and Celery's workers render) and refuse a document of more than PDF_MAX_PAGES pages.

    Nested uses share the outer deadline.
    """
    seconds = settings.PDF_MAX_SECONDS
    armed = (
        seconds
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0
    )
    if not armed:
        yield
        return

    def expire(signum, frame):
        raise PdfLimitExceeded(
            f"生成 PDF 超过了{seconds}秒的时限，已停止。请减少内容（或分批导出）后重试。"
        )

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _check_pages(document):
    limit = settings.PDF_MAX_PAGES
    if limit and len(document.pages) > limit:
        raise PdfLimitExceeded(
            f"该 PDF 有{len(document.pages)}页，超过了{limit}页的上限，已停止生成。"
            "请减少内容（或分批导出）后重试。"
        )
    return document


def render_limited(html: str, css_template: str | None = None) -> bytes:
    """Lay out and write a document within PDF_MAX_SECONDS and PDF_MAX_PAGES."""
    with pdf_limits():
        return _check_pages(render_document(html, css_template)).write_pdf()


def html_document(html: str):
    """A WeasyPrint HTML document that may load only the font and files under static/pdf."""
    from weasyprint import HTML

    return HTML(
        string=html,
        base_url=str(Path(settings.BASE_DIR) / "static" / "pdf") + "/",
        url_fetcher=new_url_fetcher(),
    )


def render_document(html: str, css_template: str | None = None):
    """The laid-out document (pages) of `html` with the kept stylesheet of `css_template`."""
    return html_document(html).render(
        stylesheets=[stylesheet(css_template)], font_config=_font_config()
    )


def render_pdf(template_name: str, context: dict, css_template: str | None = None) -> bytes:
    """Render a template to PDF bytes (A4, the CJK font subset and embedded)."""
    return render_limited(render_to_string(template_name, context), css_template)


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


def _blank(value) -> bool:
    return value is None or value == "" or value == []


def format_value(item, value, *, mask_id: bool) -> str:
    """A stored value (the Application.data contract) as the paper form shows it."""
    from portal.identity import mask_id_number

    if _blank(value):
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


def _css_string(text: str) -> str:
    """A value for a CSS `content:` string (the page header)."""
    cleaned = "".join(ch for ch in text if ch.isprintable())
    return '"' + cleaned.replace("\\", "\\\\").replace('"', '\\"') + '"'


def form_html(layout: FormLayout, *, attachments_known: bool) -> str:
    header_number = f"申报编号：{layout.number}" if layout.number else ""
    return render_to_string(
        FORM_TEMPLATE,
        {
            "form": layout,
            "attachments_known": attachments_known,
            "header_left": _css_string(layout.programme),
            "header_right": _css_string(header_number),
            "printed_by": _css_string(layout.cover["printed_by"] if layout.cover else ""),
        },
    )


def form_document(ruleset, data: dict, **options):
    """The laid-out WeasyPrint document of a form (pages), for the PDF and the benchmark."""
    attachments = options.get("attachments")
    form = form_layout(ruleset, data, **options)
    html = form_html(form, attachments_known=attachments is not None)
    with pdf_limits():
        return _check_pages(render_document(html, FORM_CSS))


def render_form_data_pdf(
    ruleset,
    data: dict,
    *,
    year: int | None = None,
    number: str = "",
    attachments: dict[str, list[str]] | None = None,
    mask_id: bool = False,
    opinions: dict[str, dict] | None = None,
) -> bytes:
    """The application form of `ruleset` filled with `data` (Application.data) as PDF bytes.

    `year` fills the cover title's {year}; `number` is the application number in the page
    header; `attachments` maps checklist item codes to the names of the files uploaded (None:
    not known, e.g. a blank or demo form); `mask_id` shows ID numbers as 310***********1234;
    `opinions`: what was decided in the opinion boxes (see form_layout).
    """
    with pdf_limits():
        document = form_document(
            ruleset,
            data,
            year=year,
            number=number,
            attachments=attachments,
            mask_id=mask_id,
            opinions=opinions,
        )
        return document.write_pdf()


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
    from django.utils import timezone

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


# --- the expert evaluation sheet ----------------------------------------------------------------

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
            if item is not None and not _blank(section_values.get(item.code)):
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
            "header_left": _css_string(ruleset.identity.name_zh),
            "header_right": _css_string(f"申报编号：{number}" if number else ""),
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
    from django.utils import timezone

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
