"""The curated registry in detection: exact matches of known names, and rejected names.

Lexicon -> compiled matcher (cached per lexicon); text -> spans of known entities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from generator.detect.types import KnownEntity, Lexicon


@dataclass(frozen=True, slots=True)
class RegistryIndex:
    """A lexicon made searchable."""

    by_form: dict[str, KnownEntity]
    """Every name and alias -> its entity."""
    pattern: re.Pattern[str] | None
    """Whole-word alternation of every form, longest first (None for an empty registry)."""
    rejects: frozenset[str]
    """Rejected names, case-folded."""


@lru_cache(maxsize=8)
def index_lexicon(lexicon: Lexicon) -> RegistryIndex:
    """Build (once per lexicon) the lookup tables of a registry."""
    by_form: dict[str, KnownEntity] = {}
    for entity in lexicon.entities:
        for form in (entity.name, *entity.aliases):
            if form.strip():
                by_form.setdefault(form, entity)
    forms = sorted(by_form, key=len, reverse=True)
    pattern = None
    if forms:
        alternation = "|".join(re.escape(f) for f in forms)
        pattern = re.compile(r"(?<![\w.])(?:" + alternation + r")(?![\w])")
    return RegistryIndex(by_form, pattern, frozenset(r.casefold() for r in lexicon.rejects))


def find_known(text: str, index: RegistryIndex) -> list[tuple[int, int, KnownEntity]]:
    """Every occurrence of a known name or alias in `text`, longest match first at each place."""
    if index.pattern is None:
        return []
    return [(m.start(), m.end(), index.by_form[m.group()]) for m in index.pattern.finditer(text)]


def is_rejected(name: str, index: RegistryIndex) -> bool:
    """True when editors rejected this name."""
    return name.casefold() in index.rejects


def known_by_surname(surname: str, lexicon: Lexicon) -> list[KnownEntity]:
    """Registry people whose name ends with `surname`."""
    return [
        e
        for e in lexicon.entities
        if e.kind == "person" and e.name.split()[-1:] == [surname] and e.name != surname
    ]
