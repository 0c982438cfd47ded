"""Comparing two rule-set versions: a readable line diff of their canonical YAML."""

from __future__ import annotations

import difflib

import yaml


def as_yaml(data: dict) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def version_diff(old: dict, new: dict, *, old_label: str, new_label: str) -> list[str]:
    """Unified diff lines between two versions' data (empty when they are the same)."""
    return list(
        difflib.unified_diff(
            as_yaml(old).splitlines(),
            as_yaml(new).splitlines(),
            fromfile=old_label,
            tofile=new_label,
            lineterm="",
        )
    )
