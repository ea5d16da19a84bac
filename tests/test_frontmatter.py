"""YAML line numbers are the editor's line numbers, whatever line breaks YAML itself recognises."""

from __future__ import annotations

from generator.frontmatter import load_yaml


def test_next_line_and_line_separator_characters_do_not_shift_line_numbers() -> None:
    # YAML treats U+0085, U+2028 and U+2029 as line breaks; editors (and `path:line`) do not.
    doc, problems = load_yaml("title: a\u2028 b\u0085 c\nk: 1\nk: 2\n", "content/articles/x.md", 1)
    assert [str(p) for p in problems] == ["content/articles/x.md:4: duplicate key 'k' (first on line 3)"]
    _, problems = load_yaml("\u00850: yes\n\u00850: yes\n\u00850: \u00850\n", "content/articles/y.md", 1)
    assert [p.line for p in problems] == [5]  # the closing line of a 3-line front matter, not beyond it


# dump_front_matter writes with libyaml's emitter when the values are simple enough for it to
# agree byte for byte with PyYAML's; these check that agreement, and the fallback for the rest.

import datetime as _dt  # noqa: E402

import yaml  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from generator.frontmatter import dump_front_matter  # noqa: E402

_TRICKY = st.sampled_from(list(" -?:,[]{}#&*!|>'\"%@`.~=+/\\()_;$^\t\xa0’—“”\ufeff\x07\x7f\x9féß中\u200b\xad\ufffd"
                               "\n\r\x85\u2028\U0001F600") + ["yes", "no", "null", "~", "1.5", "0x1F", "1:30",
                                                               "2024-01-01", "<<", "---", "...", ".inf", "0o17"])
_TEXT = st.one_of(st.text(max_size=40), st.lists(_TRICKY, max_size=12).map("".join),
                  st.text(alphabet=st.characters(max_codepoint=0xFFFF), min_size=1900, max_size=2100))
_VALUE = st.one_of(_TEXT, st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                   st.dates(), st.datetimes(), st.lists(_TEXT, max_size=4),
                   st.lists(st.one_of(st.integers(), st.floats(allow_nan=False), st.none()), max_size=3))


def _pure(fields: dict[str, object], body: str) -> str:
    fm = yaml.safe_dump(dict(fields), sort_keys=False, allow_unicode=True, width=10_000, default_flow_style=None)
    return f"---\n{fm}---\n{body}"


@settings(max_examples=1000, deadline=None)
@given(st.dictionaries(st.sampled_from(["title", "slug", "date", "aliases", "summary", "lat", "actors", "x y",
                                        "-", "yes"]), _VALUE, max_size=8))
def test_dump_front_matter_matches_pure_python_yaml(fields: dict[str, object]) -> None:
    assert dump_front_matter(fields, "body\n") == _pure(fields, "body\n")


def test_dump_front_matter_fallback_cases_match() -> None:
    for value in ["a\nb", "emoji \U0001F600", "x " * 6000, "line\u2028sep", "\x85", _dt.datetime(2024, 1, 2, 3, 4),
                  {"nested": ["a"]}, [["a"]], ["a\nb"], "é’—“ plain", "", "'quoted'", "- dash", "a: b", "# hash"]:
        fields = {"title": value, "date": _dt.date(2024, 3, 22), "actors": ["a-b", "c"], "lat": 38.7}
        assert dump_front_matter(fields, "") == _pure(fields, "")
