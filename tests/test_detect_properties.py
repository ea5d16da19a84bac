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


# The registry matcher finds what one regex alternation of every form, longest first, would find.

import re  # noqa: E402

from generator.detect import KnownEntity, Lexicon  # noqa: E402
from generator.detect.registry import find_known, index_lexicon  # noqa: E402

_PIECES = st.sampled_from(["U.S.", "US", "U", "S", "New", "York", "New York", "York City", "a", "_", ".", " ", "-",
                           "é", "Ö", "٣", "1", "’s", "Al", "al-", "Al Qaeda", "Qaeda", "\n"])
_FORMS = st.lists(st.lists(_PIECES, min_size=1, max_size=3).map("".join), min_size=1, max_size=8)


def _reference(text: str, lexicon: Lexicon) -> list[tuple[int, int, str]]:
    by_form: dict[str, KnownEntity] = {}
    for e in lexicon.entities:
        for form in (e.name, *e.aliases):
            if form.strip():
                by_form.setdefault(form, e)
    forms = sorted(by_form, key=len, reverse=True)
    if not forms:
        return []
    pattern = re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w])")
    return [(m.start(), m.end(), by_form[m.group()].slug) for m in pattern.finditer(text)]


@settings(max_examples=1500, deadline=None)
@given(_FORMS, st.lists(_PIECES, max_size=30).map("".join))
def test_find_known_matches_the_regex_it_replaces(forms: list[str], text: str) -> None:
    lexicon = Lexicon(tuple(KnownEntity(f"e{i}", form, "organisation", (form[::-1],)) for i, form in enumerate(forms)))
    found = [(a, b, e.slug) for a, b, e in find_known(text, index_lexicon(lexicon))]
    assert found == _reference(text, lexicon)
