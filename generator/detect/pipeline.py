"""Detection pipeline: text + lexicon -> Detection (mentions and entity guesses).

tokens -> tagger -> candidates (+ registry, rejects) -> coreference -> entities with
roles and gazetteer facts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from generator.detect.candidates import Candidate, apply_registry, confirm_headline, from_tags
from generator.detect.coref import Cluster, acronym_key, cluster, words_of
from generator.detect.features import is_caps_line
from generator.detect.gazetteer import lookup
from generator.detect.model import tag_document
from generator.detect.registry import RegistryIndex, index_lexicon, is_rejected
from generator.detect.titles import (
    ARABIC_ARTICLE,
    NAME_PARTICLES,
    appositive_role,
    leading_title,
    preceding_appositive,
)
from generator.detect.tokens import Sentence, split_sentences
from generator.detect.types import Detection, EntityGuess, Lexicon, Mention
from generator.urls import slugify as _slugify

slugify = lru_cache(maxsize=4096)(_slugify)


def is_title_case(words: Sequence[str]) -> bool:
    """True for a Title Case headline ("Blinken Meets With Netanyahu as …")."""
    long_words = [w for w in words if len(w) > 3 and w.isalpha()]
    if len(long_words) < 3 or words[-1] in (".", "?", "!") or is_caps_line(words):
        return False
    capitalised = sum(1 for w in long_words if w[0].isupper())
    return capitalised >= 0.8 * len(long_words)


_TYPOGRAPHY = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": "-", "–": "-"})
_LONG_DOTTED = re.compile(r"^(?:[A-Z]\.){3,}$")


@lru_cache(maxsize=65536)
def _wire_form(word: str) -> str:
    """Write a word as Reuters (the training text) does: ASCII quotes, `C.I.A.` as `CIA`."""
    if _LONG_DOTTED.match(word):
        return word.replace(".", "")
    return word.translate(_TYPOGRAPHY)


def _lift_particles(words: list[str]) -> list[str]:
    """ "Ursula von der Leyen" -> "Ursula Von Der Leyen", "George W Bush" -> "George W. Bush"
    for the tagger, which learnt names from Reuters copy; the text itself is never changed."""
    if not any(len(w) == 1 or "-" in w or w in NAME_PARTICLES for w in words):
        return words
    out = list(words)
    for i, w in enumerate(words):
        if (
            len(w) == 1
            and w.isupper()
            and w not in "AI"
            and 0 < i < len(words) - 1
            and words[i - 1][:1].isupper()
            and words[i + 1][:1].isupper()
        ):
            out[i] = w + "."  # "George W Bush": BBC style drops the initial's stop
        elif ARABIC_ARTICLE.match(w) and i and words[i - 1][:1].isupper():
            out[i] = w[:1].upper() + w[1:]
        elif w in NAME_PARTICLES and i and words[i - 1][:1].isupper():
            j = i
            while j < len(words) and words[j] in NAME_PARTICLES:
                j += 1
            if j < len(words) and words[j][:1].isupper() and words[j].isalpha():
                out[i] = w.capitalize()
    return out


def model_view(sentence: Sentence, headline: bool) -> list[str]:
    """The words as the tagger reads them: a Title Case headline in capitals, like wire headlines."""
    words = _lift_particles(list(map(_wire_form, sentence.words)))
    if headline and is_title_case(sentence.words):
        return [w.upper() for w in words]
    return words


def _is_headline(text: str, first: Sentence) -> bool:
    """True when the first sentence is the whole first line, in mixed case.

    Wire headlines in capitals are what the tagger learnt from, so they stand as tagged.
    """
    if not first.spans or is_caps_line(first.words):
        return False
    rest_of_line = text[first.spans[-1][1] :].split("\n", 1)[0]
    return not rest_of_line.strip()


@dataclass(frozen=True, slots=True)
class Tagged:
    """What the tagger finds in a text, before the registry is applied (the lexicon plays no part)."""

    text: str
    """The text tagged."""
    sentences: tuple[Sentence, ...]
    """Its sentences of tokens."""
    found: tuple[Candidate, ...]
    """The tagger's spans, cleaned (headline spans already checked against the body)."""

    def __reduce__(self) -> tuple[type[Tagged], tuple[object, ...]]:
        # what tagging workers send back: by the constructor, not slot by slot
        return Tagged, (self.text, self.sentences, self.found)


def tag(text: str) -> Tagged:
    """Tokenise and tag `text`: the costly part of detection, which no lexicon changes."""
    sentences = split_sentences(text)
    views = [model_view(s, k == 0) for k, s in enumerate(sentences)]
    tags = tag_document(views)
    found = from_tags(text, sentences, tags)
    if len(sentences) > 1 and _is_headline(text, sentences[0]):
        found = confirm_headline(found, sentences[0])
    return Tagged(text, tuple(sentences), tuple(found))


def resolve(tagged: Tagged, lexicon: Lexicon) -> Detection:
    """Apply a lexicon (registry and rejects) to a tagged text: mentions, entities and coreference."""
    sentences = list(tagged.sentences)
    index = index_lexicon(lexicon)
    cands = apply_registry(tagged.text, sentences, list(tagged.found), index)
    return _detection(_without_rejects(cluster(cands, lexicon), index), sentences)


def preload() -> None:
    """Load the tagger's weights and the gazetteer now (processes forked later share them)."""
    from generator.detect.features import _first_words
    from generator.detect.gazetteer import demonyms, places
    from generator.detect.model import default_scorer

    default_scorer()
    _first_words()
    places()
    demonyms()


def run(text: str, lexicon: Lexicon) -> Detection:
    """Find, resolve and describe every named person, organisation and place in `text`."""
    return resolve(tag(text), lexicon)


def _without_rejects(clusters: Sequence[Cluster], index: RegistryIndex) -> list[Cluster]:
    """Drop entities whose name editors rejected, and mentions written as a rejected name."""
    out = []
    for c in clusters:
        if c.known is None and is_rejected(canonical_name(c), index):
            continue
        members = tuple(m for m in c.members if not is_rejected(m.text, index))
        if members:
            out.append(replace(c, members=members))
    return out


def canonical_name(c: Cluster) -> str:
    """The fullest form in the text (the registry's name for known entities)."""
    if c.known is not None:
        return c.known.name
    texts = [m.text for m in c.members]
    if c.kind == "location":
        place = lookup(c.key)
        return place.name if place is not None else c.key
    if any(not t.isupper() for t in texts):
        texts = [t for t in texts if not t.isupper()]
    if c.kind == "organisation":
        full = [t for t in texts if acronym_key(t) is None]
        return max(full, key=lambda t: (len(t.split()), len(t))) if full else texts[0]
    return max(texts, key=lambda t: (len(words_of(t)), len(t)))


def _role(c: Cluster, sentences: Sequence[Sentence]) -> str | None:
    if c.kind != "person":
        return None
    for m in c.members:
        words = sentences[m.sentence].words
        before, after = words[: m.first], words[m.last :]
        role = leading_title(before) or appositive_role(after) or preceding_appositive(before)
        if role and role.isupper():
            role = None
        if role:
            return role
    return None


def _full_form(text: str, kind: str) -> bool:
    """People's aliases are full names ("Antony Blinken"), never surnames ("von der Leyen")."""
    words = words_of(text)
    return kind != "person" or (len(words) > 1 and words[0].lower() not in NAME_PARTICLES)


def _guess(c: Cluster, name: str, slug: str, sentences: Sequence[Sentence]) -> EntityGuess:
    aliases = sorted({m.text for m in c.members if m.text != name and _full_form(m.text, c.kind)})
    if c.known is not None:
        aliases = sorted(set(aliases) | set(c.known.aliases))
    place = lookup(name) if c.kind == "location" else None
    return EntityGuess(
        slug=slug,
        name=name,
        kind=c.kind,
        aliases=tuple(aliases),
        role=_role(c, sentences),
        place_type=place.place_type if place else None,
        country=place.country if place else None,
        lat=place.lat if place else None,
        lon=place.lon if place else None,
        known=c.known is not None,
    )


def _detection(clusters: Sequence[Cluster], sentences: Sequence[Sentence]) -> Detection:
    mentions: list[Mention] = []
    guesses: list[tuple[int, EntityGuess]] = []
    taken: set[str] = {c.known.slug for c in clusters if c.known is not None}
    for c in clusters:
        name = canonical_name(c)
        slug = c.known.slug if c.known is not None else str(slugify(name))
        if slug in taken and c.known is None:
            slug = str(slugify(f"{name} {c.kind}"))
        taken.add(slug)
        guesses.append((min(m.start for m in c.members), _guess(c, name, slug, sentences)))
        mentions.extend(Mention(m.start, m.end, m.text, c.kind, slug, name) for m in c.members)
    mentions.sort(key=lambda m: (m.start, -m.end))
    kept: list[Mention] = []
    for m in mentions:
        if not kept or m.start >= kept[-1].end:
            kept.append(m)
    used = {m.entity for m in kept}
    ordered = [g for _, g in sorted(guesses, key=lambda p: p[0]) if g.slug in used]
    return Detection(tuple(kept), tuple(ordered))
