"""The transactional outbox: every Celery task a state change starts goes through `enqueue`.

The task is written as a row in the change's own transaction and sent after commit. With the
broker down the send fails within about a second (no retries, CELERY_TASK_PUBLISH_RETRY=False),
the row stays pending, the request answers at once and the page says the work will start once
the queue is back (`held_back()`); the relay (`relay`, beat every 30 s and `manage.py
relay_outbox`) sends what is pending. Tasks are idempotent, so a task sent twice (a send that
succeeded but whose mark was lost) does no harm.
"""

from __future__ import annotations

import contextvars
import logging
import time

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from portal.celery import app
from portal.models import OutboxMessage

logger = logging.getLogger(__name__)

_held_back: contextvars.ContextVar[bool] = contextvars.ContextVar("outbox_held_back", default=False)

HELD_BACK_MESSAGE = "操作已保存。后台任务队列暂时不可用，相关处理（计算、生成文件或通知）已记录，队列恢复后将自动进行，无需重复操作。"


def enqueue(task: str, *args, **kwargs):
    """Record `task(*args, **kwargs)` in the current transaction; send it after commit."""
    message = OutboxMessage.objects.create(task=task, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: send(message.pk))
    return message


def send(message_id: int) -> bool:
    """Send one pending message; True when the broker took it (or it ran in-process)."""
    message = OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True).first()
    if message is None:
        return True
    return _publish(message)


def _publish(message) -> bool:
    if message.task not in app.tasks:
        app.loader.import_default_modules()  # runs the lazy autodiscovery of the apps' tasks
    task = app.tasks[message.task]
    if app.conf.task_always_eager or getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        OutboxMessage.objects.filter(pk=message.pk).update(
            sent_at=timezone.now(), attempts=message.attempts + 1
        )
        task.apply(args=message.args, kwargs=message.kwargs, throw=True)
        return True
    try:
        task.apply_async(args=message.args, kwargs=message.kwargs, retry=False, ignore_result=True)
    except Exception as exc:  # kombu.OperationalError, OSError, redis errors: broker down
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=message.attempts + 1, last_error=f"{type(exc).__name__}: {exc}"[:300]
        )
        _held_back.set(True)
        logger.warning("outbox: %s #%s kept for later: %s", message.task, message.pk, exc)
        return False
    OutboxMessage.objects.filter(pk=message.pk).update(
        sent_at=timezone.now(), attempts=message.attempts + 1, last_error=""
    )
    return True


def relay(*, limit: int = 500) -> tuple[int, int]:
    """Send pending messages, oldest first, stopping at the first the broker refuses.

    Returns (sent, still pending). Several relays at once never send one message twice at the
    same time (rows are locked, SKIP LOCKED).
    """
    sent = 0
    for _ in range(limit):
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(sent_at__isnull=True)
                .order_by("id")
                .first()
            )
            if message is None:
                break
            if not _publish(message):
                break
        sent += 1
    return sent, OutboxMessage.objects.filter(sent_at__isnull=True).count()


def held_back() -> bool:
    """Whether a task of this request (or task) was kept because the broker is down."""
    return _held_back.get()


def reset() -> None:
    _held_back.set(False)


class OutboxMessageMiddleware:
    """Tells the user, in Chinese, when the request's task was kept for later."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _held_back.set(False)
        try:
            response = self.get_response(request)
            if _held_back.get() and hasattr(request, "_messages"):
                messages.warning(request, HELD_BACK_MESSAGE)
            return response
        finally:
            _held_back.reset(token)


# --- the watchdog: work whose worker died ---------------------------------------------------

STALL_KEY = "portal:watchdog:{label}:{pk}"

# Long work a worker does, by model label (no import of the apps above portal): the status
# while running, the counter that grows as it progresses, the task that does it, and what to
# reset before queueing it again.
WATCHED = [
    {
        "model": "subsidies.PaymentRun",
        "running": "running",
        "counter": "awards_done",
        "task": "subsidies.execute_run",
        "reset": {"status": "queued"},
    },
    {
        "model": "applications.PdfBatch",
        "running": "running",
        "counter": "done",
        "task": "applications.render_batch",
        "reset": {"status": "pending", "done": 0},
    },
]


def resume_stalled(*, stall_seconds: int | None = None, now=None) -> list[str]:
    """Find payment runs and PDF batches that are running but made no progress for
    `stall_seconds` (WORK_STALL_SECONDS, default 120) -- their worker was killed -- and queue
    them again through the outbox. Beat calls this every minute, so a killed worker's run is
    found and resumed within about three minutes. Both tasks are safe to run again.
    """
    stall = stall_seconds if stall_seconds is not None else settings.WORK_STALL_SECONDS
    now = now if now is not None else time.time()
    resumed = []
    for watched in WATCHED:
        model = apps.get_model(watched["model"])
        counter = watched["counter"]
        for pk, progress in model.objects.filter(status=watched["running"]).values_list(
            "pk", counter
        ):
            key = STALL_KEY.format(label=watched["model"], pk=pk)
            seen = cache.get(key)
            if seen is None or seen[0] != progress:
                cache.set(key, (progress, now), timeout=24 * 3600)
                continue
            if now - seen[1] < stall:
                continue
            cache.delete(key)
            with transaction.atomic():
                updated = model.objects.filter(pk=pk, status=watched["running"]).update(
                    **watched["reset"]
                )
                if updated:
                    enqueue(watched["task"], pk)
            if updated:
                logger.warning("watchdog: %s %s stalled at %s, queued again", model, pk, progress)
                resumed.append(f"{watched['model']}:{pk}")
    return resumed
