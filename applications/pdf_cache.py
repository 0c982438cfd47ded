"""Rendered PDFs kept on the private volume, so a form that has not changed is rendered once.

An entry's name is the SHA-256 of everything that went into the document (the rule-set version,
the data, the attachments' names, the decided opinions, whether ID numbers are masked) and of the
renderer itself (its templates, WeasyPrint's version, the font), so an entry is never stale: a
change to any input is another name. Entries live under PRIVATE_MEDIA_ROOT/pdf_cache, the volume
the web and worker processes share; deleting the folder only costs renders. PDF_CACHE=0 turns it
off.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

from django.conf import settings
from django.template.loader import get_template

# The templates whose text is part of every key: editing one makes every entry new.
RENDERER_TEMPLATES = (
    "applications/pdf/form.html",
    "applications/pdf/form.css",
    "applications/pdf/score_sheet.html",
)


@cache
def renderer_digest() -> str:
    """What the renderer is: its templates' text, WeasyPrint's version and the font file."""
    import weasyprint  # noqa: PLC0415 — WeasyPrint (and its Pango) load only in the processes that render

    digest = hashlib.sha256(weasyprint.__version__.encode())
    for name in RENDERER_TEMPLATES:
        digest.update(Path(get_template(name).origin.name).read_bytes())
    font = Path(settings.PDF_FONT_PATH)
    digest.update(str(font.resolve()).encode())
    if font.exists():
        stat = font.stat()
        digest.update(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def cache_dir() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "pdf_cache"


def entry_path(material: dict) -> Path:
    """Where the PDF made from `material` (JSON-serialisable inputs) is kept."""
    text = json.dumps(material, sort_keys=True, ensure_ascii=False, default=str)
    key = hashlib.sha256((renderer_digest() + text).encode()).hexdigest()
    return cache_dir() / key[:2] / f"{key}.pdf"


def cached_pdf(material: dict, render: Callable[[], bytes]) -> bytes:
    """The PDF made from `material`: read from the cache, or rendered by `render` and kept."""
    if not settings.PDF_CACHE:
        return render()
    path = entry_path(material)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    content = render()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside its final name and renamed: a reader never sees half a file, and two
    # processes rendering the same entry at once both end with the same complete one.
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".part", delete=False) as handle:
        handle.write(content)
    os.replace(handle.name, path)
    return content
