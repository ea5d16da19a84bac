"""Detection on two short news articles written for these tests (not from any corpus)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from generator.detect import detect
from generator.detect.listing import read_text

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTICLES = ["article_eu_summit", "article_turkey_quake"]


def _load(name: str) -> tuple[str, dict[str, object]]:
    text = read_text(FIXTURES / f"{name}.txt")
    expected = yaml.safe_load((FIXTURES / f"{name}.expected.yaml").read_text(encoding="utf-8"))
    return text, expected


@pytest.mark.parametrize("name", ARTICLES)
def test_article_finds_exactly_the_expected_entities(name: str) -> None:
    text, expected = _load(name)
    optional = set(expected.get("optional") or [])
    got: dict[str, set[str]] = {"person": set(), "organisation": set(), "location": set()}
    for e in detect(text).entities:
        if e.name not in optional:
            got[e.kind].add(e.name)
    assert got == {
        "person": set(expected["people"]),
        "organisation": set(expected["organisations"]),
        "location": set(expected["locations"]),
    }


@pytest.mark.parametrize("name", ARTICLES)
def test_article_roles_in_the_texts_own_words(name: str) -> None:
    text, expected = _load(name)
    roles = {e.name: e.role for e in detect(text).entities}
    for person, role in (expected.get("roles") or {}).items():
        assert roles[person] == role


def test_headline_surname_and_honorific_mentions_join_the_full_name() -> None:
    text, _ = _load("article_eu_summit")
    d = detect(text)
    leyen = [m for m in d.mentions if "Leyen" in m.text]
    assert len(leyen) == 3 and {m.entity for m in leyen} == {"ursula-von-der-leyen"}
    ent = next(e for e in d.entities if e.slug == "ursula-von-der-leyen")
    assert ent.aliases == ()  # "von der Leyen" is a surname, not an alias


def test_all_caps_dateline_place_gets_its_gazetteer_name() -> None:
    text, _ = _load("article_turkey_quake")
    ent = next(e for e in detect(text).entities if e.slug == "istanbul")
    assert ent.name == "Istanbul" and ent.country == "Turkey" and ent.place_type == "city"
