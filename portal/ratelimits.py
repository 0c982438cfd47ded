"""Rate limits per client address on the anonymous forms (django-ratelimit on the shared cache).

Only submissions count (POST). A refused submission is answered 429 with the form as it was
filled in and a Chinese message, so nothing typed is lost.
"""

from __future__ import annotations

from django.conf import settings
from django_ratelimit.core import is_ratelimited

MESSAGE = "提交过于频繁，请稍后再试（每个网络地址每小时最多提交{limit}次）。"


def over_limit(request, *, group: str) -> bool:
    """Count this POST against `group`'s rate (settings.RATE_LIMITS) and say if it is over."""
    rate = settings.RATE_LIMITS[group]
    if not rate:
        return False
    return is_ratelimited(
        request, group=f"portal.{group}", key="ip", rate=rate, method="POST", increment=True
    )


def refusal_message(group: str) -> str:
    rate = settings.RATE_LIMITS[group]
    return MESSAGE.format(limit=rate.split("/", 1)[0])
