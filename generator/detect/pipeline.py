"""Placeholder recogniser: the detection helper replaces this module."""

from __future__ import annotations

from generator.detect.types import Detection, Lexicon


def run(text: str, lexicon: Lexicon) -> Detection:
    """Return no entities (placeholder)."""
    return Detection()
