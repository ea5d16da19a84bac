"""Properties of detection that hold for any text: valid, sorted, non-overlapping spans."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.detect import KINDS, detect

WORDS = st.sampled_from(
    [
        "Mr.",
        "Blinken",
        "U.S.",
        "C.I.A.",
        "Israel’s",
        "the",
        "of",
        "said",
        "“",
        "”",
        ",",
        ".",
        "\n\n",
        "\r\n",
        "Prime",
        "Minister",
        "von",
        "der",
        "Leyen",
        "Gaza",
        "Strip",
        "Hamas",
        "and",
        "Friday",
        "JOHN",
        "SMITH",
        "'s",
        "-",
        "Jean-Claude",
        "Ó",
        "Erdoğan",
        "O'Brien",
        "AT&T",
    ]
)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(WORDS, st.text(max_size=6)), max_size=40))
def test_mentions_are_valid_sorted_and_disjoint(parts: list[str]) -> None:
    text = " ".join(parts)
    d = detect(text)
    end = 0
    slugs = {e.slug for e in d.entities}
    for m in d.mentions:
        assert 0 <= m.start < m.end <= len(text) and m.start >= end
        assert text[m.start : m.end] == m.text and m.text.strip() == m.text
        assert m.kind in KINDS and m.entity in slugs
        end = m.end
    assert len(slugs) == len(d.entities)
