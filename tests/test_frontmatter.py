"""YAML line numbers are the editor's line numbers, whatever line breaks YAML itself recognises."""

from __future__ import annotations

from generator.frontmatter import load_yaml


def test_next_line_and_line_separator_characters_do_not_shift_line_numbers() -> None:
    # YAML treats U+0085, U+2028 and U+2029 as line breaks; editors (and `path:line`) do not.
    doc, problems = load_yaml("title: a\u2028 b\u0085 c\nk: 1\nk: 2\n", "content/articles/x.md", 1)
    assert [str(p) for p in problems] == ["content/articles/x.md:4: duplicate key 'k' (first on line 3)"]
    _, problems = load_yaml("\u00850: yes\n\u00850: yes\n\u00850: \u00850\n", "content/articles/y.md", 1)
    assert [p.line for p in problems] == [5]  # the closing line of a 3-line front matter, not beyond it
