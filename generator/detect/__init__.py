"""Entity detection: text + curated registry -> mentions and entity guesses.

The public entry point is `detect` (and `tag`, its first half); its inside may be replaced freely. Inside:
tokens (CoNLL-style tokeniser) -> model (perceptron tagger over features, weights in
data/ner.json.gz, see MODEL.md) -> candidates (spans cleaned; registry and rules) ->
coref (one cluster per entity) -> pipeline (mentions, EntityGuess with roles from
titles and places from gazetteer). listing formats what `newsgloss entities` prints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.detect.types import (
    KINDS,
    Detection,
    EntityGuess,
    Kind,
    KnownEntity,
    Lexicon,
    Mention,
)

if TYPE_CHECKING:
    from generator.detect.pipeline import Tagged

__all__ = ["KINDS", "Detection", "EntityGuess", "Kind", "KnownEntity", "Lexicon", "Mention", "detect", "preload", "tag"]


def preload() -> None:
    """Load the tagger's weights and the gazetteer now, rather than at the first `detect` or `tag`.

    Worker processes forked afterwards share them instead of each loading its own copy.
    """
    from generator.detect.pipeline import preload as load

    load()


def tag(text: str) -> Tagged:
    """The lexicon-independent (and costly) first half of `detect`: tokens and tagger spans.

    `detect(text, lexicon, tagged=tag(text))` is `detect(text, lexicon)`; tag once to detect a
    text against several lexicons (the importer does, as the registry grows).
    """
    from generator.detect.pipeline import tag as run_tagger

    return run_tagger(text)


def detect(text: str, lexicon: Lexicon = Lexicon(), tagged: Tagged | None = None) -> Detection:
    """Find every person, organisation and location mentioned in `text`.

    Every line is scanned (headline included). Mentions are sorted and never overlap.
    `tagged`, if given, is `tag(text)` computed before.
    """
    from generator.detect.pipeline import resolve, run

    if tagged is None:
        return run(text, lexicon)
    if tagged.text != text:
        raise ValueError("detect: `tagged` was made from another text")
    return resolve(tagged, lexicon)
