"""Pages every visitor shares: registration, messages, robots.txt (home, the workbench and the
statistics read every app and live in `dashboards.views`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from portal.forms import RegistrationForm
from portal.identity import area_code_warning
from portal.notifications import messages_of
from portal.ratelimits import over_limit, refusal_message
from portal.services import register_applicant


def register(request):
    if request.user.is_authenticated:
        return redirect("workbench")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST":
        if over_limit(request, group="register"):
            form.is_valid()
            form.add_error(None, refusal_message("register"))
            return render(request, "registration/register.html", {"form": form}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            # Known ID numbers get the same answer as new ones (no account is made; the
            # holder of the number is told instead), so the form is no oracle of who is here.
            register_applicant(
                account=data["account"],
                account_kind=form.account_kind,
                real_name=data["real_name"],
                id_number=data["id_number"],
                password=data["password1"],
            )
            if warning := area_code_warning(data["id_number"]):
                messages.warning(request, warning)
            return redirect("register_done")
    return render(request, "registration/register.html", {"form": form})


@require_GET
def register_done(request):
    return render(request, "registration/register_done.html")


def robots(request):
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")


def bare_ok(request):
    """`ok`, and nothing else: the benchmarks' bare view (served when BENCH_BARE_VIEW=1)."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def message_list(request):
    """站内消息: every notice sent to the user, the unread ones first marked."""
    items = list(messages_of(request.user)[:200])
    return render(request, "portal/messages.html", {"items": items})


@login_required
def message_open(request, pk: int):
    """Open one message (marks it read) and go where it points, else back to the list."""
    message = get_object_or_404(messages_of(request.user), pk=pk)
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    if message.link and url_has_allowed_host_and_scheme(message.link, allowed_hosts=None):
        return redirect(message.link)
    return redirect("messages")


@require_POST
@login_required
def messages_read_all(request):
    messages_of(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, "已全部标为已读。")
    return redirect("messages")
