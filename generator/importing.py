"""Stage 1 for many seeds: import them in order, detection in parallel, the registry growing as it goes."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from generator.config import SiteConfig
from generator.content import Content
from generator.detect import KnownEntity, Lexicon, preload, tag
from generator.errors import Problem
from generator.importer import ImportResult, article_text, import_seed, save, unique_slug
from generator.parallel import map_shared
from generator.seeds import Seed, read_seed

if TYPE_CHECKING:
    from generator.detect.pipeline import Tagged

Log = Callable[[str], None]
Progress = Callable[[str, int, int], None]
"""Called as progress(stage, done, total) while a long stage runs (the CLI draws a bar)."""


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


TAG_CHUNK = 4
"""Seeds a worker tags per task: small, so results come back in order soon after they are asked for."""
_WORDS = re.compile(r"\w+")


class _Registry:
    """The lexicon an import grows, indexed so each seed is given only the entities it could name.

    Detection uses the lexicon in two ways: a known name or alias found in the text, and a
    person's surname found as a word of it. An entity that can do neither for a text cannot change
    what detection finds there, so each seed gets only the entities that can (and detection
    searches the text for a few dozen names, not for every name found so far).
    """

    def __init__(self, lexicon: Lexicon) -> None:
        self.entities: list[KnownEntity] = []
        self.forms: list[tuple[str, ...]] = []
        """Per entity: its name and aliases (the non-empty ones)."""
        self.surnames: list[str | None] = []
        """Per entity: a person's surname (last word of the name), else None."""
        self.rejects = lexicon.rejects
        self.by_word: dict[str, list[int]] = {}
        self.add(lexicon.entities)

    def add(self, entities: Iterable[KnownEntity]) -> list[int]:
        """Append entities; return their positions."""
        added = []
        for entity in entities:
            index = len(self.entities)
            triggers = {words[0] for form in (entity.name, *entity.aliases) if (words := _WORDS.findall(form))}
            surname = entity.name.split()[-1] if entity.kind == "person" and entity.name.split() else None
            if surname is not None:
                triggers.add(surname)
            for word in triggers:
                self.by_word.setdefault(word, []).append(index)
            self.entities.append(entity)
            self.forms.append(tuple(form for form in (entity.name, *entity.aliases) if form))
            self.surnames.append(surname)
            added.append(index)
        return added

    def for_text(self, text: str, words: set[str]) -> Lexicon:
        """The entities that could be found in a text (with these words), in order: a person whose
        surname is one of the words, or an entity with a name or alias in the text."""
        by_word, surnames, forms, entities = self.by_word, self.surnames, self.forms, self.entities
        found: set[int] = set()
        for word in words & by_word.keys():
            found.update(by_word[word])
        return Lexicon(tuple(entities[i] for i in sorted(found)
                             if surnames[i] in words or any(form in text for form in forms[i])), self.rejects)


def _new_entities(result: ImportResult) -> tuple[KnownEntity, ...]:
    return tuple(KnownEntity(g.slug, g.name, g.kind, g.aliases) for g in result.detection.entities if not g.known)


def import_seeds(cfg: SiteConfig, content: Content, paths: Iterable[Path], *, reimport: bool = False,
                 date: dt.date | None = None, log: Log = lambda _: None,
                 progress: Progress = _no_progress) -> tuple[list[str], list[Problem]]:
    """Import seeds into content/: new articles and entity stubs; never overwrites (but `reimport`).

    Each seed sees the registry plus every entity the seeds before it found, exactly as if imported
    one by one. Detection is split in two: tagging (most of its cost, and blind to the registry)
    runs in worker processes a few seeds ahead (and here, from the last seed backwards, whenever
    the next seed's tags are not ready yet); here, in order, each tagged seed is resolved against
    the registry as it stands at its turn, written, and its new entities added.
    """
    problems: list[Problem] = []
    written: list[str] = []
    by_source = {a.source: a for a in content.articles if a.source}
    taken = {a.slug for a in content.articles} | {
        p.stem for p in (cfg.content_dir / "articles").glob("*.md")}
    registry = _Registry(content.lexicon(cfg.reject))
    todo: list[tuple[Seed, str, bool]] = []
    paths = list(paths)
    progress("importing seeds", 0, len(paths))
    for path in paths:
        seed, found = read_seed(path, cfg.site_dir)
        problems += found
        if seed is None:
            continue
        existing = by_source.get(seed.source)
        if existing is not None and not reimport:
            continue
        slug = existing.slug if existing else unique_slug(" ".join(seed.headline.split()), taken)
        taken.add(slug)
        todo.append((seed, slug, existing is not None))
    if todo:
        preload()  # before the workers fork: they share the model instead of each loading it
    texts = [article_text(seed) for seed, _, _ in todo]

    def tag_chunk(chunk: Sequence[int]) -> list[Tagged]:
        return [tag(texts[i]) for i in chunk]

    done = len(paths) - len(todo)
    tagged_seeds = map_shared(tag_chunk, range(len(todo)), chunk_size=TAG_CHUNK)
    for (seed, slug, again), tagged in zip(todo, tagged_seeds):
        result = import_seed(seed, registry.for_text(seed.text, set(_WORDS.findall(seed.text))), set(), date,
                             slug=slug, tagged=tagged)
        problems += result.problems
        new = save(result, cfg.site_dir, reimport=again)
        written += new
        for item in new:
            log(f"wrote {item}")
        registry.add(_new_entities(result))
        done += 1
        if done % 16 == 0:
            progress("importing seeds", done, len(paths))
    progress("importing seeds", len(paths), len(paths))
    return written, problems
