"""Writing the security audit log (portal.models.AuditLog): one function, `record`.

The request's address and user are known to `record` through a context variable the
`AuditMiddleware` sets, so services (which never take a request) can record too. The
middleware itself records refusals (403/404 to a signed-in user) and every download
(a response with Content-Disposition: exports, PDFs, payroll, materials).
"""

from __future__ import annotations

import contextvars
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.models import AuditLog
from portal.signin import find_account

logger = logging.getLogger(__name__)

_request: contextvars.ContextVar = contextvars.ContextVar("audit_request", default=None)

# The retention the law asks for (网络安全法 21(3): logs kept at least six months).
MIN_RETENTION_DAYS = 184


def client_address(request) -> str | None:
    return (request.META.get("REMOTE_ADDR") or None) if request is not None else None


def record(
    action: str,
    *,
    user=None,
    obj=None,
    object_type: str = "",
    object_id="",
    result: str = "ok",
    detail: str = "",
    request=None,
) -> None:
    """Append one row. `obj`: a model instance (its type and pk are kept, nothing else)."""
    request = request if request is not None else _request.get()
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and candidate.is_authenticated:
            user = candidate
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    try:
        with transaction.atomic():  # a savepoint: a failed row never spoils the caller's work
            AuditLog.objects.create(
                actor_id=getattr(user, "pk", None),
                actor=getattr(user, "username", "") or "",
                address=client_address(request),
                action=action,
                object_type=object_type[:100],
                object_id=str(object_id or "")[:64],
                result=result[:32],
                detail=detail[:300],
            )
    except Exception:  # the log must never break the action it records
        logger.exception("audit log row could not be written (%s)", action)


def purge(*, days: int | None = None, now=None) -> int:
    """Delete rows older than AUDIT_RETENTION_DAYS (never fewer than 184 days)."""
    keep = max(days if days is not None else settings.AUDIT_RETENTION_DAYS, MIN_RETENTION_DAYS)
    cutoff = (now or timezone.now()) - timedelta(days=keep)
    deleted, _ = AuditLog.objects.filter(at__lt=cutoff).delete()
    return deleted


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            response = self.get_response(request)
            self._after(request, response)
            return response
        finally:
            _request.reset(token)

    def _after(self, request, response) -> None:
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if response.status_code in (403, 404) and signed_in:
            record(
                "refused",
                object_type="path",
                object_id=request.path[:64],
                result=str(response.status_code),
            )
        elif response.status_code == 200 and "attachment" in response.get(
            "Content-Disposition", ""
        ):
            record(
                "export",
                object_type="path",
                object_id=request.path[:64],
                detail=response.get("Content-Type", "")[:100],
            )


# --- signal receivers (connected in PortalConfig.ready) ---------------------------------------


def on_signed_in(sender, request, user, **kwargs) -> None:
    record("sign_in", user=user, request=request)


def on_sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    """The account is named only when the identifier names one; the typed text is not kept."""
    account = find_account((credentials or {}).get("username"))
    record(
        "sign_in_failed",
        user=account,
        request=request,
        result="failed",
        detail="" if account else "unknown account",
    )


def on_signed_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record("sign_out", user=user, request=request)


def on_admin_log(sender, instance, created, **kwargs) -> None:
    """Every change made in the admin (Django's LogEntry): who, what object, which kind."""
    if not created:
        return
    kinds = {1: "added", 2: "changed", 3: "deleted"}
    record(
        "admin_change",
        user=instance.user,
        object_type=instance.content_type.model_class()._meta.label_lower
        if instance.content_type_id and instance.content_type.model_class()
        else "",
        object_id=instance.object_id or "",
        result=kinds.get(instance.action_flag, str(instance.action_flag)),
    )
