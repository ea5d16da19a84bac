"""Entity detection: text + curated registry -> mentions and entity guesses.

The one public entry point is `detect`; its inside may be replaced freely. Inside:
tokens (CoNLL-style tokeniser) -> model (perceptron tagger over features, weights in
data/ner.json.gz, see MODEL.md) -> candidates (spans cleaned; registry and rules) ->
coref (one cluster per entity) -> pipeline (mentions, EntityGuess with roles from
titles and places from gazetteer). listing formats what `newsgloss entities` prints.
"""

from __future__ import annotations

from generator.detect.types import (
    KINDS,
    Detection,
    EntityGuess,
    Kind,
    KnownEntity,
    Lexicon,
    Mention,
)

__all__ = ["KINDS", "Detection", "EntityGuess", "Kind", "KnownEntity", "Lexicon", "Mention", "detect"]


def detect(text: str, lexicon: Lexicon = Lexicon()) -> Detection:
    """Find every person, organisation and location mentioned in `text`.

    Every line is scanned (headline included). Mentions are sorted and never overlap.
    """
    from generator.detect.pipeline import run

    return run(text, lexicon)
