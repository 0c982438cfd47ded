"""Celery tasks of the portal app."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

from portal import audit, outbox, sms


@shared_task(
    name="portal.send_notification",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_notification(to: list[str], subject: str, body: str) -> int:
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False)


@shared_task(name="portal.ping")
def ping() -> str:
    return "pong"


@shared_task(
    name="portal.send_text_message",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_text_message(phone: str, template: str, params: dict) -> int:
    # the backend is chosen when the task runs (portal.sms.get_backend)
    return sms.send_sms(sms.SmsMessage(to=phone, template=template, params=params))


@shared_task(name="portal.relay_outbox")
def relay_outbox() -> int:
    """Beat, every 30 s: send the tasks kept while the broker was down."""
    return outbox.relay()[0]


@shared_task(name="portal.resume_stalled")
def resume_stalled() -> list[str]:
    """Beat, every minute: queue again the runs and batches whose worker died."""
    return outbox.resume_stalled()


@shared_task(name="portal.purge_audit_log")
def purge_audit_log() -> int:
    """Daily: remove audit rows older than the retention (at least 184 days)."""
    return audit.purge()
