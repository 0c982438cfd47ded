"""Stop at once, with one line each, when PostgreSQL or Redis cannot be reached."""

from __future__ import annotations

import os
import sys
from urllib.parse import urlparse

import psycopg
import redis

failures = []
db_url = os.environ["DATABASE_URL"]
parsed = urlparse(db_url)
try:
    with psycopg.connect(
        host=parsed.hostname or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password or None,
        dbname="postgres",
        connect_timeout=3,
    ):
        pass
except psycopg.Error as exc:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    failures.append(
        f"PostgreSQL is not reachable at {parsed.hostname}:{parsed.port or 5432} ({first}); "
        "start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
    )
redis_url = os.environ["REDIS_URL"]
try:
    redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
except redis.RedisError as exc:
    failures.append(
        f"Redis is not reachable at {redis_url} ({exc}); start it with: "
        "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no"
    )
for line in failures:
    print(line, file=sys.stderr)
sys.exit(1 if failures else 0)
