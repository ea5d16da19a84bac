"""The command line: exit codes, messages and formats (logic is tested at the stage level)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main

REPO = Path(__file__).resolve().parent.parent


def test_help_lists_the_commands() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("build", "import", "check", "entities"):
        assert command in result.output


def test_build_prints_a_summary_and_writes_output(site_dir: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--site", str(site_dir)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("built 2 articles, 2 actors, 1 locations:")
    assert (site_dir / "output/articles/harbour-reopens/index.html").is_file()


def test_content_errors_exit_1_with_path_and_line(site_dir: Path) -> None:
    (site_dir / "content/articles/bad.md").write_text("---\ntitle: Bad\ndate: tomorrow\n---\n[x](actor:ghost)\n",
                                                      encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--site", str(site_dir)])
    assert result.exit_code == 1
    assert "content/articles/bad.md:3: date: cannot read 'tomorrow' as a date (use YYYY-MM-DD)" in result.output
    assert "Traceback" not in result.output
    assert not (site_dir / "output").exists()


def test_usage_errors_exit_2(site_dir: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--site", str(site_dir), "--output", str(site_dir / "content")])
    assert result.exit_code == 2
    assert "refusing to write the site" in result.output
    assert CliRunner().invoke(main, ["build", "--no-such-option"]).exit_code == 2


def test_entities_json_for_one_and_several_files(tmp_path: Path) -> None:
    seed = REPO / "seeds" / "000_7f0e6e5a34b7bc6c.txt"
    one = CliRunner().invoke(main, ["entities", "--site", str(tmp_path), "--format", "json", str(seed)])
    assert one.exit_code == 0, one.output
    mentions = json.loads(one.output)
    text = seed.read_text(encoding="utf-8")
    assert mentions[0].keys() == {"start", "end", "text", "kind", "entity", "name"}
    assert all(text[m["start"]:m["end"]] == m["text"] for m in mentions)
    assert {m["kind"] for m in mentions} == {"person", "organisation", "location"}
    assert any(m["text"] == "Blinken" and m["start"] == 0 and m["entity"] == "antony-j-blinken" for m in mentions)
    other = tmp_path / "other.txt"
    other.write_text("Storm Hits Lisbon\n\nThe storm hit Lisbon on Monday.\n", encoding="utf-8")
    several = CliRunner().invoke(main, ["entities", "--site", str(tmp_path), "--format", "json", str(seed), str(other)])
    assert set(json.loads(several.output)) == {str(seed), str(other)}


def test_import_command_never_overwrites(site_dir: Path) -> None:
    seed = site_dir / "seeds" / "s.txt"
    seed.parent.mkdir(exist_ok=True)  # git keeps no empty seeds/ folder in tests/sites/minimal
    seed.write_text("Quake Shakes Lima\n\nMarch 3, 2024\n\nA quake shook Lima in Peru.\n", encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["import", "--site", str(site_dir), str(seed)]).exit_code == 0
    article = site_dir / "content/articles/quake-shakes-lima.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    again = runner.invoke(main, ["import", "--site", str(site_dir), str(seed)])
    assert again.exit_code == 0 and article.read_text(encoding="utf-8").endswith("Edited.\n")
