"""E-mail to the people concerned, sent after the transaction commits, through Celery."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction


def notify(*, recipients: Iterable[str], subject: str, body: str) -> None:
    """Queue an e-mail once the current transaction commits (never for a rolled-back change)."""
    to = sorted({address for address in recipients if address})
    if not to:
        return
    from portal.tasks import send_notification

    transaction.on_commit(lambda: send_notification.delay(to, subject, body))
