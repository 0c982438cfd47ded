"""E-mail to the people concerned, sent after the transaction commits, through Celery."""

from __future__ import annotations

from collections.abc import Iterable


def notify(*, recipients: Iterable[str], subject: str, body: str) -> None:
    """Queue an e-mail once the current transaction commits (never for a rolled-back change)."""
    to = sorted({address for address in recipients if address})
    if not to:
        return
    # Through the outbox: recorded with the change, sent after commit or once the broker is back.
    from portal.outbox import enqueue

    enqueue("portal.send_notification", to, subject, body)
