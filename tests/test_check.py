"""`newsgloss check`: every content problem as `path:line: message`, exit 1 on errors, nothing written."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from generator.cli import main


def _check(site_dir: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["check", "--site", str(site_dir)])
    return result.exit_code, result.output.splitlines()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_clean_site_passes_and_nothing_is_written(site_dir: Path) -> None:
    code, lines = _check(site_dir)
    assert code == 0, lines
    assert lines[-1].startswith("check: no errors, 0 warnings")
    assert not (site_dir / "output").exists()


def test_unknown_entity_references_are_errors_with_lines(site_dir: Path) -> None:
    article = site_dir / "content/articles/ferry-strike.md"
    _edit(article, "[Port Authority](actor:port-authority)", "[Port Authority](actor:port-authorty)")
    _edit(article, "locations: [valparaiso]", "locations: [valparaiso, santiago]")
    code, lines = _check(site_dir)
    assert code == 1
    # the link's paragraph starts on line 9, the link itself is on line 10
    assert any(line.startswith(("content/articles/ferry-strike.md:9: ", "content/articles/ferry-strike.md:10: "))
               and "'port-authorty'" in line for line in lines), lines
    assert ("content/articles/ferry-strike.md:6: locations: unknown location 'santiago'; add "
            "content/locations/santiago.md") in lines
    assert lines[-1].startswith("check: 2 errors")


def test_drift_between_front_matter_and_links_names_the_line(site_dir: Path) -> None:
    _edit(site_dir / "content/articles/ferry-strike.md", "actors: [port-authority]", "actors: []")
    code, lines = _check(site_dir)
    assert code == 0
    assert ("content/articles/ferry-strike.md:10: warning: 'port-authority' is linked in the body but missing "
            "from actors: in the front matter") in lines


def test_listed_but_never_named_and_never_mentioned(site_dir: Path) -> None:
    _edit(site_dir / "content/articles/ferry-strike.md", "actors: [port-authority]",
          "actors: [port-authority, maria-lopez]")
    (site_dir / "content/actors/jorge-sharp.md").write_text("---\nname: Jorge Sharp\nkind: person\n---\n",
                                                            encoding="utf-8")
    code, lines = _check(site_dir)
    assert code == 0
    assert ("content/articles/ferry-strike.md:5: warning: actors: lists 'maria-lopez' but the text never "
            "names 'María López'") in lines
    assert any(line.startswith("content/actors/jorge-sharp.md: warning: 'Jorge Sharp' is mentioned by no "
                               "published article") for line in lines)


def test_conflicting_aliases(site_dir: Path) -> None:
    _edit(site_dir / "content/actors/port-authority.md", "kind: organisation",
          "kind: organisation\naliases: [maría lópez, Valparaíso]")
    _edit(site_dir / "site.yaml", "language: en", "language: en\nreject: [Valparaíso]")
    code, lines = _check(site_dir)
    assert code == 0
    assert any(line.startswith("content/actors/port-authority.md:4: warning: alias 'maría lópez' differs "
                               "only in case") for line in lines), lines
    assert any("alias 'Valparaíso' is listed under reject:" in line for line in lines)
    assert any("name 'Valparaíso' also names" in line for line in lines)


def test_duplicate_urls_are_errors(site_dir: Path) -> None:
    copy = site_dir / "content/articles/ferry-strike-copy.md"
    copy.write_text((site_dir / "content/articles/ferry-strike.md").read_text(encoding="utf-8"), encoding="utf-8")
    code, lines = _check(site_dir)
    assert code == 1
    assert any("slug 'ferry-strike' is also used by" in line for line in lines)


def test_broken_links_and_anchors_in_a_theme_are_errors(site_dir: Path) -> None:
    partials = site_dir / "themes/default/templates"
    partials.mkdir(parents=True)
    (partials / "robots.txt").write_text("User-agent: *\n", encoding="utf-8")
    (partials / "404.html").write_text("<!DOCTYPE html><title>x</title>", encoding="utf-8")
    (partials / "redirect.html").write_text("x", encoding="utf-8")
    base = Path(__file__).resolve().parent.parent / "themes/default/templates/base.html"
    text = base.read_text(encoding="utf-8").replace(
        '<a href="{{ url(\'feed.xml\') }}">Atom feed</a>',
        '<a href="{{ url(\'about/index.html\') }}">About</a> <a href="#nowhere">x</a>')
    (partials / "base.html").write_text(text, encoding="utf-8")
    code, lines = _check(site_dir)
    assert code == 1
    assert any(line.startswith("output/index.html:") and "broken link '../about/index.html'" in line
               or "broken link 'about/index.html'" in line for line in lines), lines
    assert any("broken anchor '#nowhere'" in line for line in lines)


def test_file_dates_and_pending_seeds_are_listed(site_dir: Path) -> None:
    _edit(site_dir / "content/articles/ferry-strike.md", "date: 2024-05-09", "date: 2024-05-09\ndate_source: file")
    (site_dir / "seeds").mkdir()
    (site_dir / "seeds/new.txt").write_text("Tide Tables Change\n\nThe tide tables changed.\n", encoding="utf-8")
    code, lines = _check(site_dir)
    assert code == 0
    assert any(line.startswith("content/articles/ferry-strike.md:4: warning: date taken from the seed file")
               for line in lines), lines
    assert "seeds/new.txt: warning: not imported yet; `newsgloss build` will import it" in lines
    assert not (site_dir / "content/articles/tide-tables-change.md").exists()


def test_bad_site_yaml_is_an_error_with_a_line(site_dir: Path) -> None:
    _edit(site_dir / "site.yaml", "language: en", "language: en\nper_page: many")
    code, lines = _check(site_dir)
    assert code == 1
    assert "site.yaml:4: per_page: expected a whole number from 1 to 100000" in lines


def test_strict_turns_warnings_into_a_failure(site_dir: Path) -> None:
    _edit(site_dir / "content/articles/ferry-strike.md", "actors: [port-authority]", "actors: []")
    assert _check(site_dir)[0] == 0
    result = CliRunner().invoke(main, ["check", "--strict", "--site", str(site_dir)])
    assert result.exit_code == 1 and "check: 0 errors, 1 warning" in result.output


def test_a_template_error_is_reported_with_its_file(site_dir: Path) -> None:
    templates = site_dir / "themes/default/templates"
    templates.mkdir(parents=True)
    (templates / "robots.txt").write_text("User-agent: *\n{{ site.no_such_field }}\n", encoding="utf-8")
    code, lines = _check(site_dir)
    assert code == 1
    assert any(line.startswith(str(templates / "robots.txt") + ":2: template error:")
               or line.startswith("templates/robots.txt:2: template error:") for line in lines), lines


def test_check_of_a_large_site_with_quotes_annotates_in_worker_processes(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`check` annotates every article afresh (no cache), in worker processes on a large site;
    their results carry the mentions and quotes found, which must come back whole (a compiled
    build's frozen dataclasses did not survive pickling: the check stopped with an error)."""
    site = tmp_path / "site"
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(site)]).exit_code == 0
    assert runner.invoke(main, ["build", "--site", str(site), "--quiet"]).exit_code == 0  # imports the example
    [article] = (site / "content" / "articles").glob("*.md")
    text = article.read_text(encoding="utf-8")
    assert "said [Rita Nunes](actor:rita-nunes)" in text  # a quote, attributed
    for i in range(80):
        copy = text.replace("\nslug: ", f"\nslug: copy-{i:02d}-").replace("\ntitle: ", f"\ntitle: Copy {i:02d} of ")
        (article.parent / f"copy-{i:02d}.md").write_text(copy, encoding="utf-8")
    monkeypatch.setenv("NEWSGLOSS_WORKERS", "2")
    code, lines = _check(site)
    assert code == 0, lines
    assert lines[-1].startswith("check: no errors"), lines
