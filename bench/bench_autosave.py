"""Benchmark: many applicants autosaving their own drafts at once, on a real server.

`run()` makes (again, each time) an open Songjiang round of its own with BENCH_AUTOSAVE_USERS
applicants (default 200), each with a draft of the demo form, and a signed-in session each. It
starts gunicorn on a port of its own with production settings (DEBUG=0; BENCH_GUNICORN_WORKERS
processes of BENCH_GUNICORN_THREADS threads, default 2 x 4) against the benchmark database, then
BENCH_AUTOSAVE_CONNECTIONS client threads (default 16) each take applicants in turn and post
their whole form to `/applications/<id>/autosave/` BENCH_AUTOSAVE_SAVES times (default 5), one
field changed each time, as the page's script does. Figures: the 95th-percentile and median
milliseconds of a save (goal: p95 at most 150 ms), and lost saves: the number of applicants
whose stored draft is not their last save (goal: 0). A bare view under the same server and
middleware (the `ok` answer of `/bench/ok/`, served when BENCH_BARE_VIEW=1) is timed between the
saves as the floor. Prints nothing.
"""

from __future__ import annotations

import http.client
import os
import re
import statistics
import sys
import threading
import time
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

from bench.django_setup import setup_django
from bench.server import free_port, start_gunicorn

ROOT = Path(__file__).resolve().parents[1]
USERS = int(os.environ.get("BENCH_AUTOSAVE_USERS", "200"))
CONNECTIONS = int(os.environ.get("BENCH_AUTOSAVE_CONNECTIONS", "16"))
SAVES = int(os.environ.get("BENCH_AUTOSAVE_SAVES", "5"))
WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "2"))
THREADS = int(os.environ.get("BENCH_GUNICORN_THREADS", "4"))
ROUND_NAME = "基准测试：并发自动保存"
USER_PREFIX = "bench_autosave_"
GOAL_P95_MS = 150.0
FIELD = "achievements-details"  # the long text the applicants keep typing into


def _setup_django() -> None:
    # The sessions made here must be read by the server: one secret key for both.
    # ... and the personal data written here decrypted there (production requires the keys).
    setup_django(
        SECRET_KEY="bench-autosave-" + "k" * 50,
        FIELD_ENCRYPTION_KEYS="bench-autosave-field-key",
        BLIND_INDEX_KEY="bench-autosave-blind-index-key",
    )


class _FormFields(HTMLParser):
    """The fields a browser would post from the declaration form (#declaration)."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("file", "submit", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((name, a.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value") or ""))

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, self._text))
            self._textarea = None
        elif tag == "select":
            self._select = None


def _prepare(count: int):
    from applications.demo_data import demo_form_data
    from applications.models import Application
    from bench.fixtures import bench_round, fresh_users, session_for
    from programmes.models import Round

    today = date.today()
    round_, units, street = bench_round(
        ROUND_NAME,
        status=Round.Status.OPEN,
        opens_on=today - timedelta(days=10),
        closes_on=today + timedelta(days=30),
        year=today.year,
    )
    users = fresh_users(USER_PREFIX, count, "自动保存")
    version = round_.version
    data = demo_form_data(version.ruleset, on=today)
    applications = Application.objects.bulk_create(
        Application(
            round=round_,
            applicant=user,
            unit=units["songjiang_machinery"],
            channel="unit",
            status=Application.Status.DRAFT,
            street=street,
            data={**data, "person": {**data["person"], "name": user.real_name}},
        )
        for user in users
    )
    sessions = [session_for(user) for user in users]
    return [(a.pk, s) for a, s in zip(applications, sessions, strict=True)]


def _cookie(session: str, csrf: str = "") -> str:
    from django.conf import settings

    parts = [f"{settings.SESSION_COOKIE_NAME}={session}"]
    if csrf:
        parts.append(f"{settings.CSRF_COOKIE_NAME}={csrf}")
    return "; ".join(parts)


def _form_of(connection, pk: int, session: str) -> tuple[list, str]:
    """The edit page's fields and the CSRF token, as the browser has them."""
    from django.conf import settings

    connection.request("GET", f"/applications/{pk}/edit/", headers={"Cookie": _cookie(session)})
    response = connection.getresponse()
    page = response.read().decode()
    if response.status != 200:
        raise RuntimeError(f"edit page answered {response.status}")
    cookie = response.getheader("Set-Cookie") or ""
    match = re.search(rf"{settings.CSRF_COOKIE_NAME}=([^;]+)", cookie)
    parser = _FormFields()
    parser.feed(page)
    fields = [(k, v) for k, v in parser.fields if k != "csrfmiddlewaretoken"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    return fields, (match.group(1) if match else ""), (token.group(1) if token else "")


def run() -> list[dict]:
    _setup_django()
    from applications.models import Application

    people = _prepare(USERS)
    port = free_port()
    log = ROOT / "bench" / "tmp" / f"gunicorn-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    options = ["--workers", str(WORKERS), "--threads", str(THREADS), "--worker-class", "gthread"]
    server = start_gunicorn(port, log, [*options, "--access-logfile", "-"])
    saves: list[float] = []
    bare: list[float] = []
    failures: list[str] = []
    last: dict[int, str] = {}
    lock = threading.Lock()
    queue = list(people)

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if not queue:
                    return
                pk, session = queue.pop()
            try:
                fields, csrf_cookie, token = _form_of(connection, pk, session)
                for n in range(SAVES):
                    text = f"第{n + 1}次保存：{pk} 长期从事数控加工工作，带徒传技。"
                    body = [(k, text if k == FIELD else v) for k, v in fields]
                    body.append(("csrfmiddlewaretoken", token))
                    started = time.perf_counter()
                    connection.request(
                        "POST",
                        f"/applications/{pk}/autosave/",
                        body=urlencode(body),
                        headers={
                            "Cookie": _cookie(session, csrf_cookie),
                            "Content-Type": "application/x-www-form-urlencoded",
                            "X-CSRFToken": token,
                            "Referer": f"http://127.0.0.1:{port}/applications/{pk}/edit/",
                        },
                    )
                    response = connection.getresponse()
                    response.read()
                    elapsed = time.perf_counter() - started
                    if response.status != 200:
                        raise RuntimeError(f"autosave answered {response.status}")
                    started = time.perf_counter()
                    connection.request("GET", "/bench/ok/")
                    connection.getresponse().read()
                    floor = time.perf_counter() - started
                    with lock:
                        saves.append(elapsed)
                        bare.append(floor)
                        last[pk] = text
            except Exception as exc:  # one applicant's failure is counted, the others go on
                with lock:
                    failures.append(f"{pk}: {exc}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    server.terminate()
    server.wait(timeout=30)

    stored = dict(Application.objects.filter(pk__in=last).values_list("pk", "data"))
    key = FIELD.split("-", 1)
    lost = [
        pk
        for pk, text in last.items()
        if (stored.get(pk) or {}).get(key[0], {}).get(key[1]) != text
    ]
    if not saves:
        raise RuntimeError(
            "no save succeeded:\n" + "\n".join(failures[:10]) + log.read_text()[-2000:]
        )
    ordered = sorted(saves)
    p95 = ordered[int(0.95 * (len(ordered) - 1))] * 1000
    median = statistics.median(saves) * 1000
    bare_median = statistics.median(bare) * 1000
    log.unlink(missing_ok=True)
    details = {
        "applicants": USERS,
        "connections": CONNECTIONS,
        "saves": len(saves),
        "failed_applicants": failures[:10],
        "median_ms": round(median, 1),
        "p95_ms": round(p95, 1),
        "bare_view_median_ms": round(bare_median, 2),
        "saves_per_second": round(len(saves) / wall, 1),
        "server": f"gunicorn gthread, {WORKERS} processes x {THREADS} threads, DEBUG=0",
        "command": "python bench/run.py bench_autosave",
    }
    return [
        {
            "name": "autosave_p95_ms",
            "value": round(p95, 1),
            "unit": "ms",
            "goal": f"<= {GOAL_P95_MS:.0f} ms at {CONNECTIONS} connections, {USERS} applicants",
            "met": p95 <= GOAL_P95_MS and not failures,
            "details": details,
        },
        {
            "name": "autosave_lost_saves",
            "value": len(lost) + len(failures),
            "unit": "applicants",
            "goal": "0 (each stored draft is its applicant's last save)",
            "met": not lost and not failures,
            "details": {"lost": lost[:10]},
        },
    ]


if __name__ == "__main__":
    import json

    json.dump(run(), sys.stderr, ensure_ascii=False, indent=2)
