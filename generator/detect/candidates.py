"""Candidate mentions: tagger spans and registry matches, cleaned, before coreference.

Sentences + tags + registry -> Candidates (character spans with a kind and their words).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from generator.detect.gazetteer import demonyms, lookup
from generator.detect.model import spans_of
from generator.detect.registry import RegistryIndex, find_known, is_rejected
from generator.detect.titles import (
    ARABIC_ARTICLE,
    CALENDAR,
    COMMON_ACRONYMS,
    CORE_TITLES,
    FUNCTION_WORDS,
    HONORIFICS,
    NAME_PARTICLES,
    ORG_HEADS,
    PLACE_HEADS,
    RELIGIONS,
    ROLE_NOUNS,
    TITLE_WORDS,
    is_title_word,
)
from generator.detect.tokens import Sentence
from generator.detect.types import Kind, KnownEntity

KIND_OF_TYPE: dict[str, Kind] = {"PER": "person", "ORG": "organisation", "LOC": "location"}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A span that names something, before it is resolved to an entity."""

    start: int
    """First character."""
    end: int
    """One past the last character."""
    text: str
    """The span's text."""
    kind: Kind
    """person, organisation or location."""
    sentence: int
    """Index of its sentence."""
    first: int
    """Index of its first token in the sentence."""
    last: int
    """One past its last token."""
    known: KnownEntity | None = None
    """The registry entity it names, if any."""

    def __reduce__(self) -> tuple[type[Candidate], tuple[object, ...]]:
        # what crosses the pipe from tagging workers: by the constructor, not slot by slot
        return Candidate, (self.start, self.end, self.text, self.kind, self.sentence, self.first, self.last,
                           self.known)


def _trim(sentence: Sentence, a: int, b: int, kind: Kind) -> tuple[int, int]:
    """Drop honorifics and, for people, titles at the start; drop a trailing possessive."""
    words = sentence.words
    while a < b and (words[a] in HONORIFICS or (kind == "person" and is_title_word(words[a]) and b - a > 1)):
        a += 1
    if kind == "person":
        # "Lib Dem leader Charles Kennedy", "Kenyan Susan Chepkemei": the name follows.
        for j in range(b - 2, a - 1, -1):
            if words[j] in HONORIFICS or (words[j].islower() and words[j] in ROLE_NOUNS | TITLE_WORDS):
                a = j + 1
                break
        while b - a > 1 and words[a] in demonyms():
            a += 1
    while a < b and not words[a][:1].isalnum():
        a += 1
    while b - a > 1 and (
        (words[b - 1].islower() and words[b - 1] in FUNCTION_WORDS)
        or (kind != "person" and words[b - 1].lower().rstrip(".") in CORE_TITLES)
    ):
        b -= 1  # "US President"
    while kind == "person" and b - a > 1 and words[a].lower() in FUNCTION_WORDS:
        a += 1
    while a < b and (
        words[b - 1] in ("'s", "’s", "'S", "’S", ".")
        or not words[b - 1][-1:].isalnum()
        and words[b - 1][-1:] != "."
    ):
        b -= 1
    return a, b


_INITIAL = re.compile(r"^[A-Z]\.?$")


def _is_link(word: str) -> bool:
    return bool(_INITIAL.match(word)) or word.lower() in NAME_PARTICLES or bool(ARABIC_ARTICLE.match(word))


def _merge_initials(words: Sequence[str], spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Join "Antony" + "J." + "Blinken", "George" + "W" + "Bush" or "Ursula" + "von der" +
    "Leyen" when the tagger split (or mistyped the rest of) a name at an initial or particle."""
    out: list[tuple[int, int, str]] = []
    for a, b, typ in spans:
        if out:
            pa, pb, ptyp = out[-1]
            gap = words[pb:a]
            linked = 0 < len(gap) <= 3 and all(_is_link(w) for w in gap)
            touching = not gap and (_is_link(words[a]) or _is_link(words[pb - 1]))
            if (linked or touching) and (ptyp == typ or ptyp == "PER" or typ == "PER"):
                out[-1] = (pa, b, "PER" if "PER" in (ptyp, typ) else typ)
                continue
        out.append((a, b, typ))
    # "George/PER W Bush" with "Bush" untagged: a person's initial carries the name on.
    for k, (a, b, typ) in enumerate(out):
        if typ == "PER" and b + 1 < len(words) and _INITIAL.match(words[b]) and words[b + 1][:1].isupper():
            nxt = out[k + 1][0] if k + 1 < len(out) else len(words)
            if nxt > b + 1:
                out[k] = (a, b + 2, typ)
    return out


def _after_honorifics(words: Sequence[str], spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """ "Mr. Blinken" is a person even where the tagger saw nothing: add the missed name."""
    covered = {i for a, b, _ in spans for i in range(a, b)}
    added: list[tuple[int, int, str]] = []
    for i, w in enumerate(words[:-1]):
        if w not in HONORIFICS or i + 1 in covered:
            continue
        j = i + 1
        while (
            j < len(words)
            and j not in covered
            and (
                (words[j][:1].isupper() and words[j][:1].isalpha() and not is_title_word(words[j]))
                or (_is_link(words[j]) and j + 1 < len(words) and words[j + 1][:1].isupper())
            )
        ):
            j += 1
        if j > i + 1:
            added.append((i + 1, j, "PER"))
    return sorted(spans + added) if added else spans


def _split_and(words: Sequence[str], a: int, b: int, typ: str, seen: set[str]) -> list[tuple[int, int, str]]:
    """ "Hamas and Israeli" -> "Hamas" when one side is a name seen alone in the article."""
    if typ == "PER" or "and" not in words[a:b]:
        return [(a, b, typ)]
    k = words.index("and", a, b)
    left, right = " ".join(words[a:k]), " ".join(words[k + 1 : b])
    if left not in seen and right not in seen:
        return [(a, b, typ)]
    return [(x, y, typ) for x, y, part in ((a, k, left), (k + 1, b, right)) if part in seen and x < y]


def _split_at_honorific(words: Sequence[str], a: int, b: int, typ: str) -> list[tuple[int, int, str]]:
    """ "Tory Treasurer Lord Ashcroft" -> "Tory Treasurer" + the person "Ashcroft"."""
    for k in range(a + 1, b - 1):
        if words[k] in HONORIFICS and words[k + 1][:1].isupper():
            j = k
            while j > a and is_title_word(words[j - 1]):
                j -= 1
            left = [(a, j, typ)] if typ != "PER" and j > a else []
            return left + [(k + 1, b, "PER")]
    return [(a, b, typ)]


def _common_word(word: str, lower_seen: set[str]) -> bool:
    """A capitalised word the article also writes in lower case ("Office" / "office")."""
    low = word.lower()
    return word != low and low in lower_seen and lookup(word) is None


def _is_country_code(word: str) -> bool:
    place = lookup(word) if word.replace(".", "").isupper() else None
    return place is not None and place.place_type == "country"


def _is_noise(words: Sequence[str]) -> bool:
    """True for spans made only of function, calendar or title words, or a nationality."""
    if len(words) == 1 and (
        words[0] in demonyms() or words[0] in COMMON_ACRONYMS or words[0] in RELIGIONS or len(words[0]) == 1
    ):
        return True
    return all(
        w.lower() in FUNCTION_WORDS
        or w.lower() in CALENDAR
        or w.lower() in NAME_PARTICLES
        or is_title_word(w)
        or w in HONORIFICS
        or not any(ch.isalpha() for ch in w)
        for w in words
    )


def from_tags(text: str, sentences: Sequence[Sentence], tags: Sequence[Sequence[int]]) -> list[Candidate]:
    """Turn the tagger's BIO tags into candidates (MISC spans are dropped)."""
    per_sentence = [
        _after_honorifics(s.words, _merge_initials(s.words, spans_of(t))) for s, t in zip(sentences, tags)
    ]
    seen = {
        " ".join(s.words[a:b])
        for s, spans in zip(sentences, per_sentence)
        for a, b, typ in spans
        if typ != "MISC"
    }
    lower_seen = {w for s in sentences for w in s.words if w.islower()}
    out: list[Candidate] = []
    for k, sentence in enumerate(sentences):
        spans = [p for a, b, typ in per_sentence[k] for p in _split_and(sentence.words, a, b, typ, seen)]
        spans = [p for a, b, typ in spans for p in _split_at_honorific(sentence.words, a, b, typ)]
        for a, b, typ in spans:
            place = lookup(" ".join(sentence.words[a:b])) if typ == "MISC" else None
            if place is not None and place.place_type in ("region", "continent"):
                typ = "LOC"  # "a Middle East tour": a region used as a modifier is still a place
            elif typ == "MISC" and b - a > 1 and sentence.words[b - 1].lower() in ORG_HEADS:
                typ = "ORG"  # "Republican People's Party": named by its head noun
            elif sentence.words[a] in HONORIFICS and b - a > 1 or (a and sentence.words[a - 1] in HONORIFICS):
                typ = "PER"  # "Lord Ashcroft", "Mr. Blinken": an honorific makes a person
            elif typ == "PER" and b - a > 1 and sentence.words[b - 1] in PLACE_HEADS:
                typ = "LOC"  # "Downing Street" is not a person
            elif b - a == 1 and sentence.words[b : b + 1] == ("administration",):
                typ = "PER"  # "the Bush administration"
            elif b - a == 1 and _is_country_code(sentence.words[a]):
                typ = "LOC"  # "US", "UK": never the organisation the tagger may take them for
            kind = KIND_OF_TYPE.get(typ)
            if kind is None:
                continue
            a, b = _trim(sentence, a, b, kind)
            if a >= b or _is_noise(sentence.words[a:b]):
                continue
            if b - a == 1 and _common_word(sentence.words[a], lower_seen):
                continue
            start, end = sentence.spans[a][0], sentence.spans[b - 1][1]
            out.append(Candidate(start, end, text[start:end], kind, k, a, b))
    return out


def _token_range(sentences: Sequence[Sentence], start: int, end: int) -> tuple[int, int, int] | None:
    for k, s in enumerate(sentences):
        if not s.spans or s.spans[-1][1] <= start or s.spans[0][0] >= end:
            continue
        idx = [i for i, (a, b) in enumerate(s.spans) if a < end and b > start]
        if idx:
            return k, idx[0], idx[-1] + 1
    return None


def apply_registry(
    text: str, sentences: Sequence[Sentence], found: list[Candidate], index: RegistryIndex
) -> list[Candidate]:
    """Registry matches replace overlapping guesses (rejects are applied after coreference).

    A known name inside a longer name the tagger found ("Israel" in "Israel Defense
    Forces") is part of another name, not a mention of the known entity.
    """
    known: list[Candidate] = []
    for start, end, entity in find_known(text, index):
        where = _token_range(sentences, start, end)
        if where is None or is_rejected(text[start:end], index):
            continue
        if any(c.start <= start and end <= c.end and c.end - c.start > end - start for c in found):
            continue
        k, a, b = where
        known.append(Candidate(start, end, text[start:end], entity.kind, k, a, b, entity))
    kept = [c for c in found if not any(c.start < d.end and d.start < c.end for d in known)]
    return sorted(kept + known, key=lambda c: c.start)


def confirm_headline(found: list[Candidate], headline: Sentence) -> list[Candidate]:
    """Keep a Title Case headline's spans only where the body names the same thing.

    In "… Clash at Brussels Summit" every word is capitalised, so the tagger cannot tell
    "Summit" from a name; the body can. A span shrinks to its longest part the body (or
    the gazetteer) confirms, matched case-insensitively, or is dropped; it takes the kind
    the body gives that name.
    """
    body: dict[str, Kind] = {}
    for c in found:
        if c.sentence != 0:
            body.setdefault(c.text.lower(), c.kind)
            if c.kind == "person":
                for w in c.text.lower().split():
                    body.setdefault(w, "person")
    out: list[Candidate] = []
    for c in found:
        if c.sentence != 0:
            out.append(c)
            continue
        best = None
        for size in range(c.last - c.first, 0, -1):
            for a in range(c.first, c.last - size + 1):
                words = headline.words[a : a + size]
                phrase = " ".join(words).lower()
                if phrase in body or (c.kind == "location" and lookup(" ".join(words))):
                    best = (a, a + size)
                    break
            if best:
                break
        if best:
            a, b = best
            start, end = headline.spans[a][0], headline.spans[b - 1][1]
            kind = body.get(" ".join(headline.words[a:b]).lower(), c.kind)
            out.append(Candidate(start, end, c.text[start - c.start : end - c.start], kind, 0, a, b))
    return out
