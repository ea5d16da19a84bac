"""Format detection results as SPEC §2 `newsgloss entities` prints them."""

from __future__ import annotations

import json
from typing import Mapping, Sequence

from generator.detect.types import Mention


def mention_dict(m: Mention) -> dict[str, object]:
    """One mention as the JSON object of SPEC §2."""
    return {"start": m.start, "end": m.end, "text": m.text, "kind": m.kind, "entity": m.entity, "name": m.name}


def format_mentions(results: Mapping[str, Sequence[Mention]], fmt: str) -> str:
    """JSON: a list for one file, an object path -> list for several; text: one line per mention."""
    if fmt == "json":
        if len(results) == 1:
            return json.dumps([mention_dict(m) for m in next(iter(results.values()))], ensure_ascii=False)
        return json.dumps({path: [mention_dict(m) for m in ms] for path, ms in results.items()},
                          ensure_ascii=False)
    lines = []
    for path, mentions in results.items():
        if len(results) > 1:
            lines.append(f"{path}:")
        for m in mentions:
            lines.append(f"{m.start:>6}-{m.end:<6} {m.kind:<12} {m.text!r} -> {m.entity} ({m.name})")
        if not mentions:
            lines.append("  (no entities found)")
    return "\n".join(lines)
