"""The staff queue as xlsx: the filtered list the user sees, every page of it, through the
portal's one xlsx writer (portal.xlsx).

The rows are those of the queue page (reviews.office_queue.listing, with the same filters and
search) cut once more to the applications the user may open (portal.scope), so the file never
holds another organisation's or another authority's application. It holds no ID number,
phone or bank account: the queue shows none.
"""

from __future__ import annotations

from django.utils import timezone

from applications.models import Application
from applications.pdf import application_number
from portal import scope
from portal.xlsx import xlsx_response
from reviews import office_queue, selectors
from reviews.selectors import QueueFilter

HEADERS = [
    "申报编号",
    "申报人",
    "单位",
    "人才项目",
    "申报批次",
    "当前阶段",
    "状态",
    "进入当前阶段",
    "已等待（天）",
    "办理期限",
    "是否逾期",
]
MAX_ROWS = 20000
CHUNK = 500


def export_rows(user, filters: QueueFilter | None = None, *, now=None) -> list[list]:
    """The queue's rows as the sheet holds them, in the page's order."""
    now = now or timezone.now()
    ids = list(office_queue.listing(user, filters).values_list("pk", flat=True)[:MAX_ROWS])
    allowed = set(
        scope.visible(user, Application.objects.filter(pk__in=ids)).values_list("pk", flat=True)
    )
    ids = [pk for pk in ids if pk in allowed]
    statuses = dict(Application.Status.choices)
    rows: list[list] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        loaded = {
            a.pk: a
            for a in Application.objects.filter(pk__in=chunk)
            .select_related("round__version__programme", "applicant", "unit")
            .defer("data", "warn_reasons", "round__version__data")
        }
        apps = selectors.annotate_rows([loaded[pk] for pk in chunk if pk in loaded], now=now)
        for app in apps:
            entered = app.waiting.since
            rows.append(
                [
                    application_number(app),
                    app.applicant.display_name,
                    app.unit.name if app.unit_id else "",
                    app.round.version.programme.name,
                    app.round.name,
                    app.stage_title,
                    str(statuses.get(app.status, app.status)),
                    timezone.localtime(entered).strftime("%Y-%m-%d %H:%M") if entered else "",
                    app.waiting.days if entered else None,
                    app.waiting.deadline.isoformat() if app.waiting.deadline else "",
                    "已逾期" if app.waiting.overdue else "",
                ]
            )
    return rows


def queue_xlsx(user, filters: QueueFilter | None = None):
    """The HttpResponse downloading the queue's xlsx."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(
        filename=f"queue-{stamp}.xlsx",
        headers=HEADERS,
        rows=export_rows(user, filters),
        title="待审核申报",
    )
