"""Pydantic's validation errors rendered as (path in the file, Chinese message), with lines."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterable
from typing import Annotated

from pydantic import BaseModel, ValidationError

from programmes.ruleset.base import SCHEMA_VERSION
from programmes.ruleset.schema import RuleSet, _CrossFieldProblems

# --- parsing -------------------------------------------------------------------------------

# Tags pydantic puts in an error's location for discriminated unions: not keys of the file.
_UNION_TAGS = {
    "monthly",
    "annual_in_arrears",
    "one_time",
    "on_event",
    "per_assessment",
    "tranche",
    "year_end",
    "months_after_start",
    "term_end",
    "none",
}


def _clean_loc(loc: tuple) -> tuple:
    cleaned: list = []
    for index, part in enumerate(loc):
        if isinstance(part, str):
            previous = loc[index - 1] if index else None
            if part in _UNION_TAGS and (isinstance(previous, int) or previous == "due"):
                continue
            if part.startswith(("function-", "nullable[", "list[", "dict[")) or "[" in part:
                continue
        cleaned.append(part)
    return tuple(cleaned)


def format_path(loc: Iterable) -> str:
    """("workflow", "stages", 3, "kind") -> "workflow.stages[3].kind"."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _parse_path(path: str) -> tuple:
    parts: list = []
    for token in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        parts.append(int(token[1:-1]) if token.startswith("[") else token)
    return tuple(parts)


def _unwrap(annotation):
    """The model class (if any) behind Optional[...], list[...], Annotated[...]."""
    seen = 0
    while annotation is not None and seen < 10:
        seen += 1
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return annotation
        origin = typing.get_origin(annotation)
        args = typing.get_args(annotation)
        if origin is Annotated:
            annotation = args[0]
        elif origin in (list, tuple):
            annotation = args[0] if args else None
        elif origin in (typing.Union, types.UnionType):
            models = [a for a in args if _unwrap(a) is not None]
            annotation = models[0] if len(models) == 1 else None
        else:
            return None
    return None


def _allowed_keys(loc: tuple) -> list[str] | None:
    """The keys allowed where an unknown key was found (best effort)."""
    model: type[BaseModel] | None = RuleSet
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if model is None or part not in model.model_fields:
            return None
        model = _unwrap(model.model_fields[part].annotation)
    return list(model.model_fields) if model is not None else None


def _message(error: dict, loc: tuple) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    given = error.get("input")
    name = loc[-1] if loc else ""
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc)
        hint = f"（可用的键：{'、'.join(allowed)}）" if allowed else ""
        return f"未知的键“{name}”{hint}"
    if kind == "missing":
        return f"缺少必填项“{name}”"
    if loc == ("schema_version",):
        return f"不支持的规则格式版本“{given}”（本平台为 {SCHEMA_VERSION}）"
    if kind == "literal_error":
        return f"“{given}”不是允许的值，应为：{ctx.get('expected')}"
    if kind == "union_tag_invalid":
        return f"“{ctx.get('tag')}”不是允许的类型，应为：{ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return f"缺少类型键“{ctx.get('discriminator')}”"
    if kind == "string_pattern_mismatch":
        if name == "source":
            return "条款出处不能为空，且首尾不能有空格"
        return f"“{given}”格式不符（应匹配 {ctx.get('pattern')}；代码用小写英文、数字和下划线）"
    if kind in ("string_too_short", "too_short"):
        return f"不能为空（至少 {ctx.get('min_length', 1)} 项/字）"
    if kind == "int_parsing" or kind == "int_type":
        return f"“{given}”应为整数"
    if kind in ("bool_parsing", "bool_type"):
        return f"“{given}”应为 true 或 false"
    if kind in ("list_type", "dict_type", "model_type", "model_attributes_type"):
        expected = {"list_type": "列表", "dict_type": "映射"}.get(kind, "映射（键: 值）")
        return f"应为{expected}，而不是“{given!r}”"
    if kind == "value_error":
        return error["msg"].removeprefix("Value error, ")
    return error["msg"]


def _problems_from(exc: ValidationError) -> list[tuple[str, str]]:
    problems = []
    for error in exc.errors():
        original = (error.get("ctx") or {}).get("error")
        if isinstance(original, _CrossFieldProblems):
            problems.extend(original.problems)
            continue
        loc = _clean_loc(error["loc"])
        if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
            discriminator = str((error.get("ctx") or {}).get("discriminator", "")).strip("'")
            if discriminator and error["type"] == "union_tag_invalid":
                loc = (*loc, discriminator)
        problems.append((format_path(loc), _message(error, loc)))
    return problems


def _with_lines(
    problems: list[tuple[str, str]], lines: dict[tuple, int] | None
) -> list[tuple[str, str]]:
    if not lines:
        return problems
    out = []
    for path, message in problems:
        if not path:
            out.append((path, message))
            continue
        loc = _parse_path(path)
        line = None
        while line is None:
            line = lines.get(loc)
            if not loc:
                break
            loc = loc[:-1]
        out.append((path, f"{message}（第{line}行）" if line else message))
    return out
