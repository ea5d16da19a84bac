"""Quote attribution: a paragraph's text + its actor mentions -> the quotes each actor said.

Recognises the patterns news copy uses: `“…,” Mr. Netanyahu said.`, `“…,” said Foreign Secretary
Jack Straw.`, `Mr Blair said: “…”`, `Ms Hewitt told the seminar: "…"`, and a quote that continues
straight after the attribution (`… Mr. Netanyahu said. “And I told him …”`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

_QUOTE = re.compile(r"“([^“”]{8,})”|\"([^\"]{8,})\"")
_VERBS = r"(?:said|says|added|adds|told|tells|warned|warns|insisted|explained|argued|declared|wrote|replied|asked)"
_TITLES = r"(?:[A-Z][\w.’'-]*\s+){0,4}"
_AFTER_VERB_FIRST = re.compile(rf"\s*{_VERBS}\s+{_TITLES}$")
_DESCRIPTOR = re.compile(r"\s*(?:(?:[a-z][\w-]*|[A-Z][\w.-]*)\s+){1,7}")
_AFTER_NAME_VERB = re.compile(rf"^\s*{_VERBS}\b")
_BEFORE = re.compile(rf"^\s*{_VERBS}(?:\s+[\w’'-]+){{0,4}}?\s*[:,]?\s*$")
_PRONOUN_AFTER = re.compile(rf"^\s*(?:(?:he|she)\s+{_VERBS}|{_VERBS}\s+(?:he|she))\b")
_CONTINUES = re.compile(r"^[^“\"]{0,40}?[.,]\s*$")


@dataclass(frozen=True, slots=True)
class FoundQuote:
    """A quote in a paragraph and who said it."""

    entity: str
    """Entity key of the speaker."""
    text: str
    """The quoted words, without the quote marks."""


def _speaker_after(text: str, end: int, mentions: Sequence[tuple[int, int, str]]) -> tuple[str, int] | None:
    """`“…,” Mr. X said` or `“…,” said (title) X`: speaker key and where the attribution ends."""
    for start, stop, key in mentions:
        if start < end:
            continue
        between = text[end:start]
        verb = _AFTER_NAME_VERB.match(text[stop:stop + 20])
        if verb and (not between.strip() or (_DESCRIPTOR.fullmatch(between) and not re.search(r"[.!?]", between))):
            return key, stop + verb.end()  # `“…,” Mr X said` / `“…,” chairman Richard Parsons said`
        if _AFTER_VERB_FIRST.fullmatch(between):
            return key, stop
        return None
    return None


def _speaker_before(text: str, begin: int, mentions: Sequence[tuple[int, int, str]]) -> str | None:
    """`Mr X said: “…”` or `X told the seminar: "…"`."""
    for start, stop, key in reversed(mentions):
        if stop > begin or begin - stop > 50:
            continue
        return key if _BEFORE.fullmatch(text[stop:begin]) else None
    return None


def _pronoun_speaker(text: str, start: int, end: int, mentions: Sequence[tuple[int, int, str]],
                     people: frozenset[str]) -> str | None:
    """`“…,” he said`: the speaker is the one person named before the quote in the paragraph, if only one."""
    if not _PRONOUN_AFTER.match(text[end:end + 30]):
        return None
    before = {key for s, _, key in mentions if s < start and key in people}
    return before.pop() if len(before) == 1 else None


def find_quotes(text: str, mentions: Sequence[tuple[int, int, str]],
                people: frozenset[str] = frozenset()) -> list[FoundQuote]:
    """Every quote in `text` attributed to one of `mentions` (start, end, entity key), in order.

    `people` are the keys that may be `he` or `she`: a pronoun is resolved only when exactly one of
    them is named earlier in the same paragraph."""
    if "”" not in text and '"' not in text:  # no quote can end here (most paragraphs): `re` not needed
        return []
    quotes = [(m.start(), m.end(), (m.group(1) or m.group(2)).strip()) for m in _QUOTE.finditer(text)]
    found: list[FoundQuote] = []
    previous: tuple[str, int] | None = None
    for start, end, words in quotes:
        if previous is not None and _CONTINUES.fullmatch(text[previous[1]:start]):
            found.append(FoundQuote(previous[0], words.rstrip(",")))
            previous = (previous[0], end)
            continue
        after = _speaker_after(text, end, mentions)
        if after is not None:
            found.append(FoundQuote(after[0], words.rstrip(",")))
            previous = (after[0], max(after[1], end))
            continue
        before = _speaker_before(text, start, mentions) or _pronoun_speaker(text, start, end, mentions, people)
        if before is not None:
            found.append(FoundQuote(before, words.rstrip(",")))
            previous = (before, end)
            continue
        previous = None
    return found
