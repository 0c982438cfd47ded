"""Request-wide controls: the health check (before host validation and the HTTPS redirect) and
the session's idle and absolute limits."""

from __future__ import annotations

import time
from datetime import timedelta

import redis
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils import timezone

from portal.celery import app
from portal.roles import is_staff_member


class HealthCheckMiddleware:
    """/healthz: PostgreSQL, Redis and a Celery worker; 200 when all answer, else 503 naming
    the parts that are down (``{"status": "down", "down": ["redis"], "checks": {...}}``).

    Without REDIS_URL (the demo) tasks run in-process: Redis and the worker are reported as
    "in-process" and do not count as down.
    """

    path = "/healthz"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == self.path:
            checks = health_checks()
            down = [name for name, state in checks.items() if state not in ("ok", "in-process")]
            return JsonResponse(
                {"status": "down" if down else "ok", "down": down, "checks": checks},
                status=503 if down else 200,
            )
        return self.get_response(request)


def health_checks() -> dict[str, str]:
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"down: {type(exc).__name__}"
    if not settings.REDIS_URL:
        checks["redis"] = checks["celery"] = "in-process"
        return checks
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"down: {type(exc).__name__}"
    if checks["redis"] != "ok":
        checks["celery"] = "down: no broker"
        return checks
    try:
        replies = app.control.ping(timeout=settings.HEALTHZ_WORKER_TIMEOUT, limit=1)
        checks["celery"] = "ok" if replies else "down: no worker answered"
    except Exception as exc:
        checks["celery"] = f"down: {type(exc).__name__}"
    return checks


class SessionLimitsMiddleware:
    """Sign out after SESSION_IDLE_SECONDS without a request, and SESSION_COOKIE_AGE after the
    sign-in however busy the session (MLPS 2.0 8.1.4.1 b: 登录连接超时自动退出); send staff
    whose password is older than STAFF_PASSWORD_DAYS to the password change page first.
    """

    # Touch the session at most this often so that every request is not a database write.
    touch_every = 60
    expiry_exempt = ("/accounts/password-change/", "/accounts/logout/", "/static/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            signed_in = session.setdefault(SIGNED_IN_KEY, now)
            last_seen = session.get(LAST_SEEN_KEY, now)
            idle = now - last_seen > settings.SESSION_IDLE_SECONDS
            too_old = now - signed_in > settings.SESSION_COOKIE_AGE
            if idle or too_old:
                logout(request)
                messages.info(
                    request,
                    "您已较长时间未操作，为保护账号安全已自动退出，请重新登录。"
                    if idle
                    else "登录已超过有效时间，请重新登录。",
                )
                return redirect_to_login(request.get_full_path())
            if now - last_seen >= self.touch_every or LAST_SEEN_KEY not in session:
                session[LAST_SEEN_KEY] = now
            if password_expired(user) and not request.path.startswith(self.expiry_exempt):
                messages.warning(
                    request,
                    f"工作人员密码每{settings.STAFF_PASSWORD_DAYS}天须更换一次，请先修改密码。",
                )
                return redirect("password_change")
        return self.get_response(request)


SIGNED_IN_KEY = "portal_signed_in_at"
LAST_SEEN_KEY = "portal_last_seen_at"


def password_expired(user) -> bool:
    """A staff account's password is older than STAFF_PASSWORD_DAYS."""
    days = settings.STAFF_PASSWORD_DAYS
    if not days or not is_staff_member(user):
        return False
    changed = getattr(user, "password_changed_at", None)
    return changed is None or timezone.now() - changed > timedelta(days=days)


class PrivacyHeadersMiddleware:
    """`Cache-Control: no-store` on every response the portal makes (pages, PDFs, xlsx, JSON):
    nearly all of them carry personal data -- names on the public publicity list, ID numbers
    on the review pages -- so no browser or proxy may keep a copy. Static files are served by
    whitenoise before this runs and stay cacheable. Also the Permissions-Policy header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["Cache-Control"] = "no-store, private"
        response["Pragma"] = "no-cache"
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy:
            response.setdefault("Permissions-Policy", policy)
        return response
