"""Every main page of every demo role, in Chromium: it fits a 390 px phone without the page
scrolling sideways (tables scroll inside their card), and axe-core finds no critical and no
serious violation (GB/T 37668-2019, WCAG 2.1 AA rules)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.pages.conftest import carry_to_experts
from tests.pages.crawl import DEMO_ACCOUNTS, main_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
ROLES = [None, *DEMO_ACCOUNTS]  # None: a visitor, not signed in


def _session_for(username):
    """The signed-in session of a demo account (the sign-in page itself is tested elsewhere)."""
    from portal.models import User

    client = Client()
    if username:
        client.force_login(
            User.objects.get(username=username), backend="portal.auth_backends.PhoneOrEmailBackend"
        )
    return client


def _axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations.filter(v => v.impact === "critical" || v.impact === "serious")
              .map(v => ({id: v.id, impact: v.impact,
                          nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " " +
                                 (n.failureSummary || "").split("\\n").slice(0, 2).join(" "))}));
        }"""
    )
    return result


def _too_wide(page) -> dict | None:
    sizes = page.evaluate(
        """() => {
            const wide = [...document.querySelectorAll("body *")].filter(e => {
                const r = e.getBoundingClientRect();
                return r.right > window.innerWidth + 1 && getComputedStyle(e).position !== "fixed"
                    && !e.closest(".table-responsive, .overflow-auto, pre, .dropdown-menu, .collapse:not(.show)");
            }).slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
                (e.className && typeof e.className === "string" ? "." + e.className.split(" ").join(".") : ""));
            return {page: document.documentElement.scrollWidth, view: window.innerWidth, wide};
        }"""
    )
    return sizes if sizes["page"] > sizes["view"] else None


@pytest.fixture
def demo_everywhere(live_server, demo_people):
    from io import StringIO

    from django.core.management import call_command

    call_command("load_demo", stdout=StringIO())
    carry_to_experts()
    return live_server


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_every_main_page_of_every_role_fits_a_phone_and_passes_axe(
    browser, demo_everywhere, viewport
):
    """One test per screen size, so that parallel test processes share the work."""
    assert AXE.exists(), "axe-core is missing: run `make npm` (npm ci)"
    base = demo_everywhere.url
    too_wide, violations, visited = {}, {}, 0
    for username in ROLES:
        client = _session_for(username)
        pages = main_pages(client) if username else ["/", "/accounts/login/", "/accounts/register/"]
        cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
        context = browser.new_context(locale="zh-CN", viewport=viewport, bypass_csp=True)
        if cookie:
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base}]
            )
        page = context.new_page()
        page.set_default_timeout(20000)
        try:
            for path in pages:
                page.goto(base + path, wait_until="load")
                visited += 1
                who = f"{username or '访客'} {path} ({viewport['width']} px)"
                if viewport == PHONE and (wide := _too_wide(page)):
                    too_wide[who] = wide
                if found := _axe(page):
                    violations[who] = found
        finally:
            context.close()
    assert visited > 50
    assert too_wide == {}, "\n".join(f"{k}: {v}" for k, v in too_wide.items())
    assert violations == {}, "\n".join(f"{k}: {v}" for k, v in violations.items())
