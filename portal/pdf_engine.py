"""The portal's PDF engine (WeasyPrint): A4 documents with the CJK font embedded, the parsed
stylesheets and font configuration kept across renders, and the limits of one render.

The renderer fetches nothing but the portal's own templates, styles and the configured font:
a `file://` or network address in user text is never followed (see `safe_url_fetcher`).
Used by the declaration's form (applications.pdf), the expert's sheet
(reviews.score_sheet_pdf) and the payment statements.
"""

from __future__ import annotations

import atexit
import logging
import signal
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.template.loader import render_to_string

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
    from weasyprint.urls import URLFetcher  # noqa: PLC0415 — WeasyPrint (and its Pango) load only in the processes that render

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


def reset_stylesheets() -> None:
    """Forget this thread's parsed stylesheets and font configuration."""
    _kept.__dict__.clear()


# Released before the interpreter tears its modules down (FontConfiguration's finaliser needs them).
atexit.register(reset_stylesheets)


def _font_config():
    from weasyprint.text.fonts import FontConfiguration  # noqa: PLC0415 — WeasyPrint (and its Pango) load only in the processes that render

    if getattr(_kept, "font_path", None) != settings.PDF_FONT_PATH:
        reset_stylesheets()
        _kept.font_path = settings.PDF_FONT_PATH
        _kept.font_config = FontConfiguration()
        _kept.stylesheets = {}
    return _kept.font_config


def stylesheet(css_template: str | None = None):
    """The parsed stylesheet of the portal's font faces plus, if given, a CSS template's text."""
    from weasyprint import CSS  # noqa: PLC0415 — WeasyPrint (and its Pango) load only in the processes that render

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


def check_pages(document):
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
        return check_pages(render_document(html, css_template)).write_pdf()


def html_document(html: str):
    """A WeasyPrint HTML document that may load only the font and files under static/pdf."""
    from weasyprint import HTML  # noqa: PLC0415 — WeasyPrint (and its Pango) load only in the processes that render

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


def css_string(text: str) -> str:
    """A value for a CSS `content:` string (the page header)."""
    cleaned = "".join(ch for ch in text if ch.isprintable())
    return '"' + cleaned.replace("\\", "\\\\").replace('"', '\\"') + '"'
