"""Token features for the tagger: one sentence of words + document context -> feature strings.

Shared by training (`generator.detect.train`) and tagging (`generator.detect.model`), so
the two always agree.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from generator.detect.gazetteer import token_index

_SHAPE_RUNS = re.compile(r"(.)\1+")


@lru_cache(maxsize=65536)
def shape(word: str) -> str:
    """`Blinken` -> `Xx`, `C.I.A.` -> `X.X.X.`, `1996-08-30` -> `d-d-d`."""
    out = []
    for ch in word:
        if ch.isupper():
            out.append("X")
        elif ch.islower():
            out.append("x")
        elif ch.isdigit():
            out.append("d")
        else:
            out.append(ch)
    return _SHAPE_RUNS.sub(r"\1", "".join(out))


@lru_cache(maxsize=65536)
def word_class(word: str) -> str:
    """A coarse case class: upper, title, lower, mixed, digit or punct."""
    if not any(ch.isalpha() for ch in word):
        return "digit" if any(ch.isdigit() for ch in word) else "punct"
    if word.isupper():
        return "upper"
    if word[0].isupper():
        return "title"
    return "lower" if word.islower() else "mixed"


def is_caps_line(words: Sequence[str]) -> bool:
    """True for a sentence written in capitals (a wire headline or dateline)."""
    joined = "".join(words)
    return joined.upper() == joined and joined.lower() != joined


@dataclass(frozen=True, slots=True)
class DocContext:
    """What the whole document says about a word, for document-level features."""

    lower_seen: frozenset[str]
    """Lower-cased forms of words written in lower case in running text."""
    title_seen: frozenset[str]
    """Lower-cased forms of words written capitalised, not sentence-initially, in running text."""


def doc_context(sentences: list[list[str]], caps: list[bool]) -> DocContext:
    """Collect case evidence from every sentence that is not written in capitals."""
    lower: set[str] = set()
    title: set[str] = set()
    for words, is_caps in zip(sentences, caps):
        if is_caps:
            continue
        for i, w in enumerate(words):
            if w.islower():
                lower.add(w)
            elif i and w[:1].isupper() and not w.isupper():
                title.add(w.lower())
    return DocContext(frozenset(lower), frozenset(title))


@lru_cache(maxsize=1)
def _first_words() -> frozenset[str]:
    return frozenset(key[0] for key in token_index())


def gazetteer_marks(lowers: Sequence[str]) -> list[str]:
    """Per token: `city:B`, `country:I`, … for the longest gazetteer match, else ''."""
    index = token_index()
    starts = _first_words()
    marks = [""] * len(lowers)
    n, covered = len(lowers), 0
    for i in [i for i, w in enumerate(lowers) if w in starts]:  # most words start no place name
        if i < covered:
            continue
        for size in (4, 3, 2, 1):
            kind = index.get(tuple(lowers[i : i + size])) if i + size <= n else None
            if kind:
                marks[i] = kind + ":B"
                for k in range(i + 1, i + size):
                    marks[k] = kind + ":I"
                covered = i + size
                break
    return marks


@lru_cache(maxsize=65536)
def _word_facts(w: str) -> tuple[str, str, str]:
    """A word's lower case, shape and case class (one cache look-up per word, not three)."""
    return w.lower(), shape(w), word_class(w)


WORD_FEATURES = 9
"""The first WORD_FEATURES features of a token depend on the word alone (scorers cache them)."""


@lru_cache(maxsize=65536)
def _word_features(w: str) -> tuple[str, ...]:
    """Features of the word alone (cached: words repeat)."""
    lw = w.lower()
    return (
        "b",
        "w=" + w,
        "l=" + lw,
        "p3=" + lw[:3],
        "s2=" + lw[-2:],
        "s3=" + lw[-3:],
        "s4=" + lw[-4:],
        "sh=" + shape(w),
        "c=" + word_class(w),
    )


def sentence_features(
    words: list[str], caps: bool, ctx: DocContext, needed: Sequence[bool]
) -> list[list[str]]:
    """Static features of the `needed` tokens of one sentence (others get []).

    Tag history is added by the tagger.
    """
    lowers, shapes, classes = zip(*map(_word_facts, words)) if words else ((), (), ())
    gaz = gazetteer_marks(lowers)
    n = len(words)
    pad_l = ["<s>", "<s2>"]
    out: list[list[str]] = []
    for i, w in enumerate(words):
        if not needed[i]:
            out.append([])
            continue
        lw, sh, cl = lowers[i], shapes[i], classes[i]
        prev = lowers[i - 1] if i else pad_l[0]
        prev2 = lowers[i - 2] if i > 1 else pad_l[1]
        nxt = lowers[i + 1] if i + 1 < n else "</s>"
        nxt2 = lowers[i + 2] if i + 2 < n else "</s2>"
        psh = shapes[i - 1] if i else "<s>"
        nsh = shapes[i + 1] if i + 1 < n else "</s>"
        f = [
            *_word_features(w),
            "l-1=" + prev,
            "l+1=" + nxt,
            "l-2=" + prev2,
            "l+2=" + nxt2,
            "sh-1=" + psh,
            "sh+1=" + nsh,
            f"sh-1|sh={psh}|{sh}",
            f"sh|sh+1={sh}|{nsh}",
            f"l-1|l={prev}|{lw}",
            f"l|l+1={lw}|{nxt}",
            f"l-1|c={prev}|{cl}",
            f"c|l+1={cl}|{nxt}",
        ]
        if i == 0 or (i == 1 and words[0] in "\"“‘'(-"):
            f.append("first|c=" + cl)
            f.append("first|l=" + lw)
        if caps:
            f.append("caps|l=" + lw)
            f.append(f"caps|tseen={lw in ctx.title_seen}|lseen={lw in ctx.lower_seen}")
        elif cl != "lower":
            f.append(f"lseen={lw in ctx.lower_seen}|{cl}")
        g = gaz[i]
        if g:
            f.append("gz=" + g)
            f.append(f"gz|c={g}|{cl}")
        if i + 1 < n and gaz[i + 1]:
            f.append("gz+1=" + gaz[i + 1])
        if i and gaz[i - 1]:
            f.append("gz-1=" + gaz[i - 1])
        out.append(f)
    return out
