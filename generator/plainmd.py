"""A fast path for plain bodies: the AnnotatedBody markdown-it would make, or None.

Most bodies use a small part of Markdown: paragraphs, `##` headings, `>` quotes, `*`/`**`
emphasis, backslash escapes, entity links written `[label](actor:slug)` and one-line footnotes.
For them `annotate_plain` makes exactly what `markdown.annotate` makes with markdown-it (HTML,
paragraphs, links, problems), in about a quarter of the time. For anything else, or anything it is not
sure of, it returns None and markdown-it does the work: every rule below is a reason to give up,
never a second reading of Markdown. `tests/test_plainmd.py` compares the two on every fixture,
on generated documents full of markup characters and, with ../shared, on 200 imported BBC stories.
"""

from __future__ import annotations

import re
from typing import Callable, Union

from markdown_it.common.normalize_url import normalizeLink
from markdown_it.common.utils import escapeHtml as _escape  # markdown-it's own: the same escaping
from markupsafe import Markup

from generator.errors import Problem, problem
from generator.linker import ENTITY_SCHEMES, PLAIN_ENTITY_LINK, EntityTarget, FootnoteMode, is_safe_url, scheme_of
from generator.markdown import (AnnotatedBody, Paragraph, backref_html, note_item_open_html, note_ref_html,
                                notes_open_html)

_BEYOND = re.compile(r"[\r\0\t\x0b\x0c`<_~|]|!\[|\^\[|&[#A-Za-z0-9]+;|\\\n")
"""Characters and pairs that start markup outside the subset (code, HTML, autolinks, `_`
emphasis, strikethrough, tables, images, inline notes, character references, hard breaks)."""
_BEYOND_CHARS = "\r\0\t\x0b\x0c`<_~|"
_CHAR_REF = re.compile(r"&[#A-Za-z0-9]+;")
_NOT_PARAGRAPH = re.compile(r"[#>\-+=_~|<: ]|\d{1,9}[.)](?: |$)|\*(?:\s|$)|\*\*(?:[\s*]|$)")
"""A line that could start a block other than a paragraph (or a list, a rule, a table row)."""
_HEADING = re.compile(r"(#{1,6}) (\S(?:.*\S)?)$")
_NOTE_DEF = re.compile(r"\[\^([\w-]+)\]: (\S.*)$")
_NOTE_REF = re.compile(r"\[\^([\w-]+)\](?![(\[:])")
_PLAIN_LINK = re.compile(r"\[([^\[\]\\`~*_!^<&\n]+)\]\(([A-Za-z0-9\-._~:/?#@!$&*+,;=%]+)\)")
"""`[label](address)`: a plain label as in an entity link, an address with no character that
markdown-it would unescape, balance or stop at (`&` starts no character reference: see _BEYOND)."""
_SPECIAL = re.compile(r"[\[\\*\n]")
_ESCAPABLE = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_FLANK = frozenset(" \n()\"'.,;:!?-\u2014\u2013\u201c\u201d\u2018\u2019")
"""Characters allowed just outside an emphasis run: whitespace or punctuation in every reading of
CommonMark's flanking rules (so `*` before them opens and after them closes, nothing else)."""

Piece = Union[str, tuple[str, ...]]
"""A piece of inline content: text (a str) or a tuple: ("br",), ("tag", html), ("href", address)
(a link's, for `AnnotatedBody.hrefs`), ("link", label, scheme, slug), ("ref", label)."""


def beyond(text: str) -> bool:
    """Whether `_BEYOND` is found in `text`, by `str` searches (a third of the time: `re` tests a
    character class at every position of a 4,000-character body)."""
    for char in _BEYOND_CHARS:
        if char in text:
            return True
    if "![" in text or "^[" in text or "\\\n" in text:
        return True
    return "&" in text and _CHAR_REF.search(text) is not None


class _GiveUp(Exception):
    """The body is outside the subset: markdown-it must read it."""


def _emphasis(src: str, at: int) -> tuple[int, str]:
    """(end, inner text) of the `*…*` or `**…**` starting at `at`; plain text inside only."""
    size = 2 if src.startswith("**", at) else 1
    start = at + size
    end = src.find("*" * size, start)
    if end <= start or (at and src[at - 1] not in _FLANK) or src[start].isspace() \
            or src[end - 1].isspace() or src.startswith("*", end + size) \
            or (end + size < len(src) and src[end + size] not in _FLANK):
        raise _GiveUp
    inner = src[start:end]
    if _SPECIAL.search(inner):
        raise _GiveUp
    return end + size, inner


def _inline(src: str, labels: frozenset[str], plain: bool = False) -> list[Piece]:
    """The pieces of one paragraph or heading (`plain`: no links or note references)."""
    out: list[Piece] = []
    pos = 0
    for found in _SPECIAL.finditer(src):
        at = found.start()
        if at < pos:
            continue
        if at > pos:
            out.append(src[pos:at])
        char = src[at]
        if char == "\n":
            out.append(("br",))
            pos = at + 1
        elif char == "\\":
            nxt = src[at + 1:at + 2]
            out.append(nxt if nxt in _ESCAPABLE and nxt else "\\" + nxt)
            pos = at + 1 + len(nxt)
        elif char == "*":
            pos, inner = _emphasis(src, at)
            tag = "strong" if src.startswith("**", at) else "em"
            out += [("tag", f"<{tag}>"), inner, ("tag", f"</{tag}>")]
        elif plain:
            raise _GiveUp
        elif (link := PLAIN_ENTITY_LINK.match(src, at)) is not None:
            scheme, _, slug = link.group(2).partition(":")
            out.append(("link", link.group(1), scheme, slug))
            pos = link.end()
        elif (link := _PLAIN_LINK.match(src, at)) is not None:
            href = normalizeLink(link.group(2))
            if not is_safe_url(href) or scheme_of(href) in ENTITY_SCHEMES:
                raise _GiveUp  # unsafe, or an entity link not written as one (`Actor:x`, `location:`)
            out += [("tag", f'<a href="{_escape(href)}">'), ("href", href), link.group(1), ("tag", "</a>")]
            pos = link.end()
        elif (ref := _NOTE_REF.match(src, at)) is not None and ref.group(1) in labels:
            out.append(("ref", ref.group(1)))
            pos = ref.end()
        else:
            raise _GiveUp
    if pos < len(src):
        out.append(src[pos:])
    return out


def _paragraph_line(line: str) -> bool:
    if line[0].isspace() or _NOT_PARAGRAPH.match(line):
        return False
    if line[0] == "[":
        return PLAIN_ENTITY_LINK.match(line) is not None or _NOTE_REF.match(line) is not None
    return True


Block = tuple[str, int, str]
"""(kind, line, source): `p` paragraph, `h1`…`h6` heading, `q` paragraph in a quote, `q>`/`q<`
a quote's start and end, `n:<label>` a note's definition."""


def _blocks(text: str) -> list[Block]:
    """The blocks of a body, or _GiveUp: blocks are apart (a blank line between them, except
    after a heading and between notes), and no line has space at either end."""
    lines = text.split("\n")
    blocks: list[Block] = []
    after = "blank"  # what the previous line ended: blank, heading, paragraph, note, quote
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line:
            after = "blank"
            i += 1
            continue
        if line[0].isspace() or line[-1].isspace():
            raise _GiveUp
        if line[0] == "#":
            heading = _HEADING.match(line)
            if heading is None or heading.group(2).endswith("#") or after not in ("blank", "heading"):
                raise _GiveUp
            blocks.append((f"h{len(heading.group(1))}", i, heading.group(2)))
            after = "heading"
        elif line.startswith("[^") and (note := _NOTE_DEF.match(line)) is not None:
            if after not in ("blank", "heading", "note") or not _paragraph_line(note.group(2)) \
                    or note.group(2)[0] == "[":
                raise _GiveUp
            blocks.append((f"n:{note.group(1)}", i, note.group(2)))
            after = "note"
        elif line[0] == ">":
            if after not in ("blank", "heading"):
                raise _GiveUp
            i = _quote(lines, i, blocks)
            if i < len(lines) and lines[i]:
                raise _GiveUp  # a lazy continuation line
            continue
        elif after in ("blank", "heading") and _paragraph_line(line):
            start = i
            while i + 1 < len(lines) and lines[i + 1]:
                i += 1
                if lines[i][0].isspace() or lines[i][-1].isspace() or not _paragraph_line(lines[i]):
                    raise _GiveUp
            blocks.append(("p", start, "\n".join(lines[start:i + 1])))
            after = "paragraph"
        else:
            raise _GiveUp
        i += 1
    return blocks


def _quote(lines: list[str], i: int, blocks: list[Block]) -> int:
    """Add the blocks of the quote starting at line `i`; the line after it."""
    blocks.append(("q>", i, ""))
    start = None
    while i < len(lines) and lines[i].startswith(">"):
        line = lines[i]
        if line == ">":
            if start is not None:
                blocks.append(("q", start, "\n".join(lines[j][2:] for j in range(start, i))))
            start = None
        elif not line.startswith("> ") or line[-1].isspace() or not _paragraph_line(line[2:]):
            raise _GiveUp
        elif start is None:
            start = i
        i += 1
    if start is not None:
        blocks.append(("q", start, "\n".join(lines[j][2:] for j in range(start, i))))
    if blocks[-1][0] != "q":
        raise _GiveUp  # an empty quote: markdown-it renders it on one line
    blocks.append(("q<", i, ""))
    return i


def annotate_plain(text: str, source: str, first_line: int,
                   resolve: Callable[[str, str], EntityTarget | None],
                   footnotes: FootnoteMode = "first", doc_id: str = "") -> AnnotatedBody | None:
    """`markdown.annotate` for a body in the subset (see the module docstring), else None."""
    if beyond(text):
        return None
    try:
        blocks = _blocks(text)
        defined = [kind[2:] for kind, _, _ in blocks if kind.startswith("n:")]
        labels = frozenset(defined)
        if len(labels) != len(defined):
            return None  # a label defined twice
        parsed = [(kind, line, _inline(src, labels, plain=kind.startswith("n:")) if src else [])
                  for kind, line, src in blocks]
    except _GiveUp:
        return None
    notes = {kind[2:]: (line, pieces) for kind, line, pieces in parsed if kind.startswith("n:")}
    return _Render(source, first_line, resolve, footnotes, doc_id, notes).body(parsed)


class _Render:
    """One body's rendering: entity links resolved, notes numbered as `linker` numbers them."""

    def __init__(self, source: str, first_line: int, resolve: Callable[[str, str], EntityTarget | None],
                 footnotes: FootnoteMode, doc_id: str, defs: dict[str, tuple[int, list[Piece]]]) -> None:
        self.source, self.first_line, self.resolve, self.footnotes = source, first_line, resolve, footnotes
        self.doc = doc_id
        self.defs = defs
        """Editor's note label -> (line of its definition, its pieces)."""
        self.notes: list[EntityTarget | str] = []
        """Notes in number order: an entity's, or the label of an editor's note."""
        self.numbers: dict[str, int] = {}
        """Editor's note label -> its number."""
        self.uses: dict[str, int] = {}
        """Editor's note label -> references so far."""
        self.seen: set[str] = set()
        self.linked: list[str] = []
        self.problems: list[Problem] = []
        self.hrefs: list[tuple[str, int]] = []

    def body(self, parsed: list[tuple[str, int, list[Piece]]]) -> AnnotatedBody:
        html: list[str] = []
        paragraphs: list[Paragraph] = []
        line = self.first_line
        for kind, at, pieces in parsed:
            if kind.startswith("n:"):
                continue
            if kind == "q>":
                html.append("<blockquote>\n")
                continue
            if kind == "q<":
                html.append("</blockquote>\n")
                continue
            line = self.first_line + at
            inner, plain, links = self.inline(pieces, line)
            if kind == "p":
                anchor = f"p-{len(paragraphs) + 1}"
                paragraphs.append(Paragraph(anchor, plain, links))
                html.append(f'<p id="{anchor}">{inner}</p>\n')
            elif kind == "q":
                html.append(f"<p>{inner}</p>\n")
            else:
                html.append(f"<{kind}>{inner}</{kind}>\n")
        if self.notes:
            html.append(self.tail(line))
        return AnnotatedBody(html=Markup("".join(html)), paragraphs=tuple(paragraphs),
                             linked=tuple(dict.fromkeys(self.linked)), problems=tuple(self.problems),
                             hrefs=tuple(self.hrefs))

    def inline(self, pieces: list[Piece], line: int) -> tuple[str, str, tuple[tuple[int, int, str], ...]]:
        """(HTML, plain text, entity links in the text) of one block's pieces."""
        html: list[str] = []
        text: list[str] = []
        links: list[tuple[int, int, str]] = []
        size = 0
        for piece in pieces:
            if isinstance(piece, str):
                html.append(_escape(piece))
                text.append(piece)
                size += len(piece)
            elif piece[0] == "br":
                html.append("\n")
                text.append(" ")
                size += 1
            elif piece[0] == "tag":
                html.append(piece[1])
            elif piece[0] == "href":
                self.hrefs.append((piece[1], line))
            elif piece[0] == "link":
                _, label, scheme, slug = piece
                target = self.resolve(scheme, slug)
                if target is None:
                    self.problems.append(problem(self.source, line, f"unknown {scheme} {slug!r} in link "
                                                                    f"{scheme + ':' + slug!r}"))
                    html.append(_escape(label))
                    text.append(label)
                    size += len(label)
                    continue
                key = f"{target.group}/{target.slug}"
                self.linked.append(key)
                self.hrefs.append((target.href, line))
                html.append(f'<a href="{_escape(target.href)}" class="entity entity-{_escape(target.kind)}" '
                            f'data-entity="{_escape(key)}">{_escape(label)}</a>')
                links.append((size, size + len(label), key))
                text.append(label)
                size += len(label)
                if target.summary and self.footnotes != "none":
                    if self.footnotes == "all" or target.slug not in self.seen:
                        self.notes.append(target)
                        html.append(self.ref(len(self.notes), 0, True))
                    self.seen.add(target.slug)
            else:  # an editor's note
                label = piece[1]
                if label not in self.numbers:
                    self.notes.append(label)
                    self.numbers[label] = len(self.notes)
                sub = self.uses.get(label, 0)
                self.uses[label] = sub + 1
                html.append(self.ref(self.numbers[label], sub, False))
        return "".join(html), "".join(text), tuple(links)

    def ref(self, n: int, sub: int, entity: bool) -> str:
        """The reference and its sidenote (editor's notes here hold no references)."""
        return note_ref_html(self.doc, n, sub, entity, self.note_html(self.notes[n - 1]))

    def note_html(self, note: EntityTarget | str) -> str:
        if isinstance(note, EntityTarget):
            return (f'<a href="{_escape(note.href)}" class="footnote-entity">{_escape(note.name)}</a>'
                    f'{_escape(": " + note.summary)}')
        pieces = self.defs[note][1]
        return "".join(_escape(p) if isinstance(p, str) else p[1] if p[0] == "tag" else "\n" for p in pieces)

    def tail(self, line: int) -> str:
        """The notes section (`footnote_tail` and the renderers in `markdown`)."""
        out = [notes_open_html(self.doc)]
        for n, note in enumerate(self.notes, 1):
            uses = 1
            if isinstance(note, EntityTarget):
                self.hrefs.append((note.href, line))
            else:
                line = self.first_line + self.defs[note][0]
                uses = self.uses[note]
            back = "".join(backref_html(self.doc, n, sub) for sub in range(uses))
            out.append(f"{note_item_open_html(self.doc, n)}<p>{self.note_html(note)}{back}</p>\n</li>\n")
        out.append("</ol>\n</section>\n")
        return "".join(out)
