"""The benchmarks' gunicorn: started with production settings on a free port, and waited for
until it answers its bare view."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def wait_until_up(process: subprocess.Popen, port: int, log: Path) -> subprocess.Popen:
    """`process` once GET /bench/ok/ answers 200 on `port`; RuntimeError with the log's tail when
    it exits or a minute passes first."""
    deadline = time.monotonic() + 60
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/bench/ok/")
            if connection.getresponse().status == 200:
                return process
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("gunicorn did not start:\n" + log.read_text()[-3000:])
        time.sleep(0.3)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int, log: Path, options: list[str], **env: str) -> subprocess.Popen:
    """gunicorn serving portal.wsgi on `port` with `options` (workers, worker class, ...),
    production settings (DEBUG=0, the bare view on) and `env` on top; its output in `log`."""
    env = {
        **os.environ,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "BENCH_BARE_VIEW": "1",
        "STAFF_MFA_REQUIRED": "0",
        "PYTHONPATH": str(ROOT),
        **env,
    }
    # Production serves hashed static files (whitenoise's manifest): collected first.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "--bind", f"127.0.0.1:{port}", *options],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    return wait_until_up(process, port, log)
