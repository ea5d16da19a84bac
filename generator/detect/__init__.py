"""Entity detection: text + curated registry -> mentions and entity guesses.

The one public entry point is `detect`; its inside may be replaced freely.
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
