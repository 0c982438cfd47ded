"""Benchmark: importing 10,000 units from an xlsx file, as the office does in the admin.

The same resource as the admin (portal.resources.UnitResource): a dry run (the preview), then
the import itself, then the same file again (every row unchanged, skipped), then a preview of the
file with one row in 500 spoilt (a bad credit code, an unknown street, a credit code repeated, an
unknown unit kind in turn): every spoilt row must be named by its number, and no other. Seconds and peak
resident memory (getrusage) of each. Floors in the same run: `bulk_create` of the same units
(built in memory from the same cells) and PostgreSQL COPY of the same rows. Goals: at least
5,000 rows/s, at most 4x `bulk_create`, and the re-import creates nothing. Prints nothing;
returns the figures (bench/run.py).
"""

from __future__ import annotations

import io
import os
import resource
import time

from bench.django_setup import setup_django

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "10000"))
GOAL_ROWS_PER_SECOND = 5000
GOAL_BULK_RATIO = 4.0


def _setup_django() -> None:
    setup_django()


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


BAD_EVERY = 500


def _spoilt(dataset):
    """A copy of the file with every BAD_EVERY-th row spoilt in one of four ways; the copy and
    the spoilt rows' numbers (as the import numbers them, from 1)."""
    import tablib

    spoilt = tablib.Dataset(headers=dataset.headers)
    bad: set[int] = set()
    codes = dataset.get_col(1)
    for index, row in enumerate(dataset):
        row = list(row)
        if index % BAD_EVERY == BAD_EVERY - 1:
            way = (index // BAD_EVERY) % 4
            if way == 0:
                row[1] = "91310117MB0000000X"  # a wrong check digit
            elif way == 1:
                row[4] = "不存在的街道"
            elif way == 2:
                row[1] = codes[0]  # the first row's code again
            else:
                row[2] = "不存在的性质"
            bad.add(index + 1)
        spoilt.append(row)
    return spoilt, bad


def _named_rows(result) -> set[int]:
    """The row numbers the import's result names as bad (errors and validation errors)."""
    named = {number for number, _errors in result.row_errors()}
    named |= {row.number for row in result.invalid_rows}
    return named


def _timed(function):
    """The result, seconds, and the process's peak resident memory so far (MB)."""
    started = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result, seconds, peak


def _floors(dataset) -> tuple[float, float]:
    """Seconds of bulk_create, then of COPY, of the file's units (deleted after each)."""
    from django.db import connection, transaction

    from portal.models import Region, Unit

    regions = {r.name: r for r in Region.objects.all()}
    kinds = {str(label): value for value, label in Unit.Kind.choices}
    started = time.perf_counter()
    units = [
        Unit(
            name=row["单位名称"],
            credit_code=row["统一社会信用代码"],
            kind=kinds[row["单位性质"]],
            tax_district=regions[row["税务登记所在区"]],
            street=regions[row["所在街道/镇/园区"]],
            contact_name=row["联系人"],
        )
        for row in dataset.dict
    ]
    with transaction.atomic():
        Unit.objects.bulk_create(units, batch_size=1000)
    bulk = time.perf_counter() - started
    Unit.objects.filter(name__startswith="基准测试单位").delete()

    columns = [
        "name",
        "credit_code",
        "kind",
        "tax_district_id",
        "street_id",
        "contact_name",
        "legal_representative",
        "address",
        "contact_phone",
        "may_nominate",
    ]
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        table = Unit._meta.db_table
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for u in units:
                copy.write_row(
                    [
                        u.name,
                        u.credit_code,
                        u.kind,
                        u.tax_district_id,
                        u.street_id,
                        u.contact_name,
                        "",
                        "",
                        "",
                        True,
                    ]
                )
    copied = time.perf_counter() - started
    Unit.objects.filter(name__startswith="基准测试单位").delete()
    return bulk, copied


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
    bulk_s, copy_s = _floors(dataset)

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
    spoilt, bad = _spoilt(dataset)

    def dry_spoilt():
        return UnitResource().import_data(spoilt, dry_run=True, use_transactions=True)

    checked, spoilt_s, _ = _timed(dry_spoilt)
    named = _named_rows(checked)
    after_spoilt = Unit.objects.filter(name__startswith="基准测试单位").count()
    correct = created == ROWS and after_preview == 0 and totals.get("new", 0) == 0
    details = {
        "rows": ROWS,
        "import_seconds": round(import_s, 2),
        "bulk_create_seconds": round(bulk_s, 3),
        "copy_seconds": round(copy_s, 3),
        "import_vs_copy": round(import_s / copy_s, 1),
        "preview_seconds": round(preview_s, 2),
        "preview_peak_mb": round(preview_mb, 1),
        "preview_errors": preview.has_errors() or preview.has_validation_errors(),
        "rows_after_preview": after_preview,
        "import_peak_mb": round(import_mb, 1),
        "created": created,
        "reimport_seconds": round(again_s, 2),
        "reimport_new": totals.get("new", 0),
        "reimport_skipped": totals.get("skip", 0),
        "command": "python bench/run.py bench_import",
    }
    every_bad_named = named == bad and after_spoilt == 0
    rate = ROWS / import_s
    return [
        {
            "name": "import_units_rows_per_second",
            "value": round(rate),
            "unit": "rows/s",
            "goal": f">= {GOAL_ROWS_PER_SECOND} rows/s for {ROWS} rows; preview changes "
            "nothing; re-import adds 0",
            "met": rate >= GOAL_ROWS_PER_SECOND and correct,
            "details": details,
        },
        {
            "name": "import_units_vs_bulk_create",
            "value": round(import_s / bulk_s, 2),
            "unit": "x bulk_create",
            "goal": f"<= {GOAL_BULK_RATIO} x bulk_create of the same rows",
            "met": import_s / bulk_s <= GOAL_BULK_RATIO and correct,
            "details": {},
        },
        {
            "name": "import_units_copy_vs_bulk_create",
            "value": round(copy_s / bulk_s, 2),
            "unit": "x bulk_create",
            "goal": "reported (PostgreSQL COPY of the same rows, the lower floor)",
            "met": True,
            "details": {
                "copy_seconds": round(copy_s, 3),
                "import_vs_copy": details["import_vs_copy"],
            },
        },
        {
            "name": "import_units_bad_rows_named",
            "value": len(named & bad),
            "unit": f"of {len(bad)} spoilt rows",
            "goal": f"all {len(bad)} spoilt rows named by number, no other row; nothing written",
            "met": every_bad_named,
            "details": {
                "spoilt": sorted(bad)[:8],
                "named_not_spoilt": sorted(named - bad)[:8],
                "spoilt_not_named": sorted(bad - named)[:8],
                "preview_seconds": round(spoilt_s, 2),
                "preview_rows_per_second": round(ROWS / spoilt_s),
                "rows_after_preview": after_spoilt,
            },
        },
        {
            "name": "import_units_preview_rows_per_second",
            "value": round(ROWS / preview_s),
            "unit": "rows/s",
            "goal": f">= {GOAL_ROWS_PER_SECOND} rows/s, changing nothing",
            "met": ROWS / preview_s >= GOAL_ROWS_PER_SECOND and after_preview == 0,
            "details": {},
        },
    ]
