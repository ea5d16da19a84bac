"""Tokeniser: raw article text -> sentences of tokens with character offsets.

Splits the way CoNLL-2003 is tokenised (possessive `'s` apart, abbreviations and
dotted acronyms keep their dots, hyphenated words whole) so the tagger sees at run
time what it saw in training.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"(?:[A-Za-z]\.){2,}(?:[A-Za-z](?![\w.]))?"  # U.S.  C.I.A.  U.S.A
    r"|\d+(?:[.,:/]\d+)*(?:[-–]?[^\W_]+)*"  # 1,200  3.5  1996-08-30  10-year  31st
    r"|\w+(?=n['’]t\b)"  # "do" of "don't"
    r"|n['’]t\b"
    r"|\w+(?:[-./&]\w+|['’](?!(?:[sSmMdD]|re|ve|ll|RE|VE|LL)\b)\w+)*"  # Jean-Claude  O'Brien  AT&T
    r"|['’](?:[sSmMdD]|re|ve|ll|RE|VE|LL)\b"  # possessive and other clitics
    r"|\S"
)
ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr inc corp co ltd plc gen col lt sgt rep sen gov prof rev"
    " capt cmdr adm maj messrs mt ft no vs etc jan feb mar apr aug sept sep oct nov dec"
    " bros dept univ assn ave blvd".split()
)
_SENTENCE_END = frozenset(".?!")
_OPENERS = frozenset("\"“‘'([-—–")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: token strings and their character spans in the source text."""

    words: tuple[str, ...]
    """Token strings, as they stand in the text."""
    spans: tuple[tuple[int, int], ...]
    """(start, end) character offsets of each token."""

    def __reduce__(self) -> tuple[type[Sentence], tuple[object, ...]]:
        # what crosses the pipe from tagging workers: by the constructor, not slot by slot
        return Sentence, (self.words, self.spans)


def _tokens(line: str, base: int) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    n = len(line)
    extended = False
    for m in _TOKEN.finditer(line):
        word, (start, end) = m.group(), m.span()
        if (
            end < n
            and line[end] == "."
            and word.isalpha()
            and (word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isupper()))
        ):
            word, end, extended = word + ".", end + 1, True
        if out and out[-1][2] == base + start and out[-1][0] == "." and word == ".":
            continue  # "U.S.." style doubled stop: ignore the second one
        out.append((word, base + start, base + end))
    if not extended:  # regex matches never overlap
        return out
    # an abbreviation extension may have eaten a "." the regex also matched
    cleaned: list[tuple[str, int, int]] = []
    for tok in out:
        if cleaned and tok[1] < cleaned[-1][2]:
            continue
        cleaned.append(tok)
    return cleaned


def split_sentences(text: str) -> list[Sentence]:
    """Tokenise `text` line by line and split each line at sentence-final punctuation."""
    sentences: list[Sentence] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        toks = _tokens(line, pos)
        pos += len(line)
        cur: list[tuple[str, int, int]] = []
        for i, tok in enumerate(toks):
            cur.append(tok)
            if tok[0] in _SENTENCE_END:
                nxt = toks[i + 1][0] if i + 1 < len(toks) else ""
                if nxt and (nxt[0].isupper() or nxt[0] in _OPENERS):
                    sentences.append(_sentence(cur))
                    cur = []
        if cur:
            sentences.append(_sentence(cur))
    return sentences


def _sentence(toks: list[tuple[str, int, int]]) -> Sentence:
    words, starts, ends = zip(*toks)
    return Sentence(words, tuple(zip(starts, ends)))
