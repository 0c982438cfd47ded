"""Benchmark: the PDF of a fully filled Songjiang chief-technician form (seconds per page).

`run()` renders the demo declaration (applications.demo_data) N times with the portal's own
renderer and reports the mean seconds per page, pages counted from the PDF (pdfinfo), with
whether the text is selectable (pdftotext finds what was typed) and the CJK font is embedded as
a subset (pdffonts). Goal: 0.2 s a page or less. Needs no database; prints nothing.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.django_setup import setup_django

CODE = "songjiang-chief-technician"
RUNS = int(os.environ.get("BENCH_PDF_RUNS", "5"))
GOAL_SECONDS_PER_PAGE = 0.2

ROOT = Path(__file__).resolve().parents[1]


def _setup_django() -> None:
    setup_django()


def _pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    match = re.search(r"^Pages:\s+(\d+)", out.stdout, re.MULTILINE)
    if not match:
        raise RuntimeError("pdfinfo did not report the page count")
    return int(match.group(1))


def _text(pdf: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    )
    return "".join(out.stdout.decode("utf-8").split())


def _fonts(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    return [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]


def _weasyprint_version() -> str:
    import weasyprint

    return weasyprint.__version__


def run() -> list[dict]:
    _setup_django()
    from django.conf import settings

    from applications.demo_data import demo_form_data
    from applications.pdf import render_form_data_pdf  # quiets WeasyPrint's progress log
    from programmes.loader import RULESET_DIR
    from programmes.ruleset import load_ruleset

    on = date(2026, 11, 25)
    ruleset = load_ruleset(RULESET_DIR / f"{CODE}.yaml")
    data = demo_form_data(ruleset, on=on)

    def render() -> bytes:
        return render_form_data_pdf(ruleset, data, year=on.year, number=f"{on.year}-000001")

    render()  # warm up: WeasyPrint parses its own stylesheets once per process
    timings = []
    content = b""
    for _ in range(RUNS):
        started = time.perf_counter()
        content = render()
        timings.append(time.perf_counter() - started)

    with tempfile.TemporaryDirectory() as directory:
        pdf = Path(directory) / "form.pdf"
        pdf.write_bytes(content)
        pages = _pages(pdf)
        text = _text(pdf)
        fonts = _fonts(pdf)

    typed = [
        data["person"]["name"],
        data["work_history"][0]["unit_and_department"],
        data["achievements"]["details"][:40],
    ]
    selectable = all("".join(value.split()) in text for value in typed)
    subset = bool(fonts) and all(
        "+" in font[0] and font[-5] == "yes" and font[-4] == "yes" for font in fonts
    )
    per_page = statistics.mean(timings) / pages
    details = {
        "programme": CODE,
        "runs": RUNS,
        "pages": pages,
        "seconds_per_document_mean": round(statistics.mean(timings), 4),
        "seconds_per_document_min": round(min(timings), 4),
        "seconds_per_document_max": round(max(timings), 4),
        "pdf_bytes": len(content),
        "fonts": [font[0] for font in fonts],
        "font_file": str(settings.PDF_FONT_PATH),
        "weasyprint": _weasyprint_version(),
        "text_selectable": selectable,
        "font_embedded_subset": subset,
        "command": f"python manage.py render_form {CODE} --demo -o FILE.pdf",
    }
    return [
        {
            "name": "pdf_songjiang_form_seconds_per_page",
            "value": round(per_page, 4),
            "unit": "s/page",
            "goal": f"<= {GOAL_SECONDS_PER_PAGE} s/page, text selectable, font subset",
            "met": per_page <= GOAL_SECONDS_PER_PAGE and selectable and subset,
            "details": details,
        },
        {
            "name": "pdf_text_selectable",
            "value": 1.0 if selectable else 0.0,
            "unit": "bool",
            "goal": "1 (pdftotext finds the typed name, a table row and the achievement text)",
            "met": selectable,
            "details": {"checked": [*typed[:2], typed[2][:10] + "…"]},
        },
        {
            "name": "pdf_font_embedded_subset",
            "value": 1.0 if subset else 0.0,
            "unit": "bool",
            "goal": "1 (pdffonts: every font embedded and subset)",
            "met": subset,
            "details": {"fonts": [" ".join(font) for font in fonts]},
        },
    ]


if __name__ == "__main__":
    import json
    import sys

    json.dump(run(), sys.stderr, ensure_ascii=False, indent=2)
