"""Strict YAML: a key given twice is reported with its line, and each node's line is kept."""

from __future__ import annotations

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
