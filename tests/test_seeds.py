"""Seed reading: decoding, headline, page chrome, byline, date lines and sidecars."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.seeds import decode_seed, find_seeds, parse_date, read_seed, split_seed

REPO = Path(__file__).resolve().parent.parent


def test_repo_seed_headline_paragraphs_and_sidecar_date() -> None:
    seed, problems = read_seed(REPO / "seeds" / "000_7f0e6e5a34b7bc6c.txt", REPO)
    assert problems == []
    assert seed is not None
    assert seed.headline == "Blinken Meets With Netanyahu as U.S.-Israel Tensions Rise"
    assert seed.date == dt.date(2024, 3, 22)
    assert seed.source == "seeds/000_7f0e6e5a34b7bc6c.txt"
    assert seed.dropped == ("Back to top button",)
    assert len(seed.paragraphs) == 10
    assert not any("Back to top" in p for p in seed.paragraphs)
    assert "Israel’s" in seed.paragraphs[1]  # typographic apostrophes kept


def test_chrome_byline_and_date_line_are_recognised() -> None:
    text = ("Advertisement\nFloods Close Schools\nBy Jane Roe and Li Wei\nMarch 5, 2024\n\n"
            "Supported by\n\nSchools closed on Monday.\n\nShare this article\n\nRivers rose.\n")
    headline, paragraphs, byline, date, dropped = split_seed(text)
    assert headline == "Floods Close Schools"
    assert byline == "Jane Roe and Li Wei"
    assert date == dt.date(2024, 3, 5)
    assert paragraphs == ("Schools closed on Monday.", "Rivers rose.")
    assert dropped == ("Advertisement", "Supported by", "Share this article")


def test_date_line_formats() -> None:
    assert parse_date("22 March 2024") == dt.date(2024, 3, 22)
    assert parse_date("Published: Friday, March 22, 2024 10:30 a.m. ET") == dt.date(2024, 3, 22)
    assert parse_date("2024-06-03") == dt.date(2024, 6, 3)
    assert parse_date("Jun 3, 2024") == dt.date(2024, 6, 3)
    assert parse_date("February 30, 2024") is None
    assert parse_date("May the fourth be with you") is None


def test_decoding_bom_crlf_cp1252_and_binary() -> None:
    text, problems = decode_seed("\ufeffTitle\r\n\r\nBody é\r\n".encode("utf-8"), "seeds/a.txt")
    assert text == "Title\r\n\r\nBody é\r\n" and problems == []
    text, problems = decode_seed("Café “quoted”".encode("cp1252"), "seeds/b.txt")
    assert text == "Café “quoted”"
    assert [p.level for p in problems] == ["warning"] and "seeds/b.txt" in str(problems[0])
    _, problems = decode_seed(b"PK\x03\x04\x00\x00binary", "seeds/c.txt")
    assert problems[0].level == "error" and "NUL byte at offset 4" in problems[0].message
    _, problems = decode_seed(b"abc \x81 def", "seeds/d.txt")  # 0x81 is undefined in cp1252
    assert problems[0].level == "error" and "offset 4" in problems[0].message


def test_crlf_seed_splits_like_lf(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    seed_path = tmp_path / "seeds" / "x.txt"
    seed_path.write_bytes(b"Head line\r\n\r\nOne.\r\n\r\nTwo.\r\n")
    seed, _ = read_seed(seed_path, tmp_path)
    assert seed is not None
    assert seed.headline == "Head line" and seed.paragraphs == ("One.", "Two.")


def test_bad_sidecar_is_reported_with_line(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "x.txt").write_text("Head\n\nBody.\n", encoding="utf-8")
    (tmp_path / "seeds" / "x.yaml").write_text("publisher: Wire\ndate: someday\n", encoding="utf-8")
    seed, problems = read_seed(tmp_path / "seeds" / "x.txt", tmp_path)
    assert [str(p) for p in problems] == [
        "seeds/x.yaml:2: date: cannot read 'someday' as a date (use YYYY-MM-DD)"]
    assert seed is None  # not imported until fixed: no article baked with a made-up date


def test_empty_seed_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "x.txt").write_text("\n\n   \n", encoding="utf-8")
    seed, problems = read_seed(tmp_path / "seeds" / "x.txt", tmp_path)
    assert seed is None and problems[0].path == "seeds/x.txt"


def test_find_seeds_skips_sidecars_and_hidden(tmp_path: Path) -> None:
    for name in ("b.txt", "a.md", "a.yaml", ".hidden.txt", "notes.csv"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.name for p in find_seeds(tmp_path)] == ["a.md", "b.txt"]
