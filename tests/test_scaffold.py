"""`init` makes a site that builds; `new` writes stubs and never overwrites; themes override by name."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.config import AnnotationsConfig, SiteConfig, load_config
from generator.content import load_content
from generator.theme import bundled_theme_dir


@pytest.fixture(scope="module")
def new_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`newsgloss init` then `newsgloss build`, once for the module."""
    folder = tmp_path_factory.mktemp("init") / "my-paper"
    runner = CliRunner()
    made = runner.invoke(main, ["init", str(folder)])
    assert made.exit_code == 0, made.output
    built = runner.invoke(main, ["build", "--site", str(folder)])
    assert built.exit_code == 0, built.output
    return folder


def test_init_makes_a_site_that_builds_and_checks(new_site: Path) -> None:
    assert (new_site / "output/index.html").is_file()
    articles = list((new_site / "content/articles").glob("*.md"))
    assert [a.name for a in articles] == ["riverside-market-reopens-in-lisbon-after-two-year-restoration.md"]
    assert (new_site / "content/locations/lisbon.md").is_file()
    assert "date: 2024-03-04" in articles[0].read_text(encoding="utf-8")  # from the example sidecar
    assert load_config(new_site).title == "My Paper"
    assert {"output/", ".output.*/", ".newsgloss/"} <= set((new_site / ".gitignore").read_text(encoding="utf-8").split())
    check = CliRunner().invoke(main, ["check", "--site", str(new_site)])
    assert check.exit_code == 0, check.output


def test_init_site_yaml_lists_every_option_with_its_default(new_site: Path) -> None:
    data = yaml.safe_load((new_site / "site.yaml").read_text(encoding="utf-8"))
    options = {f.name for f in dataclasses.fields(SiteConfig)} - {"site_dir"}
    assert set(data) == options
    defaults = SiteConfig(site_dir=new_site)
    for name in options - {"title", "base_url", "annotations", "reject"}:
        assert data[name] == getattr(defaults, name), name
    assert data["annotations"] == {"entity_footnotes": defaults.annotations.entity_footnotes}


def test_init_copies_the_default_theme(new_site: Path) -> None:
    bundled = bundled_theme_dir()
    for name in ("templates/base.html", "templates/article.html", "static/css/site.css"):
        assert (new_site / "themes/default" / name).read_bytes() == (bundled / name).read_bytes()


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["init", str(tmp_path)])
    assert result.exit_code == 2 and "not empty" in result.output
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_a_site_theme_overrides_templates_by_file_name(site_dir: Path) -> None:
    templates = site_dir / "themes/default/templates"
    templates.mkdir(parents=True)
    base = (bundled_theme_dir() / "templates/base.html").read_text(encoding="utf-8")
    (templates / "base.html").write_text(base.replace("Built with newsgloss", "Printed by the night desk"),
                                         encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--site", str(site_dir)])
    assert result.exit_code == 0, result.output
    page = (site_dir / "output/articles/harbour-reopens/index.html").read_text(encoding="utf-8")
    assert "Printed by the night desk" in page  # the site's base.html
    assert "Harbour Reopens After Storm" in page  # article.html still from the bundled theme


@pytest.mark.parametrize("kind,name,path", [
    ("article", "Storm Closes the Harbour", "content/articles/storm-closes-the-harbour.md"),
    ("actor", "Jorge Sharp", "content/actors/jorge-sharp.md"),
    ("location", "Lisbon", "content/locations/lisbon.md"),
])
def test_new_writes_a_stub_that_loads_and_never_overwrites(site_dir: Path, kind: str, name: str, path: str) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["new", kind, name, "--site", str(site_dir)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith(path)
    content, problems = load_content(load_config(site_dir))
    assert not [p for p in problems if p.level == "error"], problems
    if kind == "location":
        assert content.locations["lisbon"].country == "Portugal" and content.locations["lisbon"].lat
    stub = site_dir / path
    stub.write_text(stub.read_text(encoding="utf-8") + "Edited.\n", encoding="utf-8")
    again = runner.invoke(main, ["new", kind, name, "--site", str(site_dir)])
    assert again.exit_code == 1 and "already exists" in again.output
    assert stub.read_text(encoding="utf-8").endswith("Edited.\n")


def test_new_organisation_and_bad_kind(site_dir: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["new", "actor", "Harbour Board", "--organisation", "--site", str(site_dir)])
    assert result.exit_code == 0
    assert load_content(load_config(site_dir))[0].actors["harbour-board"].kind == "organisation"
    assert runner.invoke(main, ["new", "place", "X", "--site", str(site_dir)]).exit_code == 2


def test_readme_documents_every_site_yaml_option() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration (`site.yaml`)")[1].split("\n## ")[0]
    documented = {line.split("`")[1] for line in table.splitlines() if line.startswith("| `")}
    options = {f.name for f in dataclasses.fields(SiteConfig)} - {"site_dir", "annotations"}
    options |= {f"annotations.{f.name}" for f in dataclasses.fields(AnnotationsConfig)}
    assert documented == options
