"""Stage 3: Content + SiteConfig -> Site (routes, checked references); then the mention index.

`build_site` needs only front matter; `index_mentions` adds what annotation found in the bodies.
"""

from __future__ import annotations

import functools
import operator
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Iterable, Iterator, Mapping, Sequence

from generator.config import SiteConfig
from generator.content import Article, Content, Entity
from generator.detect.titles import HONORIFICS
from generator.errors import Problem, problem
from generator.markdown import AnnotatedBody, Paragraph
from generator.quotes import find_quotes

GROUPS = ("actors", "locations")
_ABBREV = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Gen|Sen|Rep|Gov|Lt|Col|Capt|Prof|Jr|Sr|Inc|Corp|Ltd|"
                     r"Co|No|vs|Mt|Ft|Sgt|Adm|Maj|Rev|Hon|Pres|Jan|Feb|Mar|Apr|Aug|Sept|Sep|Oct|"
                     r"Nov|Dec)|\b[A-Z]|(?:\b[A-Za-z]\.)+[A-Za-z])$")
_SENTENCE_END = re.compile(r"[.!?…][\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")


def key(group: str, slug: str) -> str:
    """The site-wide key of an entity: `actors/<slug>` or `locations/<slug>`."""
    return f"{group}/{slug}"


@dataclass(frozen=True, slots=True)
class Site:
    """The site model: what exists and where each page goes."""

    articles: tuple[Article, ...]
    """Published articles, newest first (then by slug)."""
    actors: Mapping[str, Entity]
    """Actor slug -> Entity."""
    locations: Mapping[str, Entity]
    """Location slug -> Entity."""
    entities_of: Mapping[str, tuple[str, ...]]
    """Article slug -> entity keys from its front matter (links are added by index_mentions)."""
    drafts: tuple[Article, ...] = ()
    """Articles with `draft: true` (checked, not published)."""

    def registry(self, group: str) -> Mapping[str, Entity]:
        """The actors or the locations (`group` is `actors` or `locations`), by slug."""
        return self.actors if group == "actors" else self.locations

    def entity(self, entity_key: str) -> Entity | None:
        """Look up `actors/<slug>` or `locations/<slug>`."""
        group, _, slug = entity_key.partition("/")
        return (self.actors if group == "actors" else self.locations).get(slug)  # hot: no call to registry()


def page_file(group: str, slug: str) -> str:
    """Output path of an article or entity page, as a string (for the loops over every page)."""
    return f"{group}/{slug}/index.html"


def page_path(group: str, slug: str) -> PurePosixPath:
    """Output path of an article or entity page."""
    return PurePosixPath(page_file(group, slug))


def build_site(content: Content, cfg: SiteConfig) -> tuple[Site, list[Problem]]:
    """Check references and URL uniqueness; order articles newest first."""
    problems: list[Problem] = []
    by_slug: dict[str, Article] = {}
    for article in content.articles:
        if article.slug in by_slug:
            problems.append(problem(article.body.path, 0,
                                    f"slug {article.slug!r} is also used by {by_slug[article.slug].body.path}: "
                                    f"two articles would share the URL articles/{article.slug}/"))
            continue
        by_slug[article.slug] = article
    entities_of: dict[str, tuple[str, ...]] = {}
    for article in by_slug.values():
        for group, slugs, registry in (("actors", article.actors, content.actors),
                                       ("locations", article.locations, content.locations)):
            for slug in slugs:
                if slug not in registry:
                    hint = " (it is a location)" if slug in content.locations else (
                        " (it is an actor)" if slug in content.actors else "")
                    problems.append(problem(article.body.path, 0, f"{group}: unknown {group[:-1]} "
                                                                  f"{slug!r}{hint}; add content/{group}/{slug}.md"))
        entities_of[article.slug] = front_keys(article, content.actors, content.locations)
    problems += _name_clashes(content)
    ordered = sorted(by_slug.values(), key=lambda a: (-a.date.toordinal(), a.slug))
    site = Site(articles=tuple(a for a in ordered if not a.draft),
                actors=content.actors, locations=content.locations,
                entities_of=entities_of, drafts=tuple(a for a in ordered if a.draft))
    return site, problems


def front_keys(article: Article, actors: Mapping[str, Entity], locations: Mapping[str, Entity]) -> tuple[str, ...]:
    """Entity keys of the registry entities an article's front matter lists, actors first."""
    return (*(key("actors", slug) for slug in article.actors if slug in actors),
            *(key("locations", slug) for slug in article.locations if slug in locations))


def _name_clashes(content: Content) -> list[Problem]:
    owner: dict[str, Entity] = {}
    problems: list[Problem] = []
    for entity in [*content.actors.values(), *content.locations.values()]:
        for name in (entity.name, *entity.aliases):
            other = owner.get(name)
            if other is not None and other is not entity:
                problems.append(problem(entity.body.path, 0, f"name {name!r} also names "
                                                             f"{other.body.path}; mentions of it are ambiguous",
                                        "warning"))
            owner.setdefault(name, entity)
    return problems


@dataclass(frozen=True, slots=True)
class ArticleMention:
    """One sentence of an article that mentions an entity."""

    article: str
    """Article slug."""
    entity: str
    """Entity key (`actors/<slug>`)."""
    sentence: str
    """The sentence, as plain text."""
    anchor: str
    """Paragraph id in the article page."""
    count: int = 1
    """How many times the sentence names the entity."""


@dataclass(frozen=True, slots=True)
class Quote:
    """Words an actor is quoted as saying, in one paragraph of an article."""

    article: str
    """Article slug."""
    entity: str
    """Entity key of the speaker."""
    text: str
    """The quoted words, without quote marks."""
    anchor: str
    """Paragraph id in the article page."""


@dataclass(frozen=True, slots=True)
class MentionIndex:
    """Who is mentioned where: built from front matter, links and names found in bodies."""

    entities_of: Mapping[str, tuple[str, ...]]
    """Article slug -> entity keys (front matter, then links), in a stable order."""
    articles_of: Mapping[str, tuple[str, ...]]
    """Entity key -> article slugs, newest first."""
    mentions: Mapping[str, tuple[ArticleMention, ...]]
    """Entity key -> sentences naming it, newest article first, in text order."""
    counts: Mapping[str, int] = field(default_factory=dict)
    """Entity key -> number of times it is named across the site."""
    quotes: Mapping[str, tuple[Quote, ...]] = field(default_factory=dict)
    """Actor key -> quotes attributed to it, newest article first, in text order."""
    local: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    """Article slug -> entity key -> times named in that article."""

    def co_mentions(self, entity_key: str) -> list[tuple[str, int]]:
        """Other entities appearing in the same articles, with the number of shared articles."""
        counter: Counter[str] = Counter()
        for slug in self.articles_of.get(entity_key, ()):
            counter.update(self.entities_of[slug])
        counter.pop(entity_key, None)
        pairs = sorted(counter.items())  # by key, then (a stable sort) by count, highest first
        pairs.sort(key=_second, reverse=True)
        return pairs


_second = operator.itemgetter(1)

_FIVE_WORD_CHARS = re.compile(r"\w{5}")


def _ends_with_abbreviation(before: str) -> bool:
    """`_ABBREV.search(before)`, looking only at the tail (the search from the start was quadratic).

    Every abbreviation ends in an ASCII letter, in a run of at most four word characters (its own,
    after a boundary or a dot): most sentence ends are ruled out by their last characters alone.
    """
    last = before[-1:]
    if last != "\n" and (not (last.isascii() and last.isalpha())  # (`$` also matches before a final newline)
                         or _FIVE_WORD_CHARS.fullmatch(before, len(before) - 5)):
        return False
    tail = before[-40:]
    match = _ABBREV.search(tail)
    if match is not None and match.start() == 0 and len(tail) < len(before):
        return _ABBREV.search(before) is not None  # the tail cut a word: decide on the whole text
    return match is not None


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a paragraph; abbreviations (Mr., U.S., J.) do not end a sentence."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start:match.start() + 1].rstrip(".")
        if text[match.start()] == "." and _ends_with_abbreviation(before):
            continue
        spans.append((start, match.end()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


_TITLES = tuple(sorted(HONORIFICS))


def surname(entity: Entity) -> str | None:
    """A person's last name (how a story names them after the first mention); None for others."""
    return entity.name.split()[-1] if entity.kind == "person" and " " in entity.name else None


def surface_forms(entity: Entity) -> tuple[str, ...]:
    """How a text may name an entity: its name, its aliases, and a person's surname."""
    last = surname(entity)
    return (entity.name, *entity.aliases, *((last,) if last is not None else ()))


def names(text: str, form: str) -> bool:
    r"""True when `form` occurs in `text` as whole words, as `(?<!\w)form(?!\w)` would find it
    (without compiling a pattern per form: titles are checked against hundreds of them)."""
    at = text.find(form) if form else -1
    while at != -1:
        if _whole(text, at, at + len(form)):
            return True
        at = text.find(form, at + 1)
    return False


def _whole(text: str, start: int, end: int) -> bool:
    """No word character just before `start` nor at `end`: text[start:end] is whole words."""
    return (start == 0 or not _WORD.match(text, start - 1)) and not _WORD.match(text, end)


def _name_patterns(site: Site, keys: Iterable[str]) -> tuple[dict[str, str], dict[str, str]]:
    """(surface form -> entity key, surname -> person key) for the entities of one article.

    A surname is a form only when no other person of the article has it; such a surname is also
    named with a title before it (`Mr. Ortega`, `Dr Ortega`): those title forms are not listed
    but found where the surname is (`Forms.titled`), and belong to the person unless another
    entity has the very same form.
    """
    forms: dict[str, str] = {}
    surnames: dict[str, list[str]] = defaultdict(list)
    for entity_key in keys:
        entity = site.entity(entity_key)
        if entity is None:
            continue
        for form in (entity.name, *entity.aliases):
            forms.setdefault(form, entity_key)
        last = surname(entity)
        if last is not None:  # only when no other person of the article has it (below)
            surnames[last].append(entity_key)
    titled: dict[str, str] = {}
    for last, owners in surnames.items():
        if len(owners) == 1:
            forms.setdefault(last, owners[0])
            titled[last] = owners[0]
    return forms, titled


class _Owners(dict[str, str]):
    """Form -> entity key, where a title form not listed (`Mr. Ortega`) is its surname's person's."""

    def __init__(self, forms: Mapping[str, str], titled: Mapping[str, str]) -> None:
        super().__init__(forms)
        self._titled = titled

    def __missing__(self, form: str) -> str:
        return self._titled[form.partition(" ")[2]]


def title_forms(last: str) -> list[str]:
    """The forms a titled surname stands for: `Mr. Ortega`, `Dr Ortega`, … (see `_name_patterns`)."""
    return [f"{title} {last}" for title in _TITLES]


_WORD = re.compile(r"\w")
_RUN = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Forms:
    """An article's surface forms, longest first, indexed by their longest word (see `_scan`)."""

    ranked: tuple[str, ...]
    """The forms, longest first (earlier wins at one position)."""
    by_word: Mapping[str, tuple[tuple[int, int], ...]]
    """Longest run of word characters of a form -> (rank, where the run starts in the form) of the
    forms it is the longest run of."""
    other: tuple[int, ...]
    """Ranks of the forms with no word character."""
    titled: frozenset[int] = frozenset()
    """Ranks of the surnames that stand for their title forms too (`title_forms`): where one is
    found, so is each title form just before it (one check where the surname is, instead of
    nineteen forms more an article's person to sort, index and look for)."""


def index_forms(forms: Iterable[str], titled: Iterable[str] = ()) -> Forms:
    """Rank forms longest first and index them by their longest word; `titled` are forms (all
    among `forms`) that also stand for their `title_forms`."""
    ranked = tuple(sorted(forms, key=len, reverse=True))
    by_word: dict[str, list[tuple[int, int]]] = {}
    other: list[int] = []
    for rank, form in enumerate(ranked):
        word = _key_word(form)
        if word is None:
            other.append(rank)
        else:
            by_word.setdefault(word, []).append((rank, form.index(word)))
    titles = set(titled)
    return Forms(ranked, {w: tuple(r) for w, r in by_word.items()}, tuple(other),
                 frozenset(rank for rank, form in enumerate(ranked) if form in titles))


_TITLE_ENDS = frozenset(title[-1] for title in _TITLES)


def _titles_before(text: str, start: int, last: str, starts: list[tuple[int, int, str]]) -> None:
    """Add to `starts` each title form of `last` that ends where `last` starts (whole words:
    `last` was found so, and a title form ends as it does)."""
    if start < 2 or text[start - 1] != " " or text[start - 2] not in _TITLE_ENDS:
        return
    for title in _TITLES:
        at = start - 1 - len(title)
        if at >= 0 and text.startswith(title, at) and (at == 0 or not _WORD.match(text, at - 1)):
            form = f"{title} {last}"
            starts.append((at, -len(form), form))


@functools.lru_cache(maxsize=1 << 16)  # the same forms come back in article after article
def _key_word(form: str) -> str | None:
    """The longest run of word characters in `form` (the first of equals): a text without it as a
    substring cannot hold the form. A title form (`Dr Ortega`) files under the surname, not
    under the title that a hundred other forms share."""
    return max(_RUN.findall(form), key=len, default=None)


def _scan(text: str, forms: Forms) -> Iterator[tuple[int, int, str]]:
    r"""Whole-word matches of the ranked forms, as the regex `(?<!\w)(?:f1|f2|…)(?!\w)` finds them.

    Leftmost match first; at one position the longest form wins (two forms of one length that
    both match there are the same form); scanning resumes after a match. A form occurs only where
    its longest word occurs, at the same distance from its start: so the text is searched once for
    each such word (an article has hundreds of forms, with honorifics: twenty of them share a
    surname), and each form is checked where its word is. One regex per article cost ~3 ms to
    compile.
    """
    ranked, titled = forms.ranked, forms.titled
    starts: list[tuple[int, int, str]] = []  # (where, minus its length, form): longest first at one place
    for word, group in forms.by_word.items():
        at = text.find(word)
        if at == -1:
            continue
        places = []
        while at != -1:
            places.append(at)
            at = text.find(word, at + 1)
        for rank, offset in group:
            form = ranked[rank]
            for place in places:
                start = place - offset
                if start >= 0 and text.startswith(form, start) and _whole(text, start, start + len(form)):
                    starts.append((start, -len(form), form))
                    if rank in titled:
                        _titles_before(text, start, form, starts)
    for rank in forms.other:
        form = ranked[rank]
        at = text.find(form)
        while at != -1:
            if _whole(text, at, at + len(form)):
                starts.append((at, -len(form), form))
                if rank in titled:
                    _titles_before(text, at, form, starts)
            at = text.find(form, at + 1)
    pos = -1
    for at, minus, form in sorted(starts):
        if at >= pos:
            pos = at - minus
            yield at, pos, form


def _find(paragraph: Paragraph, forms: Forms, owner: Mapping[str, str]) -> list[tuple[int, int, str]]:
    return _with_links(paragraph, _scan(paragraph.text, forms), owner)


def _with_links(paragraph: Paragraph, matches: Iterable[tuple[int, int, str]],
                owner: Mapping[str, str]) -> list[tuple[int, int, str]]:
    """(start, end, entity key) of a paragraph's links and of the name `matches` no link overlaps, in order."""
    found = list(paragraph.links)
    for start, end, form in matches:
        if not any(s < end and start < e for s, e, _ in paragraph.links):
            found.append((start, end, owner[form]))
    return sorted(found)


_JOIN = "\x00"
"""Joins an article's paragraphs for `_find_all`: not a word character, and in no form (else the
paragraphs are scanned one by one)."""


def _find_all(paragraphs: Sequence[Paragraph], forms: Forms, owner: Mapping[str, str]) -> list[list[tuple[int, int, str]]]:
    """`_find` for each paragraph, from one scan of their texts joined: one search per form word an
    article, not one a paragraph. No match spans two paragraphs (no form holds the joint), and the
    joint is no word character, so each paragraph's matches are those a scan of it alone finds."""
    if any(not form or _JOIN in form for form in forms.ranked):
        return [_find(paragraph, forms, owner) for paragraph in paragraphs]
    matches = _scan(_JOIN.join(p.text for p in paragraphs), forms)
    upcoming = next(matches, None)
    out, offset = [], 0
    for paragraph in paragraphs:
        end = offset + len(paragraph.text)
        mine = []
        while upcoming is not None and upcoming[0] < end:
            mine.append((upcoming[0] - offset, upcoming[1] - offset, upcoming[2]))
            upcoming = next(matches, None)
        out.append(_with_links(paragraph, mine, owner))
        offset = end + len(_JOIN)
    return out


@dataclass(frozen=True, slots=True)
class ArticleMentions:
    """What one article contributes to the mention index (computed per article, merged in order)."""

    keys: tuple[str, ...]
    """Entity keys of the article: front matter, then links, without repeats."""
    mentions: tuple[ArticleMention, ...]
    """Sentences naming an entity, in text order."""
    quotes: tuple[Quote, ...] = ()
    """Words its actors are quoted as saying, in text order."""


def mentions_in(site: Site, article: Article, body: AnnotatedBody) -> ArticleMentions:
    """Every sentence of one article that names one of its entities."""
    keys = tuple(dict.fromkeys([*site.entities_of.get(article.slug, ()), *body.linked]))
    forms, titled = _name_patterns(site, keys)
    indexed = index_forms(forms, titled)
    found_all: list[ArticleMention] = []
    quotes: list[Quote] = []
    for paragraph, found in zip(body.paragraphs, _find_all(body.paragraphs, indexed, _Owners(forms, titled))):
        if not found:
            continue
        speakers = [f for f in found if (e := site.entity(f[2])) is not None and e.is_actor]
        people = frozenset(k for _, _, k in speakers if (e := site.entity(k)) is not None and e.kind == "person")
        for said in find_quotes(paragraph.text, speakers, people):
            quotes.append(Quote(article.slug, said.entity, said.text, paragraph.anchor))
        j = 0  # `found` is sorted by start, and the sentences cover the paragraph in order
        for s0, s1 in split_sentences(paragraph.text):
            inside: dict[str, int] = {}
            while j < len(found) and found[j][0] < s1:
                if found[j][0] >= s0:
                    inside[found[j][2]] = inside.get(found[j][2], 0) + 1
                j += 1
            for entity_key, n in inside.items():
                found_all.append(ArticleMention(article.slug, entity_key, paragraph.text[s0:s1].strip(),
                                                paragraph.anchor, n))
    return ArticleMentions(keys, tuple(found_all), tuple(quotes))


def merge_mentions(site: Site, found: Mapping[str, ArticleMentions]) -> MentionIndex:
    """The site-wide index from each published article's mentions, in article order (linear)."""
    entities_of: dict[str, tuple[str, ...]] = {}
    articles_of: dict[str, list[str]] = defaultdict(list)
    mentions: dict[str, list[ArticleMention]] = defaultdict(list)
    counts: Counter[str] = Counter()
    quotes: dict[str, list[Quote]] = defaultdict(list)
    local: dict[str, dict[str, int]] = {}
    for article in site.articles:
        record = found[article.slug]
        entities_of[article.slug] = record.keys
        here = local[article.slug] = {}
        for mention in record.mentions:
            counts[mention.entity] += mention.count
            here[mention.entity] = here.get(mention.entity, 0) + mention.count
            mentions[mention.entity].append(mention)
        for said in record.quotes:
            quotes[said.entity].append(said)
        for entity_key in record.keys:
            articles_of[entity_key].append(article.slug)
    return MentionIndex(entities_of, {k: tuple(v) for k, v in articles_of.items()},
                        {k: tuple(v) for k, v in mentions.items()}, dict(counts),
                        {k: tuple(v) for k, v in quotes.items()}, local)


def index_mentions(site: Site, bodies: Mapping[str, AnnotatedBody]) -> MentionIndex:
    """Find every sentence that names each entity, in every published article."""
    return merge_mentions(site, {a.slug: mentions_in(site, a, bodies[a.slug]) for a in site.articles})
