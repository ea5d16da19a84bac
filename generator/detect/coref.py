"""In-article coreference: candidates -> clusters, one per distinct entity.

People: full names, surnames and "Mr. X" join the one person whose name ends with that
surname (never when two people share it). Organisations: acronyms join the full name
they abbreviate, dotted or not, and a trailing part joins the whole ("Security Council").
Places: gazetteer aliases ("U.S." -> United States).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from generator.detect.candidates import Candidate
from generator.detect.gazetteer import lookup
from generator.detect.registry import known_by_surname
from generator.detect.types import Kind, KnownEntity, Lexicon

_NAME_LINKS = frozenset({"of", "the", "and", "for", "&", "on", "de", "du", "des", "la", "le"})
_PLACE_HEADS = ("Strip", "Province", "Region", "Island", "Islands")


@dataclass(frozen=True, slots=True)
class Cluster:
    """One distinct entity of the article and the candidates that name it."""

    key: str
    """Internal identity (a registry slug, a place name, a person's full name…)."""
    kind: Kind
    """person, organisation or location."""
    members: tuple[Candidate, ...]
    """Its candidates, in text order."""
    known: KnownEntity | None = None
    """The registry entity, if any."""


def words_of(text: str) -> list[str]:
    """Name words without possessive endings."""
    return [w for w in re.split(r"\s+", re.sub(r"['’]s?$", "", text)) if w]


def acronym_key(text: str) -> str | None:
    """`C.I.A.` / `CIA` -> `CIA`; None when `text` is not an acronym."""
    bare = text.replace(".", "")
    if 2 <= len(bare) <= 6 and bare.isalpha() and bare.isupper():
        return bare
    return None


def initials(text: str) -> str:
    """`Central Intelligence Agency` -> `CIA` (link words skipped)."""
    return "".join(w[0] for w in text.split() if w[:1].isupper() and w.lower() not in _NAME_LINKS)


def harmonise_kinds(cands: Sequence[Candidate]) -> list[Candidate]:
    """Give every unregistered surface form its majority kind in the article (first wins ties)."""
    votes: dict[str, Counter[Kind]] = {}
    for c in cands:
        if c.known is None:
            votes.setdefault(c.text.replace(".", ""), Counter())[c.kind] += 1
    person_surnames = {
        words_of(c.text)[-1] for c in cands if c.kind == "person" and len(words_of(c.text)) > 1
    }
    out = []
    for c in cands:
        if c.known is None:
            kind = votes[c.text.replace(".", "")].most_common(1)[0][0]
            if " " not in c.text and c.text in person_surnames:
                kind = "person"
            if kind != c.kind:
                c = replace(c, kind=kind)
        out.append(c)
    return out


def _person_key(
    c: Candidate, fulls: dict[str, list[str]], lexicon: Lexicon
) -> tuple[str, KnownEntity | None]:
    words = words_of(c.text)
    if len(words) > 1:
        low = [w.lower() for w in words]
        same = [
            k
            for k, ws in fulls.items()
            if [w.lower() for w in ws[-len(low) :]] == low
            or (ws[0].lower() == low[0] and ws[-1].lower() == low[-1])
        ]
        longest = max((len(k) for k in same), default=0)
        best = sorted({k for k in same if len(k) == longest})
        return (best[0] if len(best) == 1 else c.text), None
    surname = words[0]
    matches = [k for k, ws in fulls.items() if ws[-1] == surname]
    if len(matches) == 1:
        return matches[0], None
    if not matches:  # "Jerzy played well" after "Jerzy Dudek": a first name, if only one has it
        firsts = [k for k, ws in fulls.items() if ws[0] == surname]
        if len(firsts) == 1:
            return firsts[0], None
    if not matches:
        known = known_by_surname(surname, lexicon)
        if len(known) == 1:
            return "known:" + known[0].slug, known[0]
    return surname, None


def _org_key(c: Candidate, orgs: Sequence[Candidate]) -> str:
    acro = acronym_key(c.text)
    words = c.text.split()
    for other in orgs:
        if other.text == c.text or " " not in other.text:
            continue
        if acro and initials(other.text) == acro:
            return _org_key(other, orgs)
        ow = other.text.split()
        if len(words) >= 2 and len(ow) > len(words) and ow[-len(words) :] == words:
            return _org_key(other, orgs)
    return acro or c.text


def _place_key(c: Candidate) -> str:
    place = lookup(c.text) or (lookup(c.text.title()) if c.text.isupper() else None)
    if place is not None:
        return place.name
    words = c.text.split()
    if len(words) > 1 and words[-1] in _PLACE_HEADS:
        base = lookup(" ".join(words[:-1]))
        if base is not None:
            return base.name
    return c.text


def cluster(cands: Sequence[Candidate], lexicon: Lexicon) -> list[Cluster]:
    """Group candidates into entities, in order of first mention."""
    cands = harmonise_kinds(cands)
    fulls: dict[str, list[str]] = {}
    for c in cands:
        ws = words_of(c.text)
        if c.kind == "person" and c.known is None and len(ws) > 1:
            fulls.setdefault(c.text, ws)
    orgs = [c for c in cands if c.kind == "organisation" and c.known is None]
    groups: dict[tuple[Kind, str], list[Candidate]] = {}
    known_of: dict[tuple[Kind, str], KnownEntity] = {}
    for c in cands:
        known = c.known
        if known is not None:
            key = "known:" + known.slug
        elif c.kind == "person":
            key, known = _person_key(c, fulls, lexicon)
        elif c.kind == "organisation":
            key = _org_key(c, orgs)
        else:
            key = _place_key(c)
        kind = known.kind if known is not None else c.kind
        groups.setdefault((kind, key), []).append(c)
        if known is not None:
            known_of[(kind, key)] = known
    return [
        Cluster(key, kind, tuple(members), known_of.get((kind, key)))
        for (kind, key), members in groups.items()
    ]
