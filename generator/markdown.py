"""Stage 4: Markdown body + entity lookups -> AnnotatedBody (HTML, paragraphs, links, problems).

`make_parser` is the one place the markdown-it rule list is assembled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Sequence

from markupsafe import Markup

from generator.errors import Problem

if TYPE_CHECKING:  # markdown-it is imported when a parser is made: a build with nothing to annotate skips it
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token

    from generator.linker import EntityTarget, FootnoteMode


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Plain text of one body paragraph, for quoting mentions on entity pages."""

    anchor: str
    """Its id in the page (`p-3`)."""
    text: str
    """Text with markup removed."""
    links: tuple[tuple[int, int, str], ...]
    """(start, end, entity key) of each entity link inside `text`."""


@dataclass(frozen=True, slots=True)
class AnnotatedBody:
    """A rendered Markdown body and what was found in it."""

    html: Markup
    """HTML, safe to insert in templates."""
    paragraphs: tuple[Paragraph, ...]
    """Top-level paragraphs in order."""
    linked: tuple[str, ...]
    """Entity keys (`actors/<slug>`) linked, in order of first link."""
    problems: tuple[Problem, ...]
    """Unknown entity references and unsafe links."""
    hrefs: tuple[tuple[str, int], ...] = ()
    """(address, line in the source file) of every link and image in the HTML, in token order (raw
    HTML is off, so these are all)."""

    @property
    def feed_html(self) -> Markup:
        """The HTML without the sidenote copies, for feeds (feed readers have no margin CSS)."""
        return Markup(without_sidenotes(str(self.html)))


_SIDENOTE = '<span class="sidenote" role="note">'
_SPAN = re.compile(r"<span\b|</span>")


def without_sidenotes(html: str) -> str:
    """`html` with every sidenote span (see `_render_ref`) cut out, nested notes and all.

    Raw HTML is off, so every `<span` in a body is one this module rendered.
    """
    out: list[str] = []
    last = 0
    while (start := html.find(_SIDENOTE, last)) != -1:
        out.append(html[last:start])
        depth, end = 0, start
        for tag in _SPAN.finditer(html, start):
            depth += 1 if tag.group(0) != "</span>" else -1
            if depth == 0:
                end = tag.end()
                break
        else:
            end = len(html)
        last = end
    out.append(html[last:])
    return "".join(out)


def _paragraph_ids(state: StateCore) -> None:
    prefix = state.env.get("anchor_prefix", "p-")
    n = 0
    for tok in state.tokens:
        if tok.type == "paragraph_open" and tok.level == 0:
            n += 1
            tok.attrSet("id", f"{prefix}{n}")


def _collect_sidenotes(state: StateCore) -> None:
    notes: dict[int, list[Token]] = {}
    current: list[Token] | None = None
    for tok in state.tokens:
        if tok.type == "footnote_open":
            current = notes.setdefault(tok.meta["id"], [])
        elif tok.type == "footnote_close":
            current = None
        elif current is not None and tok.type == "inline":
            current.append(tok)
    state.env["sidenotes"] = notes


def note_anchor(kind: str, doc: str, n: int, sub: int = 0) -> str:
    """Id of note `n` (`fn-<doc>-<n>`) or of its `sub`-th reference (`fnref-<doc>-<n>-<sub>`, no
    suffix for the first); without a document id, no `<doc>-` part."""
    base = f"{kind}-{doc}-{n}" if doc else f"{kind}-{n}"
    return f"{base}-{sub}" if sub > 0 else base


def note_ref_html(doc: str, n: int, sub: int, entity: bool, side: str | None) -> str:
    """A reference to note `n` and, unless `side` is None, the note's margin copy holding `side`."""
    ref = (f'<sup class="footnote-ref{" footnote-ref-entity" if entity else ""}"><a href="#{note_anchor("fn", doc, n)}" '
           f'id="{note_anchor("fnref", doc, n, sub)}" role="doc-noteref" aria-label="Note {n}">{n}</a></sup>')
    if side is None:
        return ref
    return f'{ref}<span class="sidenote" role="note"><span class="sidenote-number">{n}</span> {side}</span>'


def notes_open_html(doc: str) -> str:
    """The start of the notes section."""
    doc = doc or "body"
    return (f'<section class="footnotes" role="doc-endnotes" aria-labelledby="notes-{doc}">\n'
            f'<h2 id="notes-{doc}" class="footnotes-title">Notes</h2>\n<ol class="footnotes-list">\n')


def note_item_open_html(doc: str, n: int) -> str:
    return f'<li id="{note_anchor("fn", doc, n)}" class="footnote-item">'


def backref_html(doc: str, n: int, sub: int) -> str:
    """The link from note `n` back to its `sub`-th reference."""
    label = f"Back to reference {n}" + (f" ({sub + 1})" if sub else "")
    return (f' <a href="#{note_anchor("fnref", doc, n, sub)}" class="footnote-backref" '
            f'role="doc-backlink" aria-label="{label}">↩\ufe0e</a>')


def _render_ref(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    meta = tokens[idx].meta
    doc, n, sub, entity = env.get("docId") or "", meta["id"] + 1, meta.get("subId", 0), bool(meta.get("entity"))
    inside: list[int] = env.setdefault("sidenotes_open", [])
    if env.get("endnotes_only") or meta["id"] in inside:  # (a note that refers to itself, maybe through
        return note_ref_html(doc, n, sub, entity, None)  # others, gets no copy inside its own copy)
    inside.append(meta["id"])
    note = env.get("sidenotes", {}).get(meta["id"], [])
    side = " ".join(self.renderInline(t.children or [], options, env) for t in note)
    inside.pop()
    return note_ref_html(doc, n, sub, entity, side)


def _render_block_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return notes_open_html(env.get("docId") or "")


def _render_item_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return note_item_open_html(env.get("docId") or "", tokens[idx].meta["id"] + 1)


def _render_backref(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return backref_html(env.get("docId") or "", tokens[idx].meta["id"] + 1, tokens[idx].meta.get("subId", 0))


def make_parser(footnotes: bool = True) -> MarkdownIt:
    """The configured parser: CommonMark, raw HTML off, tables, footnotes, entity links, safe URLs."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    from generator.linker import ENTITY_URL, entity_links_plugin, is_safe_url

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table").enable("strikethrough")
    if footnotes:
        md.use(footnote_plugin, inline=True)
    md.use(entity_links_plugin)
    md.core.ruler.after("entity_links", "paragraph_ids", _paragraph_ids)
    if footnotes:
        md.core.ruler.push("sidenotes", _collect_sidenotes)
        md.add_render_rule("footnote_ref", _render_ref)
        md.add_render_rule("footnote_block_open", _render_block_open)
        md.add_render_rule("footnote_open", _render_item_open)
        md.add_render_rule("footnote_anchor", _render_backref)
    md.validateLink = is_safe_url  # type: ignore[method-assign]
    slow = md.normalizeLink
    md.normalizeLink = lambda url: url if ENTITY_URL.fullmatch(url) else slow(url)  # type: ignore[method-assign]
    md.options["plain_fast_path"] = footnotes  # `annotate` may use `plainmd` (it reads Markdown as this parser does)
    return md


def _paragraphs(tokens: Sequence[Token]) -> tuple[Paragraph, ...]:
    out: list[Paragraph] = []
    for i, tok in enumerate(tokens):
        if tok.type != "paragraph_open" or tok.level != 0 or not tok.attrGet("id"):
            continue
        inline = tokens[i + 1]
        text: list[str] = []
        links: list[tuple[int, int, str]] = []
        open_at: tuple[int, str] | None = None
        size = 0
        for child in inline.children or []:
            piece = ""
            if child.type in ("text", "code_inline"):
                piece = child.content
            elif child.type in ("softbreak", "hardbreak"):
                piece = " "
            elif child.type == "link_open" and child.attrGet("data-entity"):
                open_at = (size, str(child.attrGet("data-entity")))
            elif child.type == "link_close" and open_at is not None:
                links.append((open_at[0], size, open_at[1]))
                open_at = None
            text.append(piece)
            size += len(piece)
        out.append(Paragraph(str(tok.attrGet("id")), "".join(text), tuple(links)))
    return tuple(out)


def _hrefs(tokens: Sequence[Token], first_line: int) -> tuple[tuple[str, int], ...]:
    """(href, line) of every link and (src, line) of every image: what `linkcheck.scan_html` finds
    in the HTML, read off the tokens instead of parsing the HTML again (that cost more than the
    Markdown parse). Footnote references are rendered by `_render_ref` with `#fn-…` fragments only,
    so they are left out. Notes made for entities have no line of their own: they get the last one.
    """
    found: list[tuple[str, int]] = []
    line = first_line
    for tok in (t for t in tokens if t.type == "inline"):
        line = first_line + tok.map[0] if tok.map else line
        for child in tok.children or ():
            if child.type == "link_open" and (href := child.attrGet("href")) is not None:
                found.append((str(href), line))
            elif child.type == "image" and (src := child.attrGet("src")) is not None:
                found.append((str(src), line))
    return tuple(found)


def annotate(md: MarkdownIt, text: str, source: str, first_line: int,
             resolve: Callable[[str, str], EntityTarget | None],
             footnotes: FootnoteMode = "first", doc_id: str = "") -> AnnotatedBody:
    """Render one Markdown body: entity links resolved relative to the page, notes numbered once.

    A body in the subset `plainmd` reads (most are) is rendered there: the same, about four times faster.
    """
    from generator.linker import LinkContext

    if md.options.get("plain_fast_path"):
        from generator.plainmd import annotate_plain

        plain = annotate_plain(text, source, first_line, resolve, footnotes, doc_id)
        if plain is not None:
            return plain

    ctx = LinkContext(resolve=resolve, source=source, first_line=first_line, footnotes=footnotes)
    env: dict[str, Any] = {"links": ctx, "docId": doc_id}
    tokens = md.parse(text, env)
    html = md.renderer.render(tokens, md.options, env)
    return AnnotatedBody(html=Markup(html), paragraphs=_paragraphs(tokens),
                         linked=tuple(dict.fromkeys(ctx.linked)), problems=tuple(ctx.problems),
                         hrefs=_hrefs(tokens, first_line))
