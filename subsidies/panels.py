"""What the office and finance see about awards on 我的工作台."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from subsidies import selectors
from subsidies.models import PaymentBatch


def office_panel(user) -> dict:
    overdue, soon = selectors.assessments_for(user, today=timezone.localdate())
    items = []
    if overdue:
        items.append(
            {
                "label": "逾期未考核",
                "status": f"{len(overdue)} 项",
                "url": reverse("subsidies:assessments"),
            }
        )
    if soon:
        items.append(
            {
                "label": f"{selectors.DUE_SOON_DAYS} 天内到期的考核",
                "status": f"{len(soon)} 项",
                "url": reverse("subsidies:assessments"),
            }
        )
    return {
        "links": [
            ("命名与待遇", reverse("subsidies:awards")),
            ("考核", reverse("subsidies:assessments")),
            ("发放计算", reverse("subsidies:runs")),
        ],
        "items": items,
    }


def finance_panel(user) -> dict:
    waiting = selectors.batches_for(user).filter(status=PaymentBatch.Status.DRAFT).count()
    return {
        "links": [("发放批次", reverse("subsidies:batches"))],
        "items": [
            {
                "label": "待审核的发放批次",
                "status": f"{waiting} 个",
                "url": reverse("subsidies:batches"),
            }
        ]
        if waiting
        else [],
    }
