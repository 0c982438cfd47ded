"""Parsing and loading rule sets (data, files, uploaded text); their digest."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from programmes.eligibility import REGISTRY
from programmes.ruleset.base import RuleSetError
from programmes.ruleset.errors import _problems_from, _with_lines
from programmes.ruleset.schema import RuleSet
from programmes.ruleset.yaml_lines import _line_map, read_strict_yaml


def _parse(data: Any, source: str, lines: dict[tuple, int] | None = None) -> RuleSet:
    if not isinstance(data, dict):
        raise RuleSetError(
            source, [("", "规则文件应为一个 YAML 映射（schema_version、identity、form …）")]
        )
    try:
        return RuleSet.model_validate(data)
    except ValidationError as exc:
        problems = _problems_from(exc)
        known = {path for path, _ in problems}
        problems += [p for p in _unregistered_checks(data) if p[0] not in known]
        raise RuleSetError(source, _with_lines(problems, lines)) from None


def _unregistered_checks(data: dict) -> list[tuple[str, str]]:
    """Unknown check codes, read from the raw data: the cross-field checks that also find
    them run only on a valid rule set, and an upload is told about every mistake at once."""
    checks = (data.get("eligibility") or {}).get("checks") if isinstance(data, dict) else None
    problems = []
    for index, rule in enumerate(checks if isinstance(checks, list) else ()):
        code = rule.get("code") if isinstance(rule, dict) else None
        if isinstance(code, str) and code not in REGISTRY:
            known = "、".join(sorted(REGISTRY))
            problems.append(
                (f"eligibility.checks[{index}].code", f"未登记的检查“{code}”（已登记：{known}）")
            )
    return problems


def parse_ruleset(data: dict, *, source: str = "<data>") -> RuleSet:
    """Validate a rule set given as data (from YAML or a stored version); raise RuleSetError."""
    return _parse(data, source)


def load_ruleset(path: str | Path) -> RuleSet:
    """Read and validate a rule-set file; raise RuleSetError naming the file, paths and lines."""
    path = Path(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RuleSetError(source, [("", "找不到规则文件")]) from None
    except UnicodeDecodeError:
        raise RuleSetError(source, [("", "规则文件应为 UTF-8 编码")]) from None
    return load_ruleset_text(text, source=source)


def load_ruleset_text(text: str, *, source: str = "<upload>") -> RuleSet:
    """Validate a rule set given as YAML text (an uploaded file); raise RuleSetError with every
    problem, each with its path in the file and its line: repeated keys, YAML errors, the schema
    and the cross-field checks."""
    try:
        document = read_strict_yaml(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"第{mark.line + 1}行" if mark else ""
        column = f"第{mark.column + 1}列" if mark else ""
        problem = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise RuleSetError(
            source, [(where, f"YAML 格式错误：{problem}（{where}{column}）")]
        ) from None
    except yaml.YAMLError as exc:
        raise RuleSetError(source, [("", f"YAML 格式错误：{exc}")]) from None
    repeated = [(f"第{line}行", f"{message}（第{line}行）") for message, line in document.repeated]
    lines = _line_map(document.node) if document.node is not None else None
    try:
        ruleset = _parse(document.data, source, lines)
    except RuleSetError as exc:
        raise RuleSetError(source, [*repeated, *exc.problems]) from None
    if repeated:
        raise RuleSetError(source, repeated)
    return ruleset


def ruleset_digest(data: dict | RuleSet) -> str:
    """SHA-256 of the canonical JSON of the parsed rule set (decides whether a file is a new version).

    The data is parsed first, so key order, quoting, comments and defaults left out do not
    change the digest; any change of meaning does.
    """
    ruleset = data if isinstance(data, RuleSet) else parse_ruleset(data)
    canonical = json.dumps(
        ruleset.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def in_force_on(ruleset: RuleSet, on: date) -> bool:
    """Whether the programme's document is in force on `on`."""
    identity = ruleset.identity
    return identity.in_force_from <= on and (
        identity.in_force_until is None or on <= identity.in_force_until
    )
