"""The notices `load_demo` sends while it loads: counted, not printed one by one.

Loading the demo year sends hundreds of texts and mails through the services, as the real
journeys would. With the development console backends each would print to the terminal, so while
loading they go to the in-memory backends instead and the command prints one line with the count.
Other backends (the file backend of the tests, a provider's gateway) are left as configured; the
running portal keeps the console backends.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core import mail
from django.test.utils import override_settings

from portal import sms

CONSOLE_SMS = "portal.sms.ConsoleSmsBackend"
CONSOLE_MAIL = "django.core.mail.backends.console.EmailBackend"
# Celery logs every task run in-process (eager) at INFO: one line per notice.
TASK_LOGGER = "celery.app.trace"


@dataclass
class Sent:
    texts: int = 0
    mails: int = 0
    counted: bool = False  # whether the console backends were replaced (else nothing counted)

    def summary(self) -> str:
        return f"通知：已发送短信 {self.texts} 条、邮件 {self.mails} 封（控制台，加载时不逐条显示）"


@contextlib.contextmanager
def counted_console_notices() -> Iterator[Sent]:
    """Inside the block, texts and mails meant for the console are kept in memory and counted."""
    sent = Sent()
    replace = {}
    if settings.SMS_BACKEND == CONSOLE_SMS:
        replace["SMS_BACKEND"] = "portal.sms.MemorySmsBackend"
    if settings.EMAIL_BACKEND == CONSOLE_MAIL:
        replace["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    if not replace:
        yield sent
        return
    sent.counted = True
    texts_before = len(sms.outbox)
    mails_before = len(getattr(mail, "outbox", []))
    logger = logging.getLogger(TASK_LOGGER)
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        with override_settings(**replace):
            yield sent
    finally:
        logger.setLevel(level)
        if "SMS_BACKEND" in replace:
            sent.texts = len(sms.outbox) - texts_before
            del sms.outbox[texts_before:]
        if "EMAIL_BACKEND" in replace:
            sent.mails = len(mail.outbox) - mails_before
            del mail.outbox[mails_before:]
