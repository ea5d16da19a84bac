"""site.yaml: defaults, validation in one pass, line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.config import load_config
from generator.errors import ContentError


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "site.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_defaults_without_site_yaml(tmp_path: Path) -> None:
    cfg = load_config(tmp_path)
    assert cfg.title == "newsgloss" and cfg.annotations.entity_footnotes == "first"
    assert cfg.output_dir == tmp_path / "output"


def test_options_are_read(tmp_path: Path) -> None:
    cfg = load_config(_write(tmp_path, "title: T\nbase_url: https://x.org/sub\nannotations:\n"
                                       "  entity_footnotes: all\nreject: [Back Page]\n"))
    assert cfg.base_url == "https://x.org/sub/"
    assert cfg.annotations.entity_footnotes == "all"
    assert cfg.reject == frozenset({"Back Page"})


def test_every_problem_reported_at_once_with_lines(tmp_path: Path) -> None:
    _write(tmp_path, "title: 1:30\ncolour: red\nannotations:\n  entity_footnotes: most\n"
                     "pretty_links: maybe\ntitle: again\n")
    with pytest.raises(ContentError) as info:
        load_config(tmp_path)
    lines = str(info.value.message).splitlines()
    assert "site.yaml:6: duplicate key 'title' (first on line 1)" in lines
    assert "site.yaml:2: unknown option 'colour'" in lines
    assert any(line.startswith("site.yaml:4: annotations.entity_footnotes: expected one of") for line in lines)
    assert "site.yaml:5: pretty_links: expected true or false" in lines
    assert info.value.exit_code == 1


def test_yaml_mangled_value_is_caught(tmp_path: Path) -> None:
    _write(tmp_path, "title: 1:30\n")
    with pytest.raises(ContentError, match=r'site.yaml:1: title: YAML reads 1:30 as the number 90, not as text; put it in quotes: title: "1:30"'):
        load_config(tmp_path)


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    _write(tmp_path, "title: ok\nreject: [a, b\n")
    with pytest.raises(ContentError, match=r"site.yaml:\d+: invalid YAML"):
        load_config(tmp_path)


def test_unsafe_yaml_tags_are_refused(tmp_path: Path) -> None:
    _write(tmp_path, "title: !!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(ContentError, match="site.yaml:1: invalid YAML"):
        load_config(tmp_path)
