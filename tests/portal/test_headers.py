"""Issue 16, item 2: a CSP without 'unsafe-inline' on every HTML page, no inline script or style
in any page, `Cache-Control: no-store` on every response, a Permissions-Policy.

The pages are found by crawling the demo as each role sees it (links from the workbench and
the navigation, two levels deep), so a page added later is checked too.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlparse

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

ROLES = ["li_ming", "wang_hr", "zhao_street", "chen_office", "expert_a", "sun_finance", "admin"]
SKIP = ("/accounts/logout/", "/static/", "/admin/logout/")


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in attrs:
            if name == "style" or re.fullmatch(r"on[a-z]+", name):
                self.inline.append(f"<{tag} {name}=...>")
        if (
            tag == "script"
            and "src" not in attrs
            and attrs.get("type") not in ("application/json",)
        ):
            self._in_script = True
        if tag == "style":
            self.inline.append("<style>")
        if tag == "a" and attrs.get("href"):
            href = attrs["href"]
            if href.startswith("javascript:"):
                self.inline.append(f"<a href={href}>")
            self.links.append(href)

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline.append("<script>" + data.strip()[:60])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def _check(response, url, problems):
    if response.get("Cache-Control", "").find("no-store") < 0:
        problems.append(f"{url}: Cache-Control {response.get('Cache-Control')!r}")
    if "Permissions-Policy" not in response:
        problems.append(f"{url}: no Permissions-Policy")
    if not response.get("Content-Type", "").startswith("text/html"):
        return []
    csp = response.get("Content-Security-Policy", "")
    if "script-src 'self'" not in csp or "unsafe-inline" in csp or "style-src 'self'" not in csp:
        problems.append(f"{url}: CSP {csp!r}")
    page = _Page()
    page.feed(response.content.decode())
    problems.extend(f"{url}: {item}" for item in page.inline)
    return page.links


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


def test_every_page_of_every_role_has_csp_no_inline_code_and_no_store(client, demo):
    from portal.models import User

    problems: list[str] = []
    seen: set[str] = set()
    for username in ROLES:
        client.force_login(
            User.objects.get(username=username), backend="portal.auth_backends.PhoneOrEmailBackend"
        )
        queue = ["/", "/workbench/"]
        depth = {"/": 0, "/workbench/": 0}
        while queue:
            url = queue.pop(0)
            key = f"{username}:{url}"
            if key in seen:
                continue
            seen.add(key)
            response = client.get(url)
            if response.status_code in (301, 302):
                continue
            links = _check(response, url, problems)
            if depth[url] >= 2:
                continue
            for href in links:
                href = urldefrag(href)[0]
                parsed = urlparse(href)
                if parsed.netloc or not href.startswith("/") or href.startswith(SKIP):
                    continue
                if href not in depth:
                    depth[href] = depth[url] + 1
                    queue.append(href)
        client.logout()
    assert len(seen) > 60, f"crawled only {len(seen)} pages"
    assert any("/admin/" in key for key in seen)
    assert not problems, "\n".join(sorted(set(problems))[:50])


def test_anonymous_pages_have_the_headers(client, demo):
    problems: list[str] = []
    for url in ["/", "/accounts/login/", "/accounts/register/", "/reviews/publicity/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        _check(response, url, problems)
    assert not problems, problems


def test_application_pdf_and_award_page_are_not_stored(client, demo):
    from applications.models import Application
    from portal.models import User
    from portal.scope import visible
    from subsidies.models import Award

    office = User.objects.get(username="chen_office")
    client.force_login(office, backend="portal.auth_backends.PhoneOrEmailBackend")
    # an application and an award of chen_office's own authority (others' answer 404 since authz)
    application = (
        visible(office, Application.objects.exclude(status="draft")).order_by("pk").first()
    )
    pdf = client.get(f"/applications/{application.pk}/pdf/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert "no-store" in pdf["Cache-Control"]
    award = visible(office, Award.objects.order_by("pk")).first()
    page = client.get(f"/subsidies/awards/{award.pk}/")
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert "Content-Security-Policy" in page
