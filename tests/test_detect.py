"""Entity detection on the seed article: what the answer key says an editor wants."""

from __future__ import annotations

from pathlib import Path

import yaml

from generator.detect import detect
from generator.detect.listing import read_text

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_7f0e6e5a34b7bc6c.txt"
GOLD = ROOT / "tests" / "fixtures" / "000_7f0e6e5a34b7bc6c.gold.yaml"


def _seed():
    return detect(read_text(SEED))


def test_seed_finds_exactly_the_answer_key_entities() -> None:
    gold = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    want = {
        "person": {p["name"] for p in gold["actors"]["people"]},
        "organisation": {o["name"] for o in gold["actors"]["organizations"]},
        "location": {loc["name"] for loc in gold["locations"]},
    }
    optional = set(gold["actors"]["optional"])
    got: dict[str, set[str]] = {"person": set(), "organisation": set(), "location": set()}
    for e in _seed().entities:
        if e.name not in optional:
            got[e.kind].add(e.name)
    assert got == want


def test_seed_never_makes_entities_of_capitalised_non_names() -> None:
    gold = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    names = {e.name for e in _seed().entities} | {m.text for m in _seed().mentions}
    assert names.isdisjoint(gold["not_entities"])


def test_seed_one_actor_per_person_with_aliases_resolved() -> None:
    d = _seed()
    by_text = {m.text: m.entity for m in d.mentions}
    assert by_text["Blinken"] == by_text["Antony J. Blinken"] == "antony-j-blinken"
    assert by_text["Netanyahu"] == "benjamin-netanyahu"
    assert by_text["U.S."] == by_text["US"] == "united-states"
    assert by_text["C.I.A."] == "cia"
    people = [e for e in d.entities if e.kind == "person"]
    assert len({e.name.split()[-1] for e in people}) == len(people)


def test_seed_possessives_resolve_and_spans_exclude_the_s() -> None:
    text = read_text(SEED)
    d = _seed()
    at = text.index("Israel’s war cabinet")
    israel = [m for m in d.mentions if m.start == at]
    assert israel and israel[0].end == at + len("Israel") and israel[0].entity == "israel"
    at = text.index("Netanyahu’s war strategy")
    assert any(m.start == at and m.text == "Netanyahu" for m in d.mentions)


def test_seed_roles_and_places_come_from_text_and_gazetteer() -> None:
    ents = {e.slug: e for e in _seed().entities}
    assert ents["antony-j-blinken"].role == "Secretary of State"
    assert ents["benjamin-netanyahu"].role == "Prime Minister"
    assert ents["william-j-burns"].role == "C.I.A. director"
    assert ents["tel-aviv"].place_type == "city" and ents["tel-aviv"].country == "Israel"
    assert ents["qatar"].place_type == "country" and ents["qatar"].lat is not None
    assert ents["middle-east"].place_type == "region"


def test_mentions_sorted_non_overlapping_and_text_matches_offsets() -> None:
    text = read_text(SEED)
    d = _seed()
    ends = 0
    for m in d.mentions:
        assert m.start >= ends and text[m.start : m.end] == m.text
        ends = m.end
