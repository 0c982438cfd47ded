"""Pages that read every app: the home page (open rounds), 我的工作台 and 统计分析."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dashboards import statistics as stats
from portal.roles import assignments_of, ordered_roles, role_codes
from portal.workbench import panels_for
from portal.xlsx import xlsx_response
from programmes.selectors import open_rounds


@require_GET
def home(request):
    today = timezone.localdate()
    return render(request, "portal/home.html", {"rounds": open_rounds(today), "today": today})


@login_required
def workbench(request):
    """我的工作台: each role's panel; the panels of later stages plug in through `panels`."""
    codes = ordered_roles(role_codes(request.user))
    assignments = assignments_of(request.user)
    today = timezone.localdate()
    context = {
        "role_codes": codes,
        "assignments": assignments,
        "rounds": open_rounds(today),
        "panels": workbench_panels(request.user, codes),
    }
    return render(request, "portal/workbench.html", context)


def workbench_panels(user, codes) -> list[dict]:
    """Panels contributed by the apps (`portal.workbench.register_panel`), one per role."""
    return panels_for(user, codes)


@login_required
def statistics(request):
    """统计分析: the tables and charts of the user's scope, each table downloadable as xlsx."""
    scope = stats.scope_of(request.user)
    if scope is None:
        raise PermissionDenied("您的角色没有统计报表")
    try:
        round_id = int(request.GET.get("round") or 0) or None
    except ValueError:
        round_id = None
    rounds, tables = stats.dashboard(scope, round_id=round_id, today=timezone.localdate())
    download = request.GET.get("download")
    if download:
        table = next((t for t in tables if t["key"] == download), None)
        if table is None:
            raise PermissionDenied("没有这张统计表")
        return _xlsx(table)
    return render(
        request,
        "dashboards/statistics.html",
        {"rounds": rounds, "tables": tables, "round_id": round_id},
    )


def _xlsx(table) -> HttpResponse:
    return xlsx_response(
        filename=f"statistics-{table['key']}.xlsx",
        headers=table["columns"],
        rows=table["rows"],
        title=table["title"],
    )
