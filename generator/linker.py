"""The `entity_links` markdown-it plugin: actor:/location: links -> entity pages, plus entity footnotes.

Per-page data comes in through `env["links"]` (a LinkContext); the plugin records what it found there.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Callable, Literal
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from generator.errors import Problem, problem

ENTITY_SCHEMES = {"actor": "actors", "location": "locations"}
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]+")

FootnoteMode = Literal["first", "all", "none"]


@dataclass(frozen=True, slots=True)
class EntityTarget:
    """What a page needs to know to link one entity."""

    slug: str
    """Entity slug."""
    group: str
    """`actors` or `locations`."""
    kind: str
    """`person`, `organisation` or `location`."""
    name: str
    """Canonical name."""
    summary: str
    """Footnote text (may be empty: then no footnote)."""
    href: str
    """Relative URL from the current page."""


@dataclass(slots=True)
class LinkContext:
    """Per-render scratch state: lookups in, findings out (lives only inside one annotate call)."""

    resolve: Callable[[str, str], EntityTarget | None]
    """(scheme, slug) -> target, or None when the registry has no such entity."""
    source: str
    """File being rendered, for problems."""
    first_line: int
    """Line of the body's first line in that file."""
    footnotes: FootnoteMode = "first"
    """Which linked mentions get an entity footnote."""
    linked: list[str] = field(default_factory=list)
    """Entity keys (`actors/<slug>`) linked, in order (with repeats)."""
    problems: list[Problem] = field(default_factory=list)
    """Unknown references, unsafe links."""


ENTITY_URL = re.compile(r"(?:actor|location):[a-z0-9]+(?:-[a-z0-9]+)*")
"""An entity link as written (`actor:maria-lopez`): markdown-it's URL normalisation leaves it as it
is, and it is safe (both tested), so both are skipped for it (they cost more than the rest of a
link's parsing)."""


def scheme_of(url: str) -> str:
    """The scheme a URL starts with, lower-cased ("" when it has none)."""
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else ""


def is_safe_url(url: str) -> bool:
    """Allow only http(s), mailto, entity schemes and scheme-less (relative or #fragment) URLs."""
    if ENTITY_URL.fullmatch(url):  # most links: nothing to unescape or strip
        return True
    cleaned = _CONTROL.sub("", html.unescape(unquote(url)))
    match = _SCHEME.match(cleaned)
    if not match:
        return True
    scheme = match.group(1).lower()
    return scheme in SAFE_SCHEMES or scheme in ENTITY_SCHEMES


def _line(ctx: LinkContext, block: Token | None) -> int:
    return ctx.first_line + (block.map[0] if block is not None and block.map else 0)


def _footnote_tokens(target: EntityTarget) -> list[Token]:
    link = Token("link_open", "a", 1)
    link.attrs = {"href": target.href, "class": "footnote-entity"}
    name = Token("text", "", 0)
    name.content = target.name
    close = Token("link_close", "a", -1)
    text = Token("text", "", 0)
    text.content = f": {target.summary}"
    return [link, name, close, text]


def _rewrite_inline(tokens: list[Token], ctx: LinkContext, block: Token | None,
                    seen: set[str]) -> list[tuple[int, EntityTarget]]:
    """Rewrite entity links in one inline token list; return (index after link_close, target) for notes."""
    notes: list[tuple[int, EntityTarget]] = []
    drop: set[int] = set()
    stack: list[tuple[int, EntityTarget | None]] = []
    for i, tok in enumerate(tokens):
        if tok.type == "image" and _SCHEME.match(src := str(tok.attrGet("src") or "")) and \
                src.split(":", 1)[0].lower() in ENTITY_SCHEMES:  # ![x](actor:y) would be a broken <img>
            ctx.problems.append(problem(ctx.source, _line(ctx, block), f"{src!r} is an entity link, not an "
                                                                       f"image; remove the `!` before `[`"))
            tokens[i] = Token("text", "", 0)
            tokens[i].content = tok.content
        elif tok.type == "link_open":
            href = str(tok.attrGet("href") or "")
            match = _SCHEME.match(href)
            scheme = match.group(1).lower() if match else ""
            if scheme not in ENTITY_SCHEMES:
                stack.append((i, None))
                continue
            slug = href[len(scheme) + 1:]
            target = ctx.resolve(scheme, slug)
            if target is None:
                ctx.problems.append(problem(ctx.source, _line(ctx, block),
                                            f"unknown {scheme} {slug!r} in link {href!r}"))
                drop.add(i)
                stack.append((i, None))
                tok.meta["drop"] = True
                continue
            tok.attrs = {"href": target.href, "class": f"entity entity-{target.kind}",
                         "data-entity": f"{target.group}/{target.slug}"}
            ctx.linked.append(f"{target.group}/{target.slug}")
            stack.append((i, target))
        elif tok.type == "link_close" and stack:
            open_index, target = stack.pop()
            if tokens[open_index].meta.get("drop"):
                drop.add(i)
            elif target is not None and target.summary and ctx.footnotes != "none":
                if ctx.footnotes == "all" or target.slug not in seen:
                    notes.append((i + 1, target))
                seen.add(target.slug)
    if drop:
        kept = [t for j, t in enumerate(tokens) if j not in drop]
        shift = {j: j - sum(1 for d in drop if d < j) for j in range(len(tokens) + 1)}
        tokens[:] = kept
        notes = [(shift[at], target) for at, target in notes]
    return notes


def _entity_note(target: EntityTarget, notes: dict[int, dict[str, object]]) -> Token:
    """A reference to a new note explaining `target`, numbered after those in `notes`."""
    ref = Token("footnote_ref", "", 0)
    new_id = len(notes)
    ref.meta = {"id": new_id, "subId": 0, "entity": target.slug}
    notes[new_id] = {"content": target.summary, "tokens": _footnote_tokens(target)}
    return ref


def _entity_links_rule(state: StateCore) -> None:
    ctx = state.env.get("links")
    if not isinstance(ctx, LinkContext):
        return
    data = state.env.setdefault("footnotes", {})
    data.setdefault("refs", {})
    old_list: dict[int, dict[str, object]] = data.setdefault("list", {})
    new_list: dict[int, dict[str, object]] = {}
    renumber: dict[int, int] = {}
    seen: set[str] = set()
    block: Token | None = None
    for tok in state.tokens:
        if tok.type != "inline" or tok.children is None:
            block = tok if tok.map else block
            continue
        notes = _rewrite_inline(tok.children, ctx, block if not tok.map else tok, seen)
        if not notes and not any(child.type == "footnote_ref" for child in tok.children):
            continue  # no note to add or renumber: the list stays as it is (most paragraphs)
        inserts = dict(notes)
        children: list[Token] = []
        for i, child in enumerate(tok.children):
            if i in inserts:
                children.append(_entity_note(inserts[i], new_list))
            if child.type == "footnote_ref":
                old = child.meta["id"]
                if old not in renumber:
                    renumber[old] = len(new_list)
                    new_list[renumber[old]] = old_list[old]
                child.meta = {**child.meta, "id": renumber[old]}
            children.append(child)
        if len(tok.children) in inserts:  # a link that ends the paragraph: its note comes last
            children.append(_entity_note(inserts[len(tok.children)], new_list))
        tok.children = children
    for old, entry in old_list.items():  # notes referenced only from inside other notes
        if old not in renumber:
            renumber[old] = len(new_list)
            new_list[renumber[old]] = entry
    data["list"] = new_list
    for label, old in list(data["refs"].items()):
        if old >= 0:
            data["refs"][label] = renumber.get(old, old)


PLAIN_ENTITY_LINK = re.compile(r"\[([^\[\]\\`~*_!^<&\n]+)\]\((" + ENTITY_URL.pattern + r")\)")
"""`[label](actor:slug)` whose label holds no character that starts inline markup (nor a newline)."""


def _plain_entity_link(state: StateInline, silent: bool) -> bool:
    """Inline rule, tried just before markdown-it's `link`: the same tokens as `link` makes for a
    plain entity link (most links), without its character-by-character scan of the label."""
    found = PLAIN_ENTITY_LINK.match(state.src, state.pos, state.posMax)
    if found is None:
        return False
    href = state.md.normalizeLink(found.group(2))
    if not state.md.validateLink(href):
        return False
    if not silent:
        state.push("link_open", "a", 1).attrs = {"href": href}
        state.append_pending(found.group(1))  # what the label's own tokenizing would leave: all text
        state.push("link_close", "a", -1)
    state.pos = found.end()
    return True


def entity_links_plugin(md: MarkdownIt) -> None:
    """Register the entity link rule after inline parsing, before the footnote tail is built."""
    md.inline.ruler.before("link", "plain_entity_link", _plain_entity_link)
    md.core.ruler.after("inline", "entity_links", _entity_links_rule)
