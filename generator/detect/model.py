"""The statistical tagger: an averaged perceptron over token features, greedy BIO decoding.

Takes a document as sentences of words and gives one BIO tag per word (PER, ORG, LOC,
MISC). The weights ship in `data/ner.json.gz`, loaded lazily once per process.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

from generator.detect.features import WORD_FEATURES, DocContext, doc_context, is_caps_line, sentence_features

TAGS: tuple[str, ...] = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC")
MODEL_PATH = Path(__file__).parent / "data" / "ner.json.gz"
Weights = dict[str, tuple[tuple[int, float], ...]]
# I-X may only follow B-X or I-X.
_ALLOWED_AFTER: dict[int, frozenset[int]] = {
    i: frozenset({i - 1, i}) for i, t in enumerate(TAGS) if t.startswith("I-")
}
_PLAIN_PUNCT = frozenset(",.;:!?)(\"'’“”-—")
Scorer = Callable[[list[str]], list[float]]


@lru_cache(maxsize=1)
def default_scorer() -> Scorer:
    """The shipped model's scorer, built once per process."""
    return sparse_scorer(load_weights())


@lru_cache(maxsize=1)
def load_weights(path: Path = MODEL_PATH) -> Weights:
    """Read the shipped weights: {feature: [[tag index, weight], ...]}."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        raw: dict[str, list[list[float]]] = json.load(f)["weights"]
    return {feat: tuple((int(t), w) for t, w in pairs) for feat, pairs in raw.items()}


def sparse_scorer(weights: Weights) -> Scorer:
    """Score features with the shipped weights (the run-time form).

    Each feature's weights are expanded to a dense vector over TAGS and summed column-wise
    in C (`map(sum, zip(...))`). The first WORD_FEATURES features depend on the word alone,
    so their sum is computed once per distinct word and reused.
    """
    dense: dict[str, tuple[float, ...]] = {}
    for feat, pairs in weights.items():
        row = [0.0] * len(TAGS)
        for t, w in pairs:
            row[t] = w
        dense[feat] = tuple(row)
    get = dense.get
    zero = (0.0,) * len(TAGS)
    by_word: dict[str, tuple[float, ...]] = {}

    def total(feats: list[str], start: tuple[float, ...]) -> tuple[float, ...]:
        rows = list(filter(None, map(get, feats)))
        rows.append(start)
        return tuple(map(sum, zip(*rows)))

    def score(feats: list[str]) -> list[float]:
        base = by_word.get(feats[1])
        if base is None:
            if len(by_word) > 100_000:
                by_word.clear()
            base = by_word[feats[1]] = total(feats[:WORD_FEATURES], zero)
        return list(total(feats[WORD_FEATURES:], base))

    return score


def needs_model(words: Sequence[str]) -> list[bool]:
    """Which tokens the tagger scores: capitalised words, their neighbours and odd symbols.

    Plain lower-case words away from any capitalised word are never names: tagged O unscored.
    """
    caps = [w[:1].isupper() for w in words]
    n = len(words)
    out = []
    for i, w in enumerate(words):
        out.append(
            caps[i]
            or (i > 0 and caps[i - 1])
            or (i + 1 < n and caps[i + 1])
            or (not w[:1].isalnum() and w[:1] not in _PLAIN_PUNCT)
        )
    return out


_FOLLOWERS: tuple[tuple[int, ...], ...] = tuple(
    tuple(t for t in range(len(TAGS)) if t not in _ALLOWED_AFTER or prev in _ALLOWED_AFTER[t])
    for prev in range(len(TAGS))
)
"""Per previous tag: the tags that may follow it, in TAGS order."""


def best_tag(scores: list[float], prev: int) -> int:
    """Highest-scoring tag that may follow `prev` in BIO (the first such, on a tie)."""
    return max(_FOLLOWERS[prev], key=scores.__getitem__)


def decode_order(sentences: Sequence[Sequence[str]]) -> tuple[list[bool], list[int]]:
    """Which sentences are in capitals, and the order to tag them in (running text first)."""
    caps = [is_caps_line(s) for s in sentences]
    order = [k for k, c in enumerate(caps) if not c] + [k for k, c in enumerate(caps) if c]
    return caps, order


_TAG_FEATURES: tuple[tuple[tuple[str, str], ...], ...] = tuple(
    tuple(("t-1=" + p, "t-2|t-1=" + p2 + "|" + p) for p in TAGS) for p2 in TAGS
)
"""[prev2][prev]: the features of the two previous tags (made once, not per token)."""


def dynamic_features(prev: int, prev2: int, lower: str, history: dict[str, str]) -> list[str]:
    """Features from the tags already chosen: previous tags and this word's earlier tags."""
    f = [*_TAG_FEATURES[prev2][prev], "t-1|l=" + TAGS[prev] + "|" + lower]
    seen = history.get(lower)
    if seen is not None:
        f.append("hist=" + seen)
    return f


def remember(history: dict[str, str], word: str, tag: int) -> None:
    """Record the type given to a capitalised word, for later mentions of it."""
    if word[:1].isupper():
        history[word.lower()] = TAGS[tag][2:] if tag else "O"


def tag_document(
    sentences: Sequence[Sequence[str]],
    score: Scorer | None = None,
    learn: Callable[[list[str], int, int], None] | None = None,
    gold: Sequence[Sequence[int]] | None = None,
) -> list[list[int]]:
    """Tag every sentence; with `learn` and `gold`, call learn(feats, gold, guess) per token."""
    scorer = score or default_scorer()
    caps, order = decode_order(sentences)
    ctx: DocContext = doc_context([list(s) for s in sentences], caps)
    history: dict[str, str] = {}
    out: list[list[int]] = [[] for _ in sentences]
    for k in order:
        words = list(sentences[k])
        needed = needs_model(words)
        static = sentence_features(words, caps[k], ctx, needed)
        tags: list[int] = []
        prev = prev2 = 0
        for i, w in enumerate(words):
            if not needed[i]:
                t = 0
            else:
                lower = w.lower()
                feats = static[i] + dynamic_features(prev, prev2, lower, history)
                t = best_tag(scorer(feats), prev)
                if learn is not None and gold is not None:
                    learn(feats, gold[k][i], t)
                remember(history, w, t)
            tags.append(t)
            prev2, prev = prev, t
        out[k] = tags
    return out


def spans_of(tags: Sequence[int]) -> list[tuple[int, int, str]]:
    """BIO tag indices -> (first token, end token, type) spans."""
    spans: list[tuple[int, int, str]] = []
    start, typ = -1, ""
    for i, t in enumerate(list(tags) + [0]):
        name = TAGS[t]
        if name == "O" or name.startswith("B-") or name[2:] != typ:
            if start >= 0:
                spans.append((start, i, typ))
            start, typ = (i, name[2:]) if name != "O" else (-1, "")
    return spans
