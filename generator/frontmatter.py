"""YAML with line numbers: safe loading, duplicate keys caught, front matter split off."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.errors import Problem, problem

_FENCE = re.compile(r"^---[ \t]*$")
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
    """Dotted key (or `key[i]` for list items) -> the scalar exactly as written, for values YAML did
    not keep as text."""
    first_line: int = 1
    """Line of the document's first line in the file."""

    def line(self, key: str) -> int:
        """Line of `key`, or of the document start when the key is absent."""
        return self.lines.get(key, self.first_line)

    def problem(self, key: str, message: str, level: str = "error") -> Problem:
        """A Problem at the line of `key`."""
        return problem(self.path, self.line(key), message, level)  # type: ignore[arg-type]


class _Loader(yaml.SafeLoader):
    """yaml.SafeLoader whose impossible dates (`2024-02-30`) are YAML errors with a line, not crashes."""

    def construct_yaml_timestamp(self, node: Node) -> Any:
        try:
            return super().construct_yaml_timestamp(node)  # type: ignore[arg-type]
        except (ValueError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(None, None, f"{node.value!r} is not a real date ({exc})",
                                                    node.start_mark) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


_FastLoader: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = _Loader
if hasattr(yaml, "CSafeLoader"):
    class _CLoader(yaml.CSafeLoader):
        """The same loader on libyaml's parser (10-20x faster); used when the text is valid YAML."""

        def construct_yaml_timestamp(self, node: Node) -> Any:
            try:
                return yaml.constructor.SafeConstructor.construct_yaml_timestamp(self, node)  # type: ignore[arg-type]
            except (ValueError, OverflowError) as exc:
                raise yaml.constructor.ConstructorError(None, None, f"{node.value!r} is not a real date ({exc})",
                                                        node.start_mark) from None

    _CLoader.add_constructor("tag:yaml.org,2002:timestamp", _CLoader.construct_yaml_timestamp)
    _FastLoader = _CLoader


def _fast_parse(text: str) -> tuple[Node | None, Any] | None:
    """Parse with libyaml; None on any error (the pure-Python loader then words the message)."""
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    except (yaml.YAMLError, RecursionError, ValueError, TypeError):
        return None
    finally:
        loader.dispose()


def _line_of(text: str, mark: Any) -> int:
    """1-based line of a YAML mark, counting only \\n: YAML also breaks lines at U+0085, U+2028, U+2029."""
    return text.count("\n", 0, max(mark.index, 0)) + 1


def _walk(node: Node, prefix: str, offset: int, doc: dict[str, Any], path: str,
          problems: list[Problem], seen_nodes: set[int] | None = None) -> None:
    seen_nodes = set() if seen_nodes is None else seen_nodes
    if id(node) in seen_nodes:  # an alias (*name) of a node already walked: never walk it twice
        return
    seen_nodes.add(id(node))
    if isinstance(node, MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = _line_of(doc["text"], key_node.start_mark) + offset
            if key in seen:
                problems.append(problem(path, line, f"duplicate key {key!r} (first on line {seen[key]})"))
            seen[key] = line
            dotted = f"{prefix}.{key}" if prefix else key
            doc["lines"][dotted] = line
            if isinstance(value_node, ScalarNode) and value_node.tag != _STR_TAG:
                doc["raw"][dotted] = value_node.value
            _walk(value_node, dotted, offset, doc, path, problems, seen_nodes)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            if isinstance(item, ScalarNode) and item.tag != _STR_TAG:
                doc["raw"][f"{prefix}[{i}]"] = item.value
            _walk(item, prefix, offset, doc, path, problems, seen_nodes)


def load_yaml(text: str, path: Path | str, line_offset: int = 0) -> tuple[YamlDoc | None, list[Problem]]:
    """Safely load a YAML mapping; problems name the file and line (offset added)."""
    path = str(path)
    problems: list[Problem] = []
    loader: _Loader | None = None
    fast = _fast_parse(text)
    try:
        if fast is not None:
            node, data = fast
        else:
            loader = _Loader(text)
            node = loader.get_single_node()  # parsed once: the nodes give lines, then they are built
            data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (_line_of(text, mark) if mark else 1) + line_offset
        reason = exc.problem or exc.context or "invalid YAML"
        return None, [problem(path, line, f"invalid YAML: {reason}")]
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (a control character)
        line = text.count("\n", 0, max(exc.position, 0)) + 1 + line_offset
        return None, [problem(path, line, f"invalid YAML: character U+{exc.character:04X} is not allowed"
                                          if isinstance(exc.character, int) else f"invalid YAML: {exc.reason}")]
    except yaml.YAMLError as exc:
        return None, [problem(path, 1 + line_offset, f"invalid YAML: {exc}")]
    except RecursionError:
        return None, [problem(path, 1 + line_offset, "invalid YAML: nested too deeply")]
    finally:
        if loader is not None:
            loader.dispose()
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [problem(path, 1 + line_offset, "expected a mapping of `key: value` lines")]
    info: dict[str, Any] = {"lines": {}, "raw": {}, "text": text}
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


_FAST_DUMPER: Any = getattr(yaml, "CSafeDumper", None)  # None when PyYAML was built without libyaml
_FAST_TEXT = re.compile("[^\n\r\x85\u2028\u2029\ud800-\udfff\U00010000-\U0010ffff]{0,2000}")
"""Text that libyaml's emitter writes exactly as PyYAML's does (checked by tests/test_frontmatter.py):
no line breaks, nothing outside the Basic Multilingual Plane, far too short to be folded."""


def _fast_dumpable(value: Any) -> bool:
    """Whether the C dumper writes `value` (a front-matter value) byte for byte as the Python one."""
    if isinstance(value, str):
        return _FAST_TEXT.fullmatch(value) is not None
    if isinstance(value, list):
        return all(isinstance(v, (str, int, float, bool)) or v is None for v in value) and all(
            _fast_dumpable(v) for v in value)
    return value is None or isinstance(value, (bool, int, float)) or type(value) is dt.date


def dump_front_matter(data: Mapping[str, Any], body: str) -> str:
    """Write front matter and body as one Markdown text (YAML via yaml.safe_dump).

    libyaml's emitter (when PyYAML has it) writes the simple values import produces ten times
    faster and with the same bytes; anything else goes through PyYAML's own emitter.
    """
    plain = dict(data)
    fast = _FAST_DUMPER is not None and all(
        isinstance(k, str) and _fast_dumpable(k) and _fast_dumpable(v) for k, v in plain.items())
    fm = yaml.dump(plain, Dumper=_FAST_DUMPER if fast else yaml.SafeDumper, sort_keys=False,
                   allow_unicode=True, width=10_000, default_flow_style=None)
    return f"---\n{fm}---\n{body}"


_DECIMAL = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$")
_WHOLE = re.compile(r"^[-+]?\d+$")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _yaml_kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dt.datetime):
        return "a date and time"
    if isinstance(value, dt.date):
        return "a date"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def read_text(doc: YamlDoc, key: str, value: Any, problems: list[Problem]) -> str | None:
    """`value` as text, or None with a problem that says how YAML read it and how to quote it.

    YAML 1.1 turns unquoted `no`, `yes`, `off` into booleans, `1:30` into 90 and `2024-01-01` into a
    date; in a text field that is never what the editor meant, so it is an error, not a guess.
    """
    if isinstance(value, str):
        bad = _CONTROL.search(value)
        if bad is None:
            return value
        problems.append(doc.problem(key, f"{key}: contains the control character U+{ord(bad.group()):04X} "
                                         f"(written as an escape in quotes); remove it"))
        return None
    raw = doc.raw.get(key)
    name = key.rsplit(".", 1)[-1]
    if raw is not None and not isinstance(value, (list, dict)):
        read = {True: "true", False: "false"}.get(value) if isinstance(value, bool) else (
            f"the number {value!r}" if isinstance(value, (int, float)) else _yaml_kind(value))
        problems.append(doc.problem(key, f"{key}: YAML reads {raw} as {read}, not as text; "
                                         f"put it in quotes: {name}: \"{raw}\""))
    else:
        problems.append(doc.problem(key, f"{key}: expected text, got {_yaml_kind(value)}"))
    return None


def read_number(doc: YamlDoc, key: str, value: Any, low: float, high: float, problems: list[Problem],
                whole: bool = False) -> float | None:
    """`value` as a number in [low, high] written plainly (not `1:30`, `0x1F` or `1_000`), else None."""
    what = "a whole number" if whole else "a number"
    raw = doc.raw.get(key, "")
    plain = (_WHOLE if whole else _DECIMAL).fullmatch(raw.replace(" ", "")) is not None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (whole and not isinstance(value, int)):
        problems.append(doc.problem(key, f"{key}: expected {what} from {low:g} to {high:g}"))
        return None
    if not plain:
        problems.append(doc.problem(key, f"{key}: YAML reads {raw} as {value!r}; write {what} in plain "
                                         f"digits (from {low:g} to {high:g})"))
        return None
    if not low <= value <= high or value != value:
        problems.append(doc.problem(key, f"{key}: expected {what} from {low:g} to {high:g}, got {raw}"))
        return None
    return value
