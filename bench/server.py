"""The benchmarks' gunicorn: wait until a started server answers its bare view."""

from __future__ import annotations

import http.client
import subprocess
import time
from pathlib import Path


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
