"""What `newsgloss entities` prints: files read as detection sees them, mentions as JSON or text."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from generator.detect.types import Mention


def read_text(path: Path) -> str:
    """A file's text as detection sees it: UTF-8, BOM removed, line ends as in the file."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        return f.read()


def _as_dict(m: Mention) -> dict[str, object]:
    return {
        "start": m.start,
        "end": m.end,
        "text": m.text,
        "kind": m.kind,
        "entity": m.entity,
        "name": m.name,
    }


def format_mentions(results: Sequence[tuple[str, Sequence[Mention]]], fmt: str = "text") -> str:
    """Render (path, mentions) pairs: JSON (a list for one file, an object for several) or text."""
    if fmt == "json":
        if len(results) == 1:
            return json.dumps([_as_dict(m) for m in results[0][1]], ensure_ascii=False, indent=1)
        return json.dumps({p: [_as_dict(m) for m in ms] for p, ms in results}, ensure_ascii=False, indent=1)
    lines: list[str] = []
    for path, mentions in results:
        if len(results) > 1:
            lines.append(f"{path}:")
        for m in mentions:
            lines.append(f"{m.start:>6}-{m.end:<6} {m.kind:<12} {m.text!r} -> {m.entity} ({m.name})")
        if not mentions:
            lines.append("(no entities)")
    return "\n".join(lines)
