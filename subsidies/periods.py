"""Ledger periods in words (the ledger keys payments by "2025-03", "2025" or "once")."""

from __future__ import annotations

from django.utils.translation import gettext as _


def period_label(period: str) -> str:
    """2025-03 -> 2025年3月, 2025 -> 2025年度, once -> 一次性, once-2 -> 一次性（第2次）."""
    text = str(period or "")
    if text == "once":
        return _("一次性")
    if text.startswith("once-") and text[5:].isdigit():
        return _("一次性（第%(n)s次）") % {"n": text[5:]}
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():
        return f"{text[:4]}年{int(text[5:])}月"
    if len(text) == 4 and text.isdigit():
        return f"{text}年度"
    return text
