"""Every scenario file in fixtures/scenarios/ runs and gives what it expects; bad files exit 2."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "fixtures" / "scenarios").glob("*.yaml"))

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(db):
    call_command("load_programmes", verbosity=0)


def run(path: Path, *extra: str) -> dict:
    out = io.StringIO()
    call_command("simulate", str(path), "--format", "json", *extra, stdout=out)
    return json.loads(out.getvalue())


def test_there_are_at_least_forty_scenarios_covering_every_programme():
    assert len(SCENARIOS) >= 40
    programmes = {yaml.safe_load(p.read_text(encoding="utf-8"))["programme"] for p in SCENARIOS}
    from programmes.loader import ruleset_files

    assert programmes == {path.stem for path in ruleset_files()}


def assert_matches(expected, actual, where="$"):
    """Every key the scenario states must match; lists must match element by element."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), where
        for key, value in expected.items():
            assert key in actual, f"{where}.{key} missing"
            assert_matches(value, actual[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), where
        assert len(actual) == len(expected), (
            f"{where}: {len(actual)} items, expected {len(expected)}"
        )
        for index, (e, a) in enumerate(zip(expected, actual, strict=True)):
            assert_matches(e, a, f"{where}[{index}]")
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario(path, loaded):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data.get("expected"), f"{path.name} states no expected output"
    result = run(path)
    expected = dict(data["expected"])
    if "checks_by_code" in expected:
        by_code = {check["code"]: check["result"] for check in result["checks"]}
        for code, outcome in expected.pop("checks_by_code").items():
            assert code in by_code, f"{path.name}: no check {code} (has {sorted(by_code)})"
            assert by_code[code] == outcome, (
                f"{path.name}: {code} is {by_code[code]}, expected {outcome}"
            )
    if "payments_summary" in expected:
        summary = expected.pop("payments_summary")
        payments = result["payments"]
        assert len(payments) == summary["count"]
        total = sum(float(p["amount"]) for p in payments)
        assert f"{total:.2f}" == summary["total"]
        if "first" in summary:
            assert_matches(summary["first"], payments[0], "$.payments[0]")
        if "last" in summary:
            assert_matches(summary["last"], payments[-1], "$.payments[-1]")
    assert_matches(expected, result)


def write(tmp_path, data) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


BASE = {
    "programme": "songjiang-chief-technician",
    "applied_on": "2024-05-10",
    "channel": "unit",
    "applicant": {"birth_date": "1970-03-15", "retirement_category": "male"},
    "until": "2025-12-31",
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"programme": "atlantis-chief-wizard"}, "未知的项目"),
        ({"applicant": {"favourite_colour": "red"}}, "favourite_colour"),
        ({"applied_on": "2024-13-45"}, "不是有效日期"),
        (
            {
                "events": [
                    {"date": "2024-12-01", "event": "named"},
                    {"date": "2024-11-01", "event": "publicity_start"},
                ]
            },
            "先后",
        ),
        ({"events": [{"date": "2024-12-01", "event": "teleported"}]}, "未知的事件"),
        (
            {"events": [{"date": "2099-09-01", "event": "publicity_start"}], "until": "2099-12-31"},
            "工作日历未包含2099年",
        ),
    ],
)
def test_invalid_scenarios_exit_2_with_nothing_on_stdout(tmp_path, loaded, change, message):
    path = write(tmp_path, {**BASE, **change})
    out = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("simulate", str(path), "--format", "json", stdout=out)
    assert info.value.returncode == 2
    assert message in str(info.value)
    assert out.getvalue() == ""


def test_command_line_exit_code_and_streams(tmp_path):
    path = write(tmp_path, {**BASE, "applicant": {"unknown_fact": 1}})
    env = dict(os.environ)
    result = subprocess.run(
        [sys.executable, "manage.py", "simulate", str(path), "--format", "json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "unknown_fact" in result.stderr
    assert "Traceback" not in result.stderr


def test_against_a_ruleset_file_not_loaded(tmp_path, loaded):
    source = ROOT / "fixtures" / "programmes" / "songjiang-chief-technician.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    for schedule in data["benefits"]["schedules"]:
        if schedule["kind"] == "monthly":
            schedule["amount"] = "1500.00"
    edited = tmp_path / "edited.yaml"
    edited.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    scenario = write(
        tmp_path,
        {**BASE, "events": [{"date": "2024-12-02", "event": "named"}], "until": "2025-02-28"},
    )
    before = run(scenario)
    after = run(scenario, "--ruleset", str(edited))
    assert {p["amount"] for p in before["payments"] if p["kind"] == "monthly_allowance"} == {
        "1000.00"
    }
    assert {p["amount"] for p in after["payments"] if p["kind"] == "monthly_allowance"} == {
        "1500.00"
    }
    assert after["version"] is None


def test_table_format_is_chinese(tmp_path, loaded):
    path = write(tmp_path, BASE)
    out = io.StringIO()
    call_command("simulate", str(path), stdout=out)
    assert "资格" in out.getvalue()


UNQUOTED_BAD_DATES = [
    ("applied_on: 2025-02-29", "applied_on: “2025-02-29”不是有效日期"),
    ("until: 2025-02-30", "until: “2025-02-30”不是有效日期"),
    ("events:\n  - {date: 2024-13-01, event: named}", "events[0].date: “2024-13-01”不是有效日期"),
    ("applicant: {birth_date: 1970-02-30}", "birth_date: “1970-02-30”不是有效日期"),
    ('applied_on: "2025-02-29"', "applied_on: “2025-02-29”不是有效日期"),
]


@pytest.mark.parametrize(("line", "message"), UNQUOTED_BAD_DATES)
def test_impossible_dates_quoted_or_not_exit_2_with_a_chinese_message(tmp_path, line, message):
    """YAML reads an unquoted 2025-02-29 as a date and fails; simulate names the field."""
    base = {
        "programme": "programme: songjiang-chief-technician",
        "applied_on": "applied_on: 2024-05-10",
        "until": "until: 2025-12-31",
        "applicant": "applicant: {birth_date: 1970-03-15, retirement_category: male}",
        "events": "",
    }
    base[line.split(":", 1)[0]] = line
    path = tmp_path / "bad.yaml"
    path.write_text("\n".join(v for v in base.values() if v) + "\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "manage.py", "simulate", str(path), "--format", "json"],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_scenario_with_a_key_given_twice_is_refused_with_its_line(tmp_path, loaded):
    """Scenario files are read with the rule sets' strict loader: plain YAML would keep the
    second `until` silently and run the scenario over another period."""
    path = tmp_path / "twice.yaml"
    path.write_text(
        "programme: songjiang-chief-technician\n"
        "applied_on: 2024-05-10\n"
        "applicant: {birth_date: 1970-03-15, retirement_category: male}\n"
        "until: 2025-12-31\n"
        "until: 2026-12-31\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("simulate", str(path), "--format", "json", stdout=out)
    assert info.value.returncode == 2
    assert "键“until”重复（第5行）" in str(info.value)
    assert out.getvalue() == ""
