"""Benchmark: importing 10,000 units from an xlsx file, as the office does in the admin.

The same resource as the admin (portal.resources.UnitResource): a dry run (the preview), then
the import itself, then the same file again (every row unchanged, skipped). Seconds and peak
resident memory (getrusage) of each. Goal: the import of 10,000 rows within 60 s, and the
re-import creates nothing. Prints nothing; returns the figures (bench/run.py).
"""

from __future__ import annotations

import io
import os
import resource
import time

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "10000"))
GOAL_SECONDS = 60.0


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()


def _credit_code(n: int) -> str:
    from stdnum.cn import uscc

    body = f"91310117MB{n:07d}"[:17]
    return body + uscc.calc_check_digit(body)


def _workbook(rows: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(
        ["单位名称", "统一社会信用代码", "单位性质", "税务登记所在区", "所在街道/镇/园区", "联系人"]
    )
    streets = ["车墩镇", "九亭镇", "泗泾镇", "岳阳街道", "方松街道"]
    for n in range(rows):
        sheet.append(
            [
                f"基准测试单位{n:05d}有限公司",
                _credit_code(n),
                "企业",
                "松江区",
                streets[n % 5],
                "张三",
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _timed(function):
    """The result, seconds, and the process's peak resident memory so far (MB)."""
    started = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result, seconds, peak


def run() -> list[dict]:
    _setup_django()
    from import_export.formats.base_formats import XLSX

    from portal.models import Unit
    from portal.organisations import load_organisations
    from portal.resources import UnitResource

    load_organisations()
    Unit.objects.filter(name__startswith="基准测试单位").delete()
    content = _workbook(ROWS)
    dataset = XLSX().create_dataset(content)

    def dry():
        return UnitResource().import_data(dataset, dry_run=True, use_transactions=True)

    def real():
        return UnitResource().import_data(dataset, dry_run=False, use_transactions=True)

    preview, preview_s, preview_mb = _timed(dry)
    after_preview = Unit.objects.filter(name__startswith="基准测试单位").count()
    _, import_s, import_mb = _timed(real)
    created = Unit.objects.filter(name__startswith="基准测试单位").count()
    again, again_s, _ = _timed(real)
    totals = again.totals
    Unit.objects.filter(name__startswith="基准测试单位").delete()
    details = {
        "rows": ROWS,
        "preview_seconds": round(preview_s, 2),
        "preview_peak_mb": round(preview_mb, 1),
        "preview_errors": preview.has_errors() or preview.has_validation_errors(),
        "rows_after_preview": after_preview,
        "import_peak_mb": round(import_mb, 1),
        "created": created,
        "reimport_seconds": round(again_s, 2),
        "reimport_new": totals.get("new", 0),
        "reimport_skipped": totals.get("skip", 0),
    }
    return [
        {
            "name": "import_10000_units_seconds",
            "value": round(import_s, 2),
            "unit": "s",
            "goal": f"<= {GOAL_SECONDS:.0f} s for {ROWS} rows; preview changes nothing; re-import adds 0",
            "met": import_s <= GOAL_SECONDS
            and created == ROWS
            and after_preview == 0
            and totals.get("new", 0) == 0,
            "details": details,
        },
        {
            "name": "import_10000_units_preview_seconds",
            "value": round(preview_s, 2),
            "unit": "s",
            "goal": f"<= {GOAL_SECONDS:.0f} s",
            "met": preview_s <= GOAL_SECONDS and after_preview == 0,
            "details": {},
        },
    ]
