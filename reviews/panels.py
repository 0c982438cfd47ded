"""What review adds to 我的工作台: the queue with its count, the office's rounds, the expert's
assignments."""

from __future__ import annotations

from django.urls import reverse

from reviews.models import Assignment
from reviews.selectors import office_rounds, queue_for


def queue_panel(user) -> dict:
    count = queue_for(user).count()
    return {"links": [(f"待审核（{count}）", reverse("reviews:queue"))]}


def office_panel(user) -> dict:
    rounds = office_rounds(user)
    if not rounds:
        return {}
    return {
        "links": [("评审组织", reverse("reviews:office_rounds"))],
        "items": [
            {"label": r.name, "url": reverse("reviews:office_round", args=[r.pk])}
            for r in rounds[:5]
        ],
    }


def expert_panel(user) -> dict:
    waiting = (
        Assignment.objects.filter(expert=user, status=Assignment.Status.ASSIGNED)
        .exclude(sheet__submitted_at__isnull=False)
        .count()
    )
    return {"links": [(f"专家评审（待评 {waiting}）", reverse("reviews:expert_queue"))]}
