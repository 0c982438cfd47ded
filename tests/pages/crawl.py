"""Every page each demo account can reach by following links, for the page-wide tests.

`crawl(client)` walks the links (GET only) from the workbench of whoever the client is signed in
as, and returns {path: html}. Downloads (PDF, xlsx), the Django admin (its own, translated UI),
the sign-out and the language-neutral endpoints are left out.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlparse

SKIP = re.compile(
    r"^/(admin/|accounts/logout|static/|media/|attachments/|robots\.txt|healthz)"
    r"|/pdf/|\.(pdf|xlsx|zip|png|jpg)$|[?&](download|format|export)="
)
DEMO_ACCOUNTS = [
    "li_ming",
    "gu_base",
    "wang_hr",
    "zhao_street",
    "qian_dept",
    "zhou_union",
    "chen_office",
    "expert_a",
    "expert_b",
    "sun_finance",
    "demo_zhang",
]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


class VisibleText(HTMLParser):
    """The text a reader sees (and hears): text nodes outside script/style/template, plus the
    labels a screen reader announces (alt, title, aria-label, placeholder)."""

    HIDDEN = {"script", "style", "template", "noscript"}
    SPOKEN = ("alt", "title", "aria-label", "placeholder")

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1
        for name, value in attrs:
            if name in self.SPOKEN and value:
                self.parts.append(value)
        if tag == "input" and dict(attrs).get("type") in ("submit", "button"):
            self.parts.append(dict(attrs).get("value") or "")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(p for p in parser.parts if p.strip())


def crawl(client, *, start: str = "/workbench/", limit: int = 250) -> dict[str, str]:
    seen: dict[str, str] = {}
    queue = [start, "/"]
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen or SKIP.search(path):
            continue
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            seen[path] = ""
            continue
        html = response.content.decode()
        seen[path] = html
        parser = _Links()
        parser.feed(html)
        for href in parser.links:
            href, _ = urldefrag(href)
            parts = urlparse(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in seen and target not in queue:
                queue.append(target)
    return {path: html for path, html in seen.items() if html}


def main_pages(client) -> list[str]:
    """One page per kind (the numbers stripped): /reviews/applications/12/ and /13/ are one."""
    kinds: dict[str, str] = {}
    for path in crawl(client):
        kind = re.sub(r"\d+", "N", path.split("?")[0])
        kinds.setdefault(kind, path)
    return sorted(kinds.values())
