"""The codes of the rule sets: words a page must never show (a Chinese UI shows labels)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

RULESETS = Path(__file__).resolve().parents[2] / "fixtures" / "programmes"
CODE = re.compile(r"^[a-z][a-z0-9_]*$")
# Keys whose values are free text or references the rule set's reader writes, not codes.
NOT_CODES = {"source", "label", "title", "name_zh", "name_en", "help", "text", "note"}


def _walk(value, key=None):
    if isinstance(value, dict):
        for k, v in value.items():
            if k not in NOT_CODES:
                yield from _walk(v, k)
            if isinstance(k, str) and CODE.match(k):
                yield k
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item, key)
    elif isinstance(value, str) and CODE.match(value) and key not in NOT_CODES:
        yield value


@cache
def ruleset_codes() -> frozenset[str]:
    """Every snake_case code and key of the five rule sets (stage kinds, quota kinds, checks…)."""
    codes: set[str] = set()
    for path in sorted(RULESETS.glob("*.yaml")):
        codes.update(_walk(yaml.safe_load(path.read_text("utf-8"))))
    # The ledger's period of a one-time payment (subsidies.schedules), next to the months.
    codes.add("once")
    return frozenset(c for c in codes if len(c) > 1)


WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# What is not a word of the page's language: addresses, links and file names are not prose.
NOT_PROSE = re.compile(
    r"[\w.+-]+@[\w-]+(\.[\w-]+)+|https?://\S+|/[\w/.-]*|\b[\w-]+\.(pdf|png|jpe?g|xlsx)\b",
    re.IGNORECASE,
)
PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%\([a-z_]+\)s")


def codes_in(text: str) -> list[str]:
    """The rule-set codes, snake_case identifiers and unfilled {placeholders} in `text`."""
    found = PLACEHOLDER.findall(text)
    prose = NOT_PROSE.sub(" ", text)
    codes = ruleset_codes()
    for word in WORD.findall(prose):
        if word in codes or ("_" in word.strip("_") and word.lower() == word):
            found.append(word)
    return sorted(set(found))
