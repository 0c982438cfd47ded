"""What the office and finance see about awards on 我的工作台."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from subsidies import selectors
from subsidies.models import Award, PaymentBatch
from subsidies.permissions import office_ids


def union_office_panel(user) -> dict | None:
    """The city union organises the craftsman round: its awards, as an office sees them."""
    if not office_ids(user):
        return None  # a district or industry union reviews, it does not name
    panel = office_panel(user)
    panel["links"] = panel["links"][:2]
    return panel


def office_panel(user) -> dict:
    overdue, soon = selectors.assessments_for(user, today=timezone.localdate())
    items = []
    pending = selectors.recovery_claims(user, status="pending").count()
    if pending:
        items.append(
            {
                "label": _("待确认的追回"),
                "status": _("%(n)d 笔") % {"n": pending},
                "url": reverse("subsidies:recoveries") + "?status=pending",
            }
        )
    if overdue:
        items.append(
            {
                "label": _("逾期未考核"),
                "status": _("%(n)d 项") % {"n": len(overdue)},
                "url": reverse("subsidies:assessments"),
            }
        )
    if soon:
        items.append(
            {
                "label": _("%(days)d 天内到期的考核") % {"days": selectors.DUE_SOON_DAYS},
                "status": _("%(n)d 项") % {"n": len(soon)},
                "url": reverse("subsidies:assessments"),
            }
        )
    return {
        "links": [
            (_("命名与待遇"), reverse("subsidies:awards")),
            (_("考核"), reverse("subsidies:assessments")),
            (_("发放计算"), reverse("subsidies:runs")),
            (_("追回"), reverse("subsidies:recoveries")),
        ],
        "items": items,
    }


def finance_panel(user) -> dict:
    waiting = selectors.batches_for(user).filter(status=PaymentBatch.Status.DRAFT).count()
    claims = selectors.recovery_claims(user, status="confirmed").count()
    items = []
    if waiting:
        items.append(
            {
                "label": _("待审核的发放批次"),
                "status": _("%(n)d 个") % {"n": waiting},
                "url": reverse("subsidies:batches"),
            }
        )
    if claims:
        items.append(
            {
                "label": _("待审批的追回"),
                "status": _("%(n)d 笔") % {"n": claims},
                "url": reverse("subsidies:recoveries") + "?status=confirmed",
            }
        )
    return {
        "links": [
            (_("发放批次"), reverse("subsidies:batches")),
            (_("追回"), reverse("subsidies:recoveries")),
        ],
        "items": items,
    }


def awardee_panel(user) -> dict:
    """The person named sees their awards' statements."""
    awards = Award.objects.filter(person=user).select_related("ruleset_version__programme")
    return {
        "items": [
            {
                "label": _("%(programme)s 待遇明细")
                % {"programme": a.ruleset_version.programme.name},
                "status": a.get_title_display(),
                "url": reverse("subsidies:award", args=[a.pk]),
            }
            for a in awards
        ]
    }
