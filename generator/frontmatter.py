"""YAML with line numbers: safe loading, duplicate keys caught, front matter split off."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.errors import Problem, problem

_FENCE = re.compile(r"^---[ \t]*$")
# libyaml's parser when PyYAML has it (10-20x faster); same safe constructor and resolver
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG = "tag:yaml.org,2002:str"


@dataclass(frozen=True, slots=True)
class YamlDoc:
    """A parsed YAML mapping with the line of every key, for `path:line` messages."""

    data: Mapping[str, Any]
    """The mapping as yaml.safe_load builds it."""
    path: str
    """File it came from."""
    lines: Mapping[str, int] = field(default_factory=dict)
    """Dotted key (`annotations.entity_footnotes`) -> 1-based line in the file."""
    raw: Mapping[str, str] = field(default_factory=dict)
    """Dotted key -> the scalar exactly as written, for values YAML did not keep as text."""
    first_line: int = 1
    """Line of the document's first line in the file."""

    def line(self, key: str) -> int:
        """Line of `key`, or of the document start when the key is absent."""
        return self.lines.get(key, self.first_line)

    def problem(self, key: str, message: str, level: str = "error") -> Problem:
        """A Problem at the line of `key`."""
        return problem(self.path, self.line(key), message, level)  # type: ignore[arg-type]


def _walk(node: Node, prefix: str, offset: int, doc: dict[str, Any], path: str,
          problems: list[Problem]) -> None:
    if isinstance(node, MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1 + offset
            if key in seen:
                problems.append(problem(path, line, f"duplicate key {key!r} (first on line {seen[key]})"))
            seen[key] = line
            dotted = f"{prefix}.{key}" if prefix else key
            doc["lines"][dotted] = line
            if isinstance(value_node, ScalarNode) and value_node.tag != _STR_TAG:
                doc["raw"][dotted] = value_node.value
            _walk(value_node, dotted, offset, doc, path, problems)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            _walk(item, prefix, offset, doc, path, problems)


def _parse(text: str, loader_class: Any) -> tuple[Node | None, Any]:
    """One parse: the node tree gives line numbers, and the data is constructed from it."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def _yaml_problem(exc: yaml.YAMLError, path: str, line_offset: int) -> Problem:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + line_offset
        return problem(path, line, f"invalid YAML: {exc.problem or exc.context or 'invalid YAML'}")
    return problem(path, 1 + line_offset, f"invalid YAML: {exc}")


def load_yaml(text: str, path: Path | str, line_offset: int = 0) -> tuple[YamlDoc | None, list[Problem]]:
    """Safely load a YAML mapping; problems name the file and line (offset added)."""
    path = str(path)
    problems: list[Problem] = []
    try:
        node, data = _parse(text, _LOADER)
    except yaml.YAMLError:
        try:  # the pure-Python parser's messages and line numbers are the ones users see
            node, data = _parse(text, yaml.SafeLoader)
        except yaml.YAMLError as exc:
            return None, [_yaml_problem(exc, path, line_offset)]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [problem(path, 1 + line_offset, "expected a mapping of `key: value` lines")]
    info: dict[str, Any] = {"lines": {}, "raw": {}}
    if node is not None:
        _walk(node, "", line_offset, info, path, problems)
    bad_keys = [k for k in data if not isinstance(k, str)]
    for key in bad_keys:
        problems.append(problem(path, 1 + line_offset, f"key {key!r} must be text"))
    clean = {str(k): v for k, v in data.items()}
    return YamlDoc(clean, path, info["lines"], info["raw"], 1 + line_offset), problems


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split `---` front matter from a Markdown text: (yaml or None, body, body's first line)."""
    lines = text.split("\n")
    if not lines or not _FENCE.match(lines[0].rstrip("\r")):
        return None, text, 1
    for i in range(1, len(lines)):
        if _FENCE.match(lines[i].rstrip("\r")) or lines[i].rstrip("\r") == "...":
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2
    return "\n".join(lines[1:]), "", len(lines) + 1


def dump_front_matter(data: Mapping[str, Any], body: str) -> str:
    """Write front matter and body as one Markdown text (YAML via yaml.safe_dump)."""
    fm = yaml.safe_dump(dict(data), sort_keys=False, allow_unicode=True, width=10_000,
                        default_flow_style=None)
    return f"---\n{fm}---\n{body}"
