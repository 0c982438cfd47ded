"""`make bench`: every benchmark of the portal, one report.

Each module `bench/bench_*.py` has `run() -> list[dict]`, each dict
{"name", "value", "unit", "goal", "met", "details"}. Every module runs in its own process (so
one module's memory and state do not colour another's) against the PostgreSQL database
`DATABASE_URL` (default postgres://postgres@127.0.0.1:5432/portal_bench), which this script
creates and migrates first. The report: bench/results.json and the readable bench/REPORT.md,
with the machine, the date, the commit, and each figure beside its goal.

    python bench/run.py            # all benchmarks
    python bench/run.py bench_pdf  # some of them (the others' figures kept from the last report)
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "host": platform.node(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gb": memory_gb,
        "commit": commit,
    }


def ensure_database(url: str) -> None:
    """Create the benchmark database if it is missing, and migrate it."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        check=True,
        env={**os.environ, "DATABASE_URL": url},
    )


def run_one(module: str, env: dict) -> tuple[list[dict], float, str]:
    """Run one benchmark module in a process of its own; its figures, seconds, and any error."""
    code = (
        f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); import importlib; "
        f"m = importlib.import_module('bench.{module}'); "
        "sys.stdout.write('\\n@@RESULTS@@' + json.dumps(m.run(), ensure_ascii=False, default=str))"
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0 or "@@RESULTS@@" not in done.stdout:
        return [], elapsed, (done.stderr or done.stdout)[-3000:]
    return json.loads(done.stdout.rsplit("@@RESULTS@@", 1)[1]), elapsed, ""


def report_markdown(report: dict) -> str:
    m = report["machine"]
    lines = [
        "# Benchmark report",
        "",
        f"Produced by `make bench` (`python bench/run.py`) on {report['date']}, commit "
        f"`{m['commit']}`.",
        "",
        f"Machine: {m['cpu']} ({m['cpus']} CPUs), {m['memory_gb']} GB memory, {m['os']}, "
        f"Python {m['python']}. Database: PostgreSQL (`{report['database']}`).",
        "",
        "Modules: "
        + "; ".join(
            f"`{m['module']}` {m.get('date', report['date'])[:10]} ({m['seconds']} s"
            + (f", load average {m['load'][0]} → {m['load'][1]}" if m.get("load") else "")
            + ")"
            for m in report["modules"]
        )
        + ".",
        "",
        "| benchmark | figure | goal | met |",
        "|---|---|---|---|",
    ]
    for item in report["results"]:
        value = item["value"]
        shown = f"{value:.4g}" if isinstance(value, (int, float)) else str(value)
        lines.append(
            f"| {item['name']} | {shown} {item.get('unit', '')} | {item.get('goal', '')} | "
            f"{'yes' if item.get('met') else '**no**'} |"
        )
    for module in report["modules"]:
        if module["error"]:
            lines += ["", f"**{module['module']} failed:**", "", "```", module["error"], "```"]
    lines += ["", "## Details", ""]
    for item in report["results"]:
        if item.get("details"):
            details = json.dumps(item["details"], ensure_ascii=False, indent=1, default=str)
            lines += [f"### {item['name']}", "", "```json", details, "```", ""]
    return "\n".join(lines) + "\n"


def _keep_earlier(report: dict, modules: list[str]) -> dict:
    """Some modules run: the figures of the others are kept from the last report (each kept
    module with the date it last ran)."""
    try:
        earlier = json.loads((BENCH / "results.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return report
    ran = set(modules)
    kept_runs = [
        {**m, "date": m.get("date", earlier.get("date"))}
        for m in earlier.get("modules", [])
        if m["module"] not in ran
    ]
    for run in report["modules"]:
        run["date"] = report["date"]
    kept = [r for r in earlier.get("results", []) if r.get("module") not in ran]
    return {**report, "modules": kept_runs + report["modules"], "results": kept + report["results"]}


def main(argv: list[str]) -> int:
    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PYTHONPATH": str(ROOT),
    }
    modules = sorted(p.stem for p in BENCH.glob("bench_*.py"))
    if argv:
        modules = [m for m in modules if m in argv]
    print(f"Benchmark database {url}: creating and migrating if needed", flush=True)
    ensure_database(url)
    results, runs = [], []
    for module in modules:
        print(f"{module} ...", end=" ", flush=True)
        load_before = os.getloadavg()[0]
        figures, seconds, error = run_one(module, env)
        # the machine's load (others' jobs too): figures on a shared machine are read with it
        load = [round(load_before, 1), round(os.getloadavg()[0], 1)]
        print("failed" if error else f"done in {seconds:.1f} s", flush=True)
        if error:
            print(error, file=sys.stderr)
        runs.append({"module": module, "seconds": round(seconds, 1), "load": load, "error": error})
        results.extend({**figure, "module": module} for figure in figures)
    date = datetime.now().astimezone().isoformat(timespec="seconds")
    report = {
        "date": date,
        "machine": machine(),
        "database": urlparse(url)._replace(netloc=urlparse(url).hostname or "").geturl(),
        "modules": runs,
        "results": results,
    }
    if argv:
        report = _keep_earlier(report, modules)
    (BENCH / "results.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
    )
    (BENCH / "REPORT.md").write_text(report_markdown(report), encoding="utf-8")
    for item in results:
        print(f"  {item['name']}: {item['value']} {item.get('unit', '')} (goal {item.get('goal')})")
    print("Written bench/results.json and bench/REPORT.md")
    return 1 if any(r["error"] for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
