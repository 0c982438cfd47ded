"""The office's workbench: a link to the rules page of each programme it runs."""

from __future__ import annotations

from django.urls import reverse

from programmes.rule_versions import managed_programmes


def rules_panel(user) -> dict:
    return {
        "links": [
            (f"{p.name}：规则管理", reverse("programmes:rules", kwargs={"code": p.code}))
            for p in managed_programmes(user)
        ]
    }
