"""Site model: references checked, URL collisions refused, mentions found with their sentences."""

from __future__ import annotations

from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.build import prepare
from generator.config import load_config
from generator.model import _ABBREV, _ends_with_abbreviation, split_sentences


def test_mentions_found_by_link_name_and_surname(site_dir: Path) -> None:
    site, index, _, _, problems, _ = prepare(load_config(site_dir), import_new=False)
    assert [p for p in problems if p.level == "error"] == []
    assert [a.slug for a in site.articles] == ["ferry-strike", "harbour-reopens"]  # newest first
    lopez = index.mentions["actors/maria-lopez"]
    assert [m.sentence for m in lopez] == [
        "The harbour of Valparaíso reopened on Thursday, said María López, head of the Port Authority.",
        "Ms. López thanked the crews."]
    assert lopez[0].anchor == "p-1"
    assert index.counts["actors/port-authority"] == 3
    assert index.articles_of["locations/valparaiso"] == ("ferry-strike", "harbour-reopens")
    assert index.co_mentions("actors/port-authority") == [("locations/valparaiso", 2), ("actors/maria-lopez", 1)]


def test_duplicate_slug_is_an_error_naming_both_files(site_dir: Path) -> None:
    src = site_dir / "content/articles/ferry-strike.md"
    (site_dir / "content/articles/ferry-copy.md").write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    *_, problems, _ = prepare(load_config(site_dir), import_new=False)
    errors = [str(p) for p in problems if p.level == "error"]
    assert errors == ["content/articles/ferry-strike.md: slug 'ferry-strike' is also used by "
                      "content/articles/ferry-copy.md: two articles would share the URL articles/ferry-strike/"]


def test_unknown_front_matter_reference_is_an_error(site_dir: Path) -> None:
    path = site_dir / "content/articles/ferry-strike.md"
    path.write_text(path.read_text(encoding="utf-8").replace("actors: [port-authority]",
                                                            "actors: [port-authority, valparaiso]"),
                    encoding="utf-8")
    *_, problems, _ = prepare(load_config(site_dir), import_new=False)
    assert [str(p) for p in problems if p.level == "error"] == [
        "content/articles/ferry-strike.md: actors: unknown actor 'valparaiso' (it is a location); "
        "add content/actors/valparaiso.md"]


def test_sentence_split_respects_abbreviations() -> None:
    text = "Mr. Blinken met U.S. officials. He left. “We go,” Mr. Gantz said. William J. Burns flew."
    assert [text[s:e].strip() for s, e in split_sentences(text)] == [
        "Mr. Blinken met U.S. officials.", "He left.", "“We go,” Mr. Gantz said.", "William J. Burns flew."]


@settings(max_examples=500)
@given(st.text(alphabet=st.sampled_from(list("MrsDtUSJab.é_1 \n")), max_size=50))
@example("Mr")
@example("said Dr\n")  # `$` matches before a final newline too
@example("U.S")
@example("record")
def test_abbreviation_check_agrees_with_the_pattern_it_shortcuts(before: str) -> None:
    """The quick look at a sentence's last characters decides as the abbreviation pattern does."""
    assert _ends_with_abbreviation(before) == (_ABBREV.search(before) is not None)
