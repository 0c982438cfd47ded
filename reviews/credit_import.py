"""Reading the office's xlsx of public-credit results (columns 申报编号, 核查结果, 查询编号)."""

from __future__ import annotations

from dataclasses import dataclass

RESULTS = {"通过": "pass", "不通过": "fail", "pass": "pass", "fail": "fail"}
HEADERS = ("申报编号", "核查结果", "查询编号")


@dataclass(frozen=True)
class CreditRow:
    line: int
    application_id: int
    result: str
    reference: str


def parse_rows(rows: list[tuple]) -> tuple[list[CreditRow], list[str]]:
    """The rows of the sheet (the first is the header) -> (good rows, Chinese problems by line)."""
    if not rows:
        return [], ["文件为空。"]
    header = [str(c or "").strip() for c in rows[0]]
    missing = [h for h in HEADERS[:2] if h not in header]
    if missing:
        return [], [f"第1行缺少列：{'、'.join(missing)}（应为 {'、'.join(HEADERS)}）"]
    index = {h: header.index(h) for h in HEADERS if h in header}
    good, problems = [], []
    for line, row in enumerate(rows[1:], start=2):
        cells = list(row) + [None] * len(header)
        raw_id = cells[index["申报编号"]]
        raw_result = str(cells[index["核查结果"]] or "").strip()
        reference = str(cells[index["查询编号"]] or "").strip() if "查询编号" in index else ""
        if raw_id in (None, "") and not raw_result:
            continue
        try:
            application_id = int(str(raw_id).strip())
        except ValueError:
            problems.append(f"第{line}行：申报编号“{raw_id}”不是数字")
            continue
        if raw_result not in RESULTS:
            problems.append(f"第{line}行：核查结果应为“通过”或“不通过”，而不是“{raw_result}”")
            continue
        good.append(CreditRow(line, application_id, RESULTS[raw_result], reference))
    return good, problems
