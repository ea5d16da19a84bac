"""Incremental builds: reuse what the last build read and annotated, render only pages that changed.

- `ArticleCache` reads an article file only when its size, mtime or inode changed (and re-uses
  its annotation when the bytes are the same), keyed by a digest of the file;
- `site_key` digests what every page shares; when it differs from the last build's, everything
  is annotated and rendered again;
- `LazyBodies` serves annotated bodies from the body pack, so the HTML of 10,000 articles never
  sits in memory (nor in every worker process).
"""

from __future__ import annotations

import hashlib
import pickle
import time
from dataclasses import dataclass, replace
from pathlib import Path
from sys import intern
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from generator.cache import (CACHE_DIR, RACY_NS, BodyPack, CachedBody, CachedFile, SiteState, _fast_pickling, _scan,
                             code_dirs, file_stat, new_pack_name, sha_of)
from generator.config import SiteConfig
from generator.content import Article, Entity, load_article, load_entity, read_body
from generator.deps import ArticleDigests
from generator.errors import Problem
from generator.markdown import AnnotatedBody
from generator.parallel import map_chunks
from generator.model import ArticleMention, ArticleMentions, MentionIndex, Quote, Site
from generator.theme import Theme


def site_key(cfg: SiteConfig, site: Site, theme: Theme) -> str:
    """Digest of what all pages share: configuration, code, theme files and the entity registry."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(repr(cfg).encode())
    newest = [0]
    for folder in (*code_dirs(), *theme.template_dirs, *theme.static_dirs):
        digest.update(f"# {folder}\n".encode())
        _scan(folder, digest, newest)
    for registry in (site.actors, site.locations):
        for slug in sorted(registry):
            digest.update(repr(registry[slug]).encode())
    return digest.hexdigest()


Parsed = tuple["CachedFile | None", "Article | None", list[Problem], "PackedArticle | None"]
"""A file parsed for the cache: its entry (None when it cannot be read now), article, problems,
and what `ArticleCache.annotate` made of it (None when it was not annotated as it was read)."""

Packer = Callable[[Article], tuple["PackedArticle", bytes]]
"""Annotates one article (with its Markdown) and pickles it for the body pack (`pack_article`)."""


class ArticleCache:
    """Article files and annotated bodies from the last build, and what this build adds.

    Mutable by design: it is the one object that collects what a build learns for the next one.
    """

    def __init__(self, cfg: SiteConfig, state: SiteState | None, patchable: bool = True,
                 stats: dict[str, tuple[int, int, int]] | None = None) -> None:
        self._loaded = state
        self._stats = stats or {}
        """(size, mtime_ns, inode) by path, as the build's fingerprint found them (each used once)."""
        if state is not None and not patchable:  # output/ is not the one it describes: no page digests
            state = SiteState(state.key, state.files, state.bodies, state.pack, {}, (), entities=state.entities)
        self.state = state
        self.site_dir: Path | None = cfg.site_dir
        self.files: dict[str, CachedFile] = {}
        self.sha: dict[str, str] = {}
        """Shown path -> digest of the bytes read in this build."""
        self.bodies: dict[str, CachedBody] = {}
        self.entities: tuple[int, int] = (0, 0)
        """Where this build's registry bodies are in the pack (see SiteState.entities)."""
        self.key = ""
        self.annotate: Packer | None = None
        """Set once the site key is known (`reuse`): `read_all` then annotates each article whose
        body is not cached where it parses it, so that its file is read and decoded once."""
        self._fresh: dict[str, tuple[str, PackedArticle]] = {}
        """Shown path -> (digest of the file, what `annotate` made of it) for articles read in this
        build (a second `read_all`, after an import, keeps those whose file and key are the same)."""
        self._replaced: list[BodyPack] = []
        self.pack = BodyPack(cfg.site_dir / CACHE_DIR / (state.pack if state is not None else new_pack_name()),
                             state is None)

    def read_all(self, files: Sequence[tuple[str, str]]) -> list[tuple[Article | None, list[Problem]]]:
        """content.load_article for each (path, shown path), skipping files whose size, mtime and
        inode are as last read; the others are parsed in parallel workers, which also annotate
        those whose body is not cached (with `annotate`, when set; `cached` then has them).

        Articles come without their Markdown (`with_text` reads it where it is annotated later), so
        the text of ten thousand articles never sits in this process (nor in its forked workers).
        """
        known = [self._known(path, shown) for path, shown in files]
        todo = [(path, shown, stat) for (path, shown), (stat, old) in zip(files, known) if old is None]

        def parse(chunk: Sequence[tuple[str, str, tuple[int, int, int] | None]]) -> list[Parsed]:
            parsed = [self._parse(Path(path), shown, stat) for path, shown, stat in chunk]
            made = [one[3] for one in parsed if one[3] is not None]
            packed = iter(write_packed(self.pack, made) if made else ())  # the chunk's pickles in one write
            return [(entry, article, problems, None if one is None else next(packed))
                    for entry, article, problems, one in parsed]

        parsed = iter(map_chunks(parse, todo))
        out: list[tuple[Article | None, list[Problem]]] = []
        for (path, shown), (stat, old) in zip(files, known):
            entry = old
            if entry is None:
                entry, article, problems, packed = next(parsed)
                if entry is None:  # unreadable now: nothing to remember
                    out.append((article, problems))
                    continue
                if packed is not None:
                    self._fresh[shown] = entry.sha, packed
                if entry.article is not None:  # one string object per slug: the state pickles it once
                    entry = replace(entry, article=replace(entry.article, actors=tuple(map(intern, entry.article.actors)),
                                                           locations=tuple(map(intern, entry.article.locations))))
            self.files[shown] = entry
            self.sha[shown] = entry.sha
            out.append((entry.article, list(entry.problems)))
        return out

    def _known(self, path: str, shown: str) -> tuple[tuple[int, int, int] | None, CachedFile | None]:
        """(stat, the last build's entry if the file is unchanged since)."""
        stat = self._stats.pop(path, None)
        if stat is None:
            try:
                stat = file_stat(Path(path))
            except OSError:
                return None, None
        old = self.state.files.get(shown) if self.state else None
        return stat, old if old is not None and old.stat == stat else None

    def _parse(self, path: Path, shown: str, stat: tuple[int, int, int] | None
               ) -> tuple[CachedFile | None, Article | None, list[Problem], tuple[PackedArticle, bytes] | None]:
        """A file parsed (`Parsed`), with `annotate`'s pickles of it not yet in the pack."""
        old = self.state.files.get(shown) if self.state else None
        try:
            if stat is None:
                raise OSError
            data = path.read_bytes()
            sha = sha_of(data)
        except OSError:
            return (None, *load_article(path, shown), None)
        stat = _unless_racy(stat)
        made = None
        if old is not None and old.sha == sha:
            entry = CachedFile(stat, sha, old.article, old.problems, old.front)
        else:
            article, problems = load_article(path, shown, data)
            bare = without_text(article)
            entry = CachedFile(stat, sha, bare, tuple(problems), front_digest(bare))
            if (article is not None and self.annotate is not None and self._last_body(article.slug, sha) is None
                    and self._fresh.get(shown, ("",))[0] != sha):
                made = self.annotate(article)
        return entry, entry.article, list(entry.problems), made

    def _last_body(self, slug: str, sha: str | None) -> CachedBody | None:
        """The last build's body of the article `slug`, if made from a file with digest `sha` (and
        the site key is the same: `reuse` drops the bodies otherwise)."""
        entry = self.state.bodies.get(slug) if self.state is not None else None
        return entry if entry is not None and sha is not None and entry.sha == sha else None

    def read_entity(self, path: str, shown: str, group: str) -> tuple[Entity | None, list[Problem]]:
        """content.load_entity, skipping a file whose size, mtime and inode are as last read."""
        stat, entry = self._known(path, shown)
        if entry is None:
            entity, problems = load_entity(Path(path), shown, group)
            if stat is None:
                return entity, problems
            entry = CachedFile(_unless_racy(stat), "", entity, tuple(problems))
        self.files[shown] = entry
        return entry.article, list(entry.problems)

    def entity_bodies(self, make: Callable[[], dict[str, AnnotatedBody]]) -> dict[str, AnnotatedBody]:
        """The registry's annotated bodies: the last build's when the site key is the same, else `make()`."""
        if self.state is not None and self.state.key == self.key and self.state.entities != (0, 0):
            try:
                bodies: dict[str, AnnotatedBody] = self.pack.get(self.state.entities)
                self.entities = self.state.entities
                return bodies
            except Exception:  # noqa: BLE001 - a damaged pack: make them again
                pass
        bodies = make()
        self.entities = self.pack.add_bytes(pickle.dumps(bodies, protocol=pickle.HIGHEST_PROTOCOL))
        return bodies

    def reuse(self, key: str) -> None:
        """Set this build's site key; cached bodies count only when the last build had the same."""
        if key != self.key:
            self._fresh.clear()  # annotated with another registry (before an import added to it): again
        self.key = key
        if self.state is not None and self.state.key != key:
            self._replaced.append(self.pack)
            self.pack = BodyPack(self.pack.path.with_name(new_pack_name()), True)
            self.state = SiteState(self.state.key, self.state.files, {}, self.pack.path.name,
                                   self.state.pages, self.state.listing)

    def with_text(self, article: Article) -> Article:
        """The article with its Markdown, read again from its file (the cache keeps articles without it)."""
        if article.body.text or self.site_dir is None:
            return article
        text = read_body(self.site_dir / article.body.path, article.body.path)
        return article if text is None else replace(article, body=replace(article.body, text=text))

    def cached(self, article: Article) -> CachedBody | None:
        """The article's body from the last build, if its file and the site key are unchanged, or
        as `read_all` annotated it."""
        fresh = self._fresh.pop(article.body.path, None)
        if fresh is not None and fresh[0] == self.sha.get(article.body.path):
            self.add(article, fresh[1])
            return self.bodies[article.slug]
        entry = self._last_body(article.slug, self.sha.get(article.body.path))
        if entry is not None:
            self.bodies[article.slug] = entry
        return entry

    def add(self, article: Article, packed: PackedArticle) -> None:
        """Remember a freshly annotated article (the worker that packed it wrote it to the pack)."""
        body, mentions, rows = packed.spans
        keys = tuple(map(intern, packed.keys))  # one string object per entity key: the state pickles it once
        self.bodies[article.slug] = CachedBody(self.sha.get(article.body.path, ""), mentions, keys,
                                               tuple((intern(k), n) for k, n in packed.counts), body,
                                               tuple(map(intern, packed.linked)), packed.problems, packed.drift,
                                               tuple(map(intern, packed.quoted)), packed.links, rows,
                                               packed.export_sha, packed.said, packed.parts)

    def rows(self, article: Article) -> tuple[bytes, bytes]:
        """The article's rows of the mentions export (`export.article_rows`), from the body pack."""
        rows: tuple[bytes, bytes] = self.pack.get(self.bodies[article.slug].export)
        return rows

    def export_digest(self, articles: Iterable[Article]) -> str:
        """Digest of the whole mentions export: its articles' row digests, in order."""
        return sha_of("\n".join(self.bodies[a.slug].export_sha for a in articles).encode())

    def digests(self, article: Article) -> ArticleDigests:
        """What pages may show of the article, as digests (for `deps.page_digests`)."""
        entry, body = self.files.get(article.body.path), self.bodies[article.slug]
        return ArticleDigests(self.sha.get(article.body.path, ""), entry.front if entry else "", body.said)

    def close(self, failed: bool = False) -> None:
        """Release the body pack; after a failed build, first take back what it added."""
        for pack in (self.pack, *self._replaced):
            if failed:
                pack.discard()
            pack.close()

    def state_for(self, pages: dict[str, str], listing: tuple[str, ...]) -> SiteState:
        """What the next build will start from (articles without their Markdown: it is annotated)."""
        return SiteState(self.key, self.files, self.bodies, self.pack.path.name, pages, listing,
                         entities=self.entities)

    @property
    def loaded(self) -> SiteState | None:
        """The state as this build loaded it (to save only what changed), None if it is not reused."""
        return self._loaded if self._loaded is not None and self.state is not None \
            and self.state.key == self._loaded.key and self.state.pack == self._loaded.pack else None


@dataclass(frozen=True, slots=True)
class PackedArticle:
    """What annotating one article gives the cache: where its pickles are in the body pack, and
    the small facts kept in memory."""

    spans: tuple[tuple[int, int], tuple[int, int], tuple[int, int]]
    """(offset, length) in the body pack of the pickled AnnotatedBody, Sentences (one pickle per
    entity, see `part_keys`) and export rows."""
    keys: tuple[str, ...]
    counts: tuple[tuple[str, int], ...]
    linked: tuple[str, ...]
    problems: tuple[Problem, ...]
    drift: tuple[Problem, ...]
    quoted: tuple[str, ...]
    links: tuple[tuple[str, str, int], ...]
    export_sha: str
    said: str
    parts: tuple[int, ...]
    """Sizes of the Sentences pickles (`spans[1]`), one per entity, in `part_keys` order."""


_fast_pickling(PackedArticle)


def part_keys(counts: Sequence[tuple[str, int]], quoted: Sequence[str]) -> list[str]:
    """The entities an article's sentences are pickled for, one pickle each, in the pack's order:
    those it names, then those only quoted in it."""
    named = [key for key, _ in counts]
    return named + [key for key in quoted if key not in named]


def pack_article(body: AnnotatedBody, mentions: ArticleMentions, drift: list[Problem],
                 links: tuple[tuple[str, str, int], ...], rows: tuple[bytes, bytes]) -> tuple[PackedArticle, bytes]:
    """Pickle an annotated article for the body pack, in the worker that annotated it (only the
    small facts go back to the building process): (its facts, with spans counted from the start of
    its bytes, and the bytes). `write_packed` writes a chunk of them."""
    counts: dict[str, int] = {}
    said: dict[str, list[tuple[str, str, str, int]]] = {}
    for mention in mentions.mentions:
        counts[mention.entity] = counts.get(mention.entity, 0) + mention.count
        said.setdefault(mention.entity, []).append((mention.entity, mention.sentence, mention.anchor, mention.count))
    quotes: dict[str, list[tuple[str, str, str]]] = {}
    for quote in mentions.quotes:
        quotes.setdefault(quote.entity, []).append((quote.entity, quote.text, quote.anchor))
    named, quoted = tuple(counts.items()), tuple(quotes)
    # one pickle per entity: its page reads its own sentences only (each article names ~8 entities);
    # plain tuples: ~8x faster to unpickle
    parts = [pickle.dumps((tuple(said.get(key, ())), tuple(quotes.get(key, ()))), protocol=pickle.HIGHEST_PROTOCOL)
             for key in part_keys(named, quoted)]
    sentences = b"".join(parts)
    blobs = (pickle.dumps(body, protocol=pickle.HIGHEST_PROTOCOL), sentences,
             pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))
    spans, offset = [], 0
    for blob in blobs:
        spans.append((offset, len(blob)))
        offset += len(blob)
    return (PackedArticle((spans[0], spans[1], spans[2]), mentions.keys, named, body.linked, body.problems,
                          tuple(drift), quoted, links, sha_of(rows[0] + b"\0" + rows[1]), sha_of(sentences),
                          tuple(len(part) for part in parts)),
            b"".join(blobs))


def write_packed(pack: BodyPack, packed: Sequence[tuple[PackedArticle, bytes]]) -> list[PackedArticle]:
    """Append `pack_article`'s bytes of a chunk of articles to the pack in one write (one span
    reserved under the pack's lock, not one an article); return their facts with spans in the pack."""
    offset, _ = pack.add_bytes(b"".join(data for _, data in packed))
    out = []
    for facts, data in packed:
        spans = tuple((offset + at, size) for at, size in facts.spans)
        out.append(replace(facts, spans=spans))  # type: ignore[arg-type]
        offset += len(data)
    return out


def _unless_racy(stat: tuple[int, int, int]) -> tuple[int, int, int]:
    """The stat to remember of a file just read: one that never matches when the file may change
    again within one tick of its time stamp, so that the next build reads it again."""
    return (stat[0], -1, stat[2]) if time.time_ns() - stat[1] < RACY_NS else stat


def front_digest(article: Article | None) -> str:
    """Digest of an article as lists show it (without its body text: pass `without_text(article)`)."""
    return "" if article is None else sha_of(pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL))


def without_text(article: Article | None) -> Article | None:
    """The article without its Markdown."""
    if article is None or not article.body.text:
        return article
    return replace(article, body=replace(article.body, text=""))


def cached_index(site: Site, bodies: Mapping[str, CachedBody], pack: BodyPack) -> MentionIndex:
    """model.merge_mentions from the cache: numbers at once, sentences unpickled when a page asks."""
    entities_of: dict[str, tuple[str, ...]] = {}
    articles_of: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    with_mentions: dict[str, list[str]] = {}
    with_quotes: dict[str, list[str]] = {}
    local: dict[str, dict[str, int]] = {}
    for article in site.articles:
        entry = bodies[article.slug]
        entities_of[article.slug] = entry.keys
        local[article.slug] = dict(entry.counts)
        for key, n in entry.counts:
            counts[key] = counts.get(key, 0) + n
            with_mentions.setdefault(key, []).append(article.slug)
        for key in entry.quoted:
            with_quotes.setdefault(key, []).append(article.slug)
        for key in entry.keys:
            articles_of.setdefault(key, []).append(article.slug)
    parts = _Parts(pack, bodies)
    return MentionIndex(entities_of, {k: tuple(v) for k, v in articles_of.items()},
                        LazyMentions(parts, with_mentions, "mentions"), counts,
                        LazyMentions(parts, with_quotes, "quotes"), local)


Sentences = tuple[tuple[tuple[str, str, str, int], ...], tuple[tuple[str, str, str], ...]]
"""An article's mentions of one entity as the pack keeps them: (entity, sentence, anchor, count)
and (entity, quote, anchor)."""


class _Parts:
    """Articles' sentences about one entity, read from the pack: those of the last entity asked
    for are kept (its page asks for its sentences, then its quotes)."""

    def __init__(self, pack: BodyPack, bodies: Mapping[str, CachedBody]) -> None:
        self._pack = pack
        self._bodies = bodies
        self._key = ""
        self._kept: dict[str, Sentences] = {}

    def get(self, slug: str, key: str) -> Sentences:
        if key != self._key:
            self._key, self._kept = key, {}
        part = self._kept.get(slug)
        if part is None:
            entry = self._bodies[slug]
            offset, part = entry.mentions[0], ((), ())
            for one, size in zip(part_keys(entry.counts, entry.quoted), entry.parts):
                if one == key:
                    part = self._pack.get((offset, size))
                    break
                offset += size
            self._kept[slug] = part
        return part


class LazyMentions(Mapping[str, tuple[Any, ...]]):
    """Entity key -> its sentences (or quotes), newest article first, unpickled from the cache on use."""

    def __init__(self, parts: _Parts, articles: Mapping[str, list[str]], field: str) -> None:
        self._parts = parts
        self._articles = articles
        self._field = field

    def __getitem__(self, key: str) -> tuple[Any, ...]:
        if self._field == "mentions":
            return tuple(ArticleMention(slug, *m) for slug in self._articles[key] for m in self._parts.get(slug, key)[0])
        return tuple(Quote(slug, *q) for slug in self._articles[key] for q in self._parts.get(slug, key)[1])

    def of_articles(self, key: str, slugs: Iterable[str]) -> dict[str, tuple[ArticleMention, ...]]:
        """Slug -> the sentences naming `key` of each of the articles `slugs` (those only are read)."""
        assert self._field == "mentions"
        found = {slug: tuple(ArticleMention(slug, *m) for m in self._parts.get(slug, key)[0]) for slug in slugs}
        return {slug: said for slug, said in found.items() if said}

    def __iter__(self) -> Iterator[str]:
        return iter(self._articles)

    def __len__(self) -> int:
        return len(self._articles)



class LazyBodies(Mapping[str, AnnotatedBody]):
    """Article slug -> AnnotatedBody, read from the body pack on each use."""

    def __init__(self, pack: BodyPack, entries: Mapping[str, CachedBody]) -> None:
        self._pack = pack
        self._entries = entries

    def __getitem__(self, slug: str) -> AnnotatedBody:
        body: AnnotatedBody = self._pack.get(self._entries[slug].span)
        return body

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

