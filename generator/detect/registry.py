"""The curated registry in detection: exact matches of known names, and rejected names.

Lexicon -> index (cached per lexicon); text -> spans of known entities.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from generator.detect.types import KnownEntity, Lexicon


@dataclass(frozen=True, slots=True)
class RegistryIndex:
    """A lexicon made searchable."""

    by_form: dict[str, KnownEntity]
    """Every name and alias -> its entity."""
    forms: tuple[str, ...]
    """Every name and alias, longest first."""
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
    forms = tuple(sorted(by_form, key=len, reverse=True))
    return RegistryIndex(by_form, forms, frozenset(r.casefold() for r in lexicon.rejects))


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what `\w` matches in a str pattern


def find_known(text: str, index: RegistryIndex) -> list[tuple[int, int, KnownEntity]]:
    """Every occurrence of a known name or alias in `text`, longest match first at each place.

    Whole words only: not after a word character or a full stop, not before a word character.
    Scanning left to right, matches never overlap. (The same matches as the regex
    `(?<![\\w.])(?:FORMS LONGEST FIRST)(?![\\w])` would give, without compiling one per lexicon.)
    """
    ends: dict[int, int] = {}
    size = len(text)
    for form in index.forms:
        start = text.find(form)
        while start >= 0:
            if start not in ends:
                end = start + len(form)
                before = text[start - 1] if start else ""
                if not (before and (before == "." or _is_word(before))) and not (end < size and _is_word(text[end])):
                    ends[start] = end
            start = text.find(form, start + 1)
    out: list[tuple[int, int, KnownEntity]] = []
    pos = 0
    for start in sorted(ends):
        if start >= pos:
            pos = ends[start]
            out.append((start, pos, index.by_form[text[start:pos]]))
    return out


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
