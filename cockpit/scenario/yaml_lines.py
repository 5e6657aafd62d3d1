"""YAML to plain data plus the line of every key, so errors can say ``FILE:LINE: path``.

PyYAML's constructor loses positions, so we compose the node graph and build the data
ourselves. Clock times like ``10:28:45`` stay strings (YAML 1.1 would read them as
base-60 integers) and timestamps stay text (JSON Schema wants strings).
"""

from __future__ import annotations

from typing import Any

import yaml

Path_ = tuple[str | int, ...]


class YamlProblem(Exception):
    """The text is not usable YAML; ``line`` is 1-based."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def load_with_lines(text: str) -> tuple[Any, dict[Path_, int]]:
    """The document's data and {path: line}; raises :class:`YamlProblem`."""
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as exc:  # NUL and other unprintable characters
        line = text.count("\n", 0, exc.position) + 1
        raise YamlProblem(line, f"not valid YAML: {exc.reason} (character #x{exc.character:04x})"
                          ) from None
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlProblem(line, f"not valid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(1, f"not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    if node is None:
        raise YamlProblem(1, "the file is empty")
    lines: dict[Path_, int] = {}
    data = _build(node, (), lines, loader)
    return data, lines


def _build(node: yaml.Node, path: Path_, lines: dict[Path_, int], loader: yaml.SafeLoader) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in result:
                raise YamlProblem(key_node.start_mark.line + 1, f"duplicate key {key!r}")
            result[key] = _build(value_node, (*path, key), lines, loader)
            lines[(*path, key)] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), lines, loader) for i, item in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    if node.tag.endswith((":int", ":float")) and ":" in node.value:
        return node.value  # a clock time, not base 60
    if node.tag.endswith(":timestamp"):
        return node.value
    return loader.construct_scalar(node) if node.tag.endswith(":str") else _scalar(node, loader)


def _scalar(node: yaml.ScalarNode, loader: yaml.SafeLoader) -> Any:
    try:
        return loader.construct_object(node)
    except yaml.YAMLError as exc:
        raise YamlProblem(node.start_mark.line + 1, f"bad value: {exc}") from None


def dotted(path: Path_) -> str:
    """``('deployments', 0, 'revisions', 1, 'at')`` → ``deployments[0].revisions[1].at``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(top)"


def line_of(lines: dict[Path_, int], path: Path_) -> int:
    """The line of ``path`` or of its nearest ancestor that exists in the file."""
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path, 1)
