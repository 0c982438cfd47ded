"""Django set up once for a benchmark process: the project on sys.path, its settings, and the
benchmark database unless DATABASE_URL names another. `env` gives further defaults (a shared
SECRET_KEY or field-encryption keys, for a benchmark whose server reads what it writes)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"


def setup_django(**env: str) -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    for name, value in env.items():
        os.environ.setdefault(name, value)
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
