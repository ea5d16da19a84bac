"""Import: seed -> front-matter Markdown with first mentions linked, entity stubs, never overwriting."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from generator.content import parse_fields
from generator.detect import KnownEntity, Lexicon
from generator.importer import escape_markdown, import_seed, save, summarise, unique_slug
from generator.seeds import read_seed

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_7f0e6e5a34b7bc6c.txt"


def _import(lexicon: Lexicon = Lexicon()):  # type: ignore[no-untyped-def]
    seed, _ = read_seed(SEED, REPO)
    assert seed is not None
    return import_seed(seed, lexicon, set())


def test_article_front_matter_matches_spec() -> None:
    result = _import()
    fields = parse_fields(result.article.text)
    assert result.article.path == "content/articles/blinken-meets-with-netanyahu-as-us-israel-tensions-rise.md"
    assert fields["title"] == "Blinken Meets With Netanyahu as U.S.-Israel Tensions Rise"
    assert fields["date"] == dt.date(2024, 3, 22)
    assert fields["source"] == "seeds/000_7f0e6e5a34b7bc6c.txt"
    assert len(fields["seed_sha256"]) == 64
    required = {"antony-j-blinken", "benjamin-netanyahu", "benny-gantz", "william-j-burns", "hamas", "cia",
                "un-security-council"}
    assert required <= set(fields["actors"])
    assert set(fields["actors"]) - required <= {"biden", "biden-administration"}  # optional in the answer key
    assert set(fields["locations"]) == {"gaza", "israel", "tel-aviv", "qatar", "rafah", "cairo",
                                        "saudi-arabia", "egypt", "middle-east", "united-states"}
    assert fields["summary"].startswith("The Biden administration accelerated efforts")


def test_first_body_mention_of_each_entity_linked_once_never_in_headline() -> None:
    text = _import().article.text
    body = text.split("\n---\n", 1)[1]
    links = re.findall(r"\[([^\]]+)\]\((actor|location):([a-z0-9-]+)\)", body)
    slugs = [slug for _, _, slug in links]
    assert len(slugs) == len(set(slugs)) and 17 <= len(slugs) <= 18
    assert ("Antony J. Blinken", "actor", "antony-j-blinken") in links
    assert ("U.S.", "location", "united-states") in links
    assert "Mr. Blinken met with" in body  # later mentions stay plain text
    title_line = next(line for line in text.splitlines() if line.startswith("title:"))
    assert "](" not in title_line


def test_stubs_carry_role_place_and_aliases() -> None:
    stubs = {s.path: parse_fields(s.text) for s in _import().stubs}
    blinken = stubs["content/actors/antony-j-blinken.md"]
    assert blinken["kind"] == "person" and blinken["role"] == "Secretary of State"
    assert "Blinken" not in blinken["aliases"]  # surnames are never aliases
    us = stubs["content/locations/united-states.md"]
    assert "U.S." in us["aliases"] and us["place_type"] == "country"
    cairo = stubs["content/locations/cairo.md"]
    assert cairo["country"] == "Egypt" and abs(cairo["lat"] - 30.06) < 0.2


def test_registry_entities_get_no_stub() -> None:
    known = Lexicon((KnownEntity("hamas", "Hamas", "organisation"),))
    paths = [s.path for s in _import(known).stubs]
    assert "content/actors/hamas.md" not in paths and "content/actors/cia.md" in paths


def test_save_never_overwrites_and_reimport_backs_up(tmp_path: Path) -> None:
    result = _import()
    target = tmp_path / result.article.path
    target.parent.mkdir(parents=True)
    target.write_text("editor's version", encoding="utf-8")
    written = save(result, tmp_path)
    assert result.article.path not in written
    assert target.read_text(encoding="utf-8") == "editor's version"
    assert save(result, tmp_path) == []  # stubs exist now too
    save(result, tmp_path, reimport=True)
    backups = list((tmp_path / "content" / ".backups").glob("*.md"))
    assert [b.read_text(encoding="utf-8") for b in backups] == ["editor's version"]
    assert target.read_text(encoding="utf-8") == result.article.text


def test_escape_markdown_keeps_seed_text_literal() -> None:
    assert escape_markdown("# 1. *x* [a](javascript:b) <i>&amp;") == r"\# 1. \*x\* \[a\](javascript:b) \<i\>\&amp;"
    assert escape_markdown("1999. A year") == r"1999\. A year"
    assert escape_markdown("- item") == r"\- item"


def test_summary_cut_at_sentence() -> None:
    long = "First sentence is here. " + "word " * 80
    assert summarise((long,), 60) == "First sentence is here."
    assert summarise(("Short.",)) == "Short."


def test_unique_slug() -> None:
    assert unique_slug("U.S. Talks", {"us-talks", "us-talks-2"}) == "us-talks-3"


def _corpus_site(root: Path, count: int) -> Path:
    """A site with `count` dated seeds that keep naming each other's people, places and firms."""
    people = ["Anna Berg", "Tomas Lind", "Maria Costa", "Peter Novak", "Jean Dubois", "Sara Khan"]
    firms = ["Nordic Steel", "Atlas Bank", "Blue River Foods"]
    places = ["Lisbon", "Oslo", "Nairobi", "Porto"]
    (root / "seeds").mkdir(parents=True)
    (root / "site.yaml").write_text("title: t\n", encoding="utf-8")
    for i in range(count):
        person, other, firm, place = (people[i % 6], people[(i * 5 + 1) % 6], firms[i % 3], places[i % 4])
        text = (f"Talks in {place} continue\n\n{person} of {firm} met {other} in {place} on Monday. "
                f"{person.split()[1]} said the deal with {firm} was close.\n\n"
                f"Mr {other.split()[1]} told reporters in {place} that Director Ines Varga{i} would decide.\n")
        (root / "seeds" / f"{i:03d}.txt").write_text(text, encoding="utf-8")
        (root / "seeds" / f"{i:03d}.yaml").write_text("date: 2024-05-01\n", encoding="utf-8")
    return root


def _import_tree(site: Path) -> dict[str, str]:
    from generator.config import load_config
    from generator.content import load_content
    from generator.importing import import_seeds

    cfg = load_config(site)
    content, _ = load_content(cfg)
    written, problems = import_seeds(cfg, content, sorted((site / "seeds").glob("*.txt")))
    assert not [p for p in problems if p.level == "error"]
    return {p: (site / p).read_text(encoding="utf-8") for p in written}


def test_parallel_import_writes_what_importing_in_one_process_writes(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Tagging runs in workers and in the parent, which takes chunks from the end while it waits;
    # whoever tags a seed, each seed must be resolved against the registry grown by the seeds
    # before it, exactly as in one process.
    monkeypatch.setenv("NEWSGLOSS_WORKERS", "1")
    alone = _import_tree(_corpus_site(tmp_path / "one", 90))
    for workers in ("2", "3"):
        monkeypatch.setenv("NEWSGLOSS_WORKERS", workers)
        assert _import_tree(_corpus_site(tmp_path / f"w{workers}", 90)) == alone
    assert sum(p.startswith("content/articles/") for p in alone) == 90
    assert "content/actors/anna-berg.md" in alone


def test_map_shared_yields_every_result_in_order() -> None:
    from generator.parallel import map_shared

    def double(chunk):  # type: ignore[no-untyped-def]
        return [x * 2 for x in chunk]

    for processes in (1, 2, 3):
        assert list(map_shared(double, range(203), chunk_size=4, processes=processes)) == [x * 2 for x in range(203)]
    assert list(map_shared(double, range(5), processes=2)) == [0, 2, 4, 6, 8]
