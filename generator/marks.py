"""Sentences with an entity's names marked (`<mark>`), and text escaped as templates escape it:
shared by the `mark` template filter and the entries of entity feeds."""

from __future__ import annotations

import re
from typing import Any, Callable

from markupsafe import Markup, escape

from generator.content import Entity
from generator.model import surface_forms

_ENTITY_TEXT = str(escape("&<>'\""))
"""What markupsafe's escaping writes for its five characters (`&amp;&lt;&gt;&#39;&#34;`)."""
_ESCAPE_TAILS = tuple(sorted({escaped[i:] for escaped in (str(escape(c)) for c in "&<>'\"")
                             for i in range(1, len(escaped))}))
"""The ends of those escapes (`amp;`, `mp;` … `;`): an escaped form that starts with one could
match from inside an escape of the sentence (`amp;D` in `R&amp;D`)."""


def _entity_marker(entity: Entity) -> Callable[[str], Markup]:
    """What marks the entity's surface forms in a sentence, longest form first: on the escaped
    sentence when no form could match inside an escape such as `&amp;` (same matches), else with
    a whole-word pattern on the sentence, each piece escaped."""
    forms = sorted(set(surface_forms(entity)), key=lambda f: (-len(f), f))
    escaped = tuple(str(escape(f)) for f in forms)
    if all(f and f not in _ENTITY_TEXT and not f.startswith(_ESCAPE_TAILS) for f in escaped):
        # no Markup per piece (entity pages quote 100,000s of sentences)
        return lambda sentence: Markup(_marked(escape_output(sentence), escaped))
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(f) for f in forms) + r")(?!\w)")

    def mark(sentence: str) -> Markup:
        out, last = [], 0
        for found in pattern.finditer(sentence):
            out += [escape(sentence[last:found.start()]), Markup("<mark>"), escape(found.group(0)), Markup("</mark>")]
            last = found.end()
        out.append(escape(sentence[last:]))
        return Markup("").join(out)
    return mark


def _marked(text: str, forms: tuple[str, ...]) -> str:
    """`text` with each whole-word occurrence of `forms` (not empty, longest first) in <mark>,
    as `re.sub` marks the matches of `(?<!\\w)(?:form|…)(?!\\w)`: leftmost first, the first form
    that fits there, none overlapping. `str.find` per form takes 60% of the time of the pattern
    (an entity page marks ~300 sentences; `\\w` is `isalnum()` or `_`, code point for code point)."""
    hits: list[tuple[int, int, int]] = []
    for rank, form in enumerate(forms):
        at = text.find(form)
        while at >= 0:
            end = at + len(form)
            if (at == 0 or not (text[at - 1].isalnum() or text[at - 1] == "_")) \
                    and (end == len(text) or not (text[end].isalnum() or text[end] == "_")):
                hits.append((at, rank, end))
            at = text.find(form, at + 1)
    if not hits:
        return text
    hits.sort()
    out: list[str] = []
    last = 0
    for at, _, end in hits:
        if at >= last:
            out += (text[last:at], "<mark>", text[at:end], "</mark>")
            last = end
    out.append(text[last:])
    return "".join(out)


def marker() -> Callable[[Any, Entity], Markup]:
    """Filter: a sentence with the entity's name, aliases and (people) surname wrapped in <mark>.
    A theme may pass it any value (a number, say), which is marked as its text."""
    markers: dict[tuple[str, str, tuple[str, ...]], Callable[[str], Markup]] = {}

    def mark(sentence: Any, entity: Entity) -> Markup:  # (Any: compiled, a `str` would be enforced)
        names = (entity.kind, entity.name, entity.aliases)  # what its surface forms are made of
        if names not in markers:  # an entity page marks a few hundred sentences with one
            markers[names] = _entity_marker(entity)
        return markers[names](sentence if isinstance(sentence, str) else str(sentence))
    return mark


try:  # markupsafe's escaper in C; it returns a str (`escape` makes a Markup of it, in Python)
    from markupsafe._speedups import _escape_inner
except ImportError:  # pragma: no cover - markupsafe without its C extension
    def _escape_inner(text: str, /) -> str:
        return str(escape(text))


def escape_output(value: Any) -> str:
    """What `{{ value }}` writes when autoescaping: `str(escape(value))`, with no Markup made of
    each string on the way (a page prints ~250 values, and `Markup.__new__` is Python), nor a
    copy of each Markup (`escape` makes one: an entity page prints ~300 marked sentences)."""
    kind = type(value)
    if kind is str:
        return _escape_inner(value)
    return value if kind is Markup else escape(value)
