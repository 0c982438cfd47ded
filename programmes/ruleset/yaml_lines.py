"""Strict YAML: a key given twice is reported with its line, and each node's line is kept.

One loader for every YAML file a person writes: rule sets (`load_ruleset_text`, which reports a
repeated key with the schema's problems) and scenario files (`load_strict_yaml`, used by
`simulate` and by the rules page's trials).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml


class _Loader(yaml.SafeLoader):
    """Safe YAML that notes a key given twice in one mapping (the second would win silently):
    `repeated` lists (path-free message, line) for each, and parsing goes on so that every other
    problem of the file is reported with it."""

    def __init__(self, stream):
        super().__init__(stream)
        self.repeated: list[tuple[str, int]] = []

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                repeated = key in seen
                seen.add(key)
            except TypeError:
                continue
            if repeated:
                self.repeated.append((f"键“{key}”重复", key_node.start_mark.line + 1))
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_timestamp(self, node):
        # An impossible date written unquoted (2024-13-45) is kept as its text, so that the
        # schema reports it at its path and line like any other value that is not a date.
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def _line_map(node, path: tuple = (), out: dict | None = None) -> dict[tuple, int]:
    out = {} if out is None else out
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key_path = (*path, str(key_node.value))
            out[key_path] = key_node.start_mark.line + 1
            _line_map(value_node, key_path, out)
            out[key_path] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, (*path, index), out)
    return out


@dataclass(frozen=True)
class StrictYaml:
    """A YAML document read by the strict loader: its data, its node (for the lines) and the
    keys given twice in one mapping, as (message, line)."""

    data: Any
    node: yaml.Node | None
    repeated: list[tuple[str, int]]


def read_strict_yaml(text: str) -> StrictYaml:
    """Read one YAML document with the strict loader; raise yaml.YAMLError when it does not
    parse. A repeated key does not stop the reading: it is listed in `repeated`."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return StrictYaml(data, node, list(loader.repeated))


class RepeatedKeyError(ValueError):
    """A YAML file with a key given twice in one mapping: each with its line."""

    def __init__(self, repeated: list[tuple[str, int]]):
        self.repeated = repeated
        super().__init__("；".join(f"{message}（第{line}行）" for message, line in repeated))


def load_strict_yaml(text: str) -> Any:
    """The data of a YAML document; a key given twice raises RepeatedKeyError naming the key
    and its line (plain `yaml.safe_load` would keep the second silently), YAML that does not
    parse raises yaml.YAMLError. An impossible date written unquoted stays its text."""
    document = read_strict_yaml(text)
    if document.repeated:
        raise RepeatedKeyError(document.repeated)
    return document.data
