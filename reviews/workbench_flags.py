"""What 我的工作台 flags for review staff: new objections to a publicity (the organising office),
applications resubmitted after a return and items past their deadline (whoever they wait for).

Registered as a workbench panel (portal.workbench) in ReviewsConfig.ready; each flag links to
the page where it is dealt with, and a flag with nothing behind it is not shown.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from reviews import office_queue


def queue_flags(user) -> dict:
    """Resubmitted and overdue applications in the user's queue, each linking to the queue
    showing only them."""
    counts = office_queue.flag_counts(user)
    items = [
        {
            "label": label,
            "status": _("%(n)d 件") % {"n": counts[flag]},
            "url": reverse("reviews:queue") + f"?only={flag}",
            "flag": flag,
        }
        for flag, label in (("resubmitted", _("退回修改后重新提交")), ("overdue", _("已逾期待办")))
        if counts[flag]
    ]
    return {"items": items}


def objection_flags(user) -> dict:
    """Objections lodged and not yet resolved, per round, for the office that runs it."""
    rounds: dict[int, list] = {}
    for objection in office_queue.open_objections(user):
        rounds.setdefault(objection.publicity.round_id, []).append(objection)
    items = []
    for round_id, objections in rounds.items():
        items.append(
            {
                "label": _("新的公示异议：%(round)s")
                % {"round": objections[0].publicity.round.name},
                "status": _("%(n)d 件待处理") % {"n": len(objections)},
                "url": reverse("reviews:office_round", args=[round_id]),
                "flag": "objection",
            }
        )
    return {"items": items}
