"""No page of any demo role shows a rule set's code, English or an unfilled {placeholder}."""

from __future__ import annotations

import pytest

from tests.pages.codes import codes_in
from tests.pages.crawl import DEMO_ACCOUNTS, crawl, visible_text

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _around(text: str, code: str) -> str:
    at = text.find(code)
    return " ".join(text[max(at - 30, 0) : at + len(code) + 30].split())


def test_the_code_check_finds_what_it_must():
    assert codes_in("规则：about 25 名") == ["about"]
    assert codes_in("阶段：expert_scoring") == ["expert_scoring"]
    assert codes_in("end_of_term · mid_term") == ["end_of_term", "mid_term"]
    assert codes_in("期间 once") == ["once"]
    assert codes_in("松江区首席技师（{year}年）申报表") == ["{year}"]
    assert codes_in("li_ming@example.cn 上传 scan_1.pdf，PDF 不超过 10 MB") == []


def test_no_page_of_any_demo_role_shows_codes(demo_at_every_stage, client):
    from portal.models import User

    found: dict[str, list[str]] = {}
    pages = seeds = 0
    for username in [None, *DEMO_ACCOUNTS]:
        client.logout()
        if username:
            client.force_login(
                User.objects.get(username=username),
                backend="portal.auth_backends.PhoneOrEmailBackend",
            )
        for path, html in crawl(client, start="/workbench/" if username else "/").items():
            pages += 1
            text = visible_text(html)
            codes = codes_in(text)
            seeds += 'name="seed"' in html
            if 'name="seed"' in html and "可复现" not in html:
                codes.append("抽取种子未说明用途")
            if "（可空）" in text:
                codes.append("（可空）")
            if codes:
                found[f"{username or '访客'} {path}"] = [
                    f"{code}（…{_around(text, code)}…）" for code in codes
                ]
    assert pages > 60
    assert seeds  # the expert draw was among the pages
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())
