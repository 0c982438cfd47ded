"""PDF rendering with WeasyPrint: A4 forms like the paper ones, with the CJK font embedded.

The renderer fetches nothing but the portal's own templates, styles and the configured font:
a `file://` or network address in user text is never followed (see `safe_url_fetcher`).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string


class BlockedResource(ValueError):
    """A PDF tried to load something other than the portal's own font or styles."""


def allowed_files() -> set[Path]:
    font = Path(settings.PDF_FONT_PATH).resolve()
    return {font}


def safe_url_fetcher(url: str, timeout: int = 10, ssl_context=None):
    """Serve only the configured font and files under static/pdf; refuse everything else."""
    from weasyprint.urls import default_url_fetcher

    if url.startswith("file://"):
        path = Path(url.removeprefix("file://")).resolve()
        pdf_static = (Path(settings.BASE_DIR) / "static" / "pdf").resolve()
        if path in allowed_files() or path.is_relative_to(pdf_static):
            return default_url_fetcher(url, timeout=timeout, ssl_context=ssl_context)
    raise BlockedResource(f"PDF 渲染不加载外部资源：{url[:80]}")


def font_face_css() -> str:
    font = Path(settings.PDF_FONT_PATH).resolve()
    return (
        "@font-face { font-family: PortalSong; src: url(" + font.as_uri() + "); }\n"
        "@font-face { font-family: PortalSong; font-weight: bold; src: url("
        + font.as_uri()
        + "); }\n"
    )


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a template to PDF bytes (A4, the CJK font subset and embedded)."""
    from weasyprint import HTML

    html = render_to_string(template_name, {**context, "font_face_css": font_face_css()})
    document = HTML(
        string=html,
        base_url=str(Path(settings.BASE_DIR) / "static" / "pdf") + "/",
        url_fetcher=safe_url_fetcher,
    )
    return document.write_pdf()


def render_pdf_document(template_name: str, context: dict):
    """The rendered document (pages), for benchmarks that count pages."""
    from weasyprint import HTML

    html = render_to_string(template_name, {**context, "font_face_css": font_face_css()})
    return HTML(
        string=html,
        base_url=str(Path(settings.BASE_DIR) / "static" / "pdf") + "/",
        url_fetcher=safe_url_fetcher,
    ).render()
