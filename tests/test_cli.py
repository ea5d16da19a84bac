"""The command line: exit codes, messages and formats (logic is tested at the stage level)."""

from __future__ import annotations

import io
import json
from pathlib import Path

from click.testing import CliRunner

from generator.cli import main
from generator.console import ProgressBar

REPO = Path(__file__).resolve().parent.parent


def test_help_lists_the_commands() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("build", "import", "check", "entities"):
        assert command in result.output


def test_build_prints_a_summary_and_writes_output(site_dir: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--site", str(site_dir)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("built 2 articles, 2 actors, 1 location: 12 pages in ")
    assert result.output.count("\n") == 1 and result.output.rstrip().endswith("; 0 warnings")
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


class _Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def _run_stages(bar: ProgressBar) -> None:
    for done in range(4):
        bar("importing seeds", done, 3)
    for done in range(6):
        bar("rendering", done, 5)
    bar.close()


def test_progress_bars_show_on_a_terminal_only() -> None:
    terminal = _Terminal()
    _run_stages(ProgressBar(True, terminal, delay=0))
    shown = terminal.getvalue()
    assert "importing seeds" in shown and "3/3" in shown
    assert "rendering" in shown and "5/5" in shown
    for bar in (ProgressBar(True, io.StringIO(), delay=0), ProgressBar(False, _Terminal(), delay=0)):
        _run_stages(bar)
        assert bar.file.getvalue() == ""  # type: ignore[attr-defined]
    quick = _Terminal()
    _run_stages(ProgressBar(True, quick, delay=3600))  # stages quicker than the delay draw nothing
    assert quick.getvalue() == ""


def test_build_summary_counts_new_files_and_warnings(site_dir: Path) -> None:
    (site_dir / "seeds").mkdir()
    (site_dir / "seeds/quake.txt").write_text("Quake Shakes Lima\n\nMarch 3, 2024\n\nA quake shook Lima in Peru.\n",
                                              encoding="utf-8")
    (site_dir / "content/articles/ferry-strike.md").write_text(
        (site_dir / "content/articles/ferry-strike.md").read_text(encoding="utf-8")
        .replace("actors: [port-authority]", "actors: []"), encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--site", str(site_dir)])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("\n") == 1
    assert result.stdout.startswith("built 3 articles, 2 actors, 3 locations: ")
    assert "; 3 new files in content/; 1 warning\n" in result.stdout
    assert "warning: 'port-authority' is linked in the body" in result.stderr
    quiet = CliRunner().invoke(main, ["build", "--quiet", "--site", str(site_dir)])
    assert quiet.exit_code == 0 and quiet.stdout == ""


def test_help_lists_every_editor_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    for command in ("init", "new", "serve", "check", "merge"):
        assert f"  {command} " in result.output


def test_build_outside_a_site_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--site", str(tmp_path)])
    assert result.exit_code == 2
    assert "is not a newsgloss site (no site.yaml)" in result.output
    assert not (tmp_path / "output").exists()
