"""The render stage: strict templates, safe embedded JSON, marked sentences, theme overrides."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from generator.build import build
from generator.config import load_config
from generator.content import Entity, MarkdownSource
from generator.errors import ContentError
from generator.render import _json_script, _marker


def test_a_typo_in_a_template_fails_the_build_naming_the_template(site_dir: Path) -> None:
    theme = site_dir / "themes/default/templates"
    theme.mkdir(parents=True)
    (theme / "404.html").write_text('{% extends "base.html" %}{% block main %}{{ page.titel }}{% endblock %}\n')
    with pytest.raises(ContentError) as caught:
        build(load_config(site_dir))
    assert "404.html" in str(caught.value) and "titel" in str(caught.value)
    assert not (site_dir / "output").exists()


def test_embedded_json_cannot_close_its_script_element() -> None:
    text = str(_json_script({"summary": "</script><script>alert(1)</script> & more", "gone": None}))
    assert "</script" not in text and "<" not in text and "&" not in text
    assert json.loads(text) == {"summary": "</script><script>alert(1)</script> & more"}


def test_marked_sentences_escape_text_and_mark_every_name_form() -> None:
    person = Entity("benny-gantz", "person", "Benny Gantz", MarkdownSource("", "x.md", 1), aliases=("B. Gantz",))
    html = str(_marker()("Mr. Gantz <b>said</b> Benny Gantz & B. Gantz agreed; Gantzes did not.", person))
    assert html.count("<mark>") == 3 and "&lt;b&gt;said&lt;/b&gt;" in html and "&amp;" in html
    assert "<mark>Gantz</mark>es" not in html
    assert str(_marker()(2024, person)) == "2024"  # a theme may mark any value (compiled code too)


def test_entity_pages_carry_schema_org_data_without_nulls(built: Path) -> None:
    html = (built / "locations/rafah/index.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "Place" and data["geo"]["latitude"] == pytest.approx(31.2972, abs=1e-3)
    assert "jobTitle" not in data and "sameAs" not in data
    person = (built / "actors/antony-j-blinken/index.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', person, re.S).group(1))
    assert data["@type"] == "Person" and data["jobTitle"] == "Secretary of State"


def test_every_page_type_has_opengraph_title_and_url(built: Path) -> None:
    for rel in ("index.html", "actors/index.html", "locations/by-mentions.html", "actors/hamas/index.html",
                "articles/blinken-meets-with-netanyahu-as-us-israel-tensions-rise/index.html"):
        html = (built / rel).read_text(encoding="utf-8")
        assert re.search(r'property="og:title" content="[^"]+"', html), rel
        assert re.search(r'property="og:url" content="https?://[^"]+' + re.escape(rel) + '"', html), rel


class _Html:
    def __html__(self) -> str:
        return "<b>safe</b>"


def test_printed_values_are_escaped_as_jinja_escapes_them(tmp_path: Path) -> None:
    """`{{ … }}` goes through `render.escape_output`, not markupsafe's `escape`: the same page."""
    from jinja2 import DictLoader, Environment
    from markupsafe import Markup

    from generator.render import _Environment

    source = ("{{ a }}|{{ b }}|{{ c }}|{{ d }}|{{ e }}|{{ f }}|{% set s %}<i>{{ a }}</i>{% endset %}{{ s }}|"
              "{% macro m(x) %}[{{ x }}]{% endmacro %}{{ m(a) }}|{{ a ~ b }}|{% filter upper %}{{ a }}{% endfilter %}|"
              "{% autoescape false %}{{ a }}{% endautoescape %}")
    values = {"a": "<'\"&>", "b": Markup("<em>ok</em>"), "c": 3, "d": None, "e": _Html(), "f": ["<x>"]}
    made = [cls(loader=DictLoader({"t.html": source}), autoescape=True).get_template("t.html").render(**values)
            for cls in (Environment, _Environment)]
    assert made[0] == made[1]
    assert "&lt;&#39;&#34;&amp;&gt;|<em>ok</em>|3|None|<b>safe</b>|[&#39;&lt;x&gt;&#39;]|<i>&lt;" in made[1]
