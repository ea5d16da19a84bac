"""Content checks for `check` (and drift for `build`): Site, bodies, rendered files -> Problems.

The stages already report unknown references and invalid fields; these checks add what only a
whole-site view shows: drift between front matter and links, aliases that clash, registry entries
no article mentions, dates taken from file times, duplicate URLs, broken links and anchors.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Iterable, Mapping

from generator.config import SiteConfig
from generator.content import Entity
from generator.errors import Problem, errors_in, problem
from generator.markdown import AnnotatedBody
from generator.model import GROUPS, MentionIndex, Site

_KEY_LINE = re.compile(r"^([A-Za-z_][\w-]*)\s*:")


def _body_line(text: str, first_line: int, needle: str) -> int:
    """Line of the first `needle` in a body that starts at `first_line` (else 0)."""
    at = text.find(needle)
    return first_line + text.count("\n", 0, at) if at >= 0 else 0


def key_line(site_dir: Path, path: str, key: str) -> int:
    """Line of a top-level front-matter `key:` in a content file (0 when absent or unreadable)."""
    try:
        lines = (site_dir / path).read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    for number, line in enumerate(lines[1:], start=2):
        if line.rstrip() in ("---", "..."):
            return 0
        match = _KEY_LINE.match(line)
        if match and match.group(1) == key:
            return number
    return 0


def drift(site: Site, bodies: Mapping[str, AnnotatedBody]) -> list[Problem]:
    """Warn where an article's front matter and its body links disagree."""
    problems = []
    for article in (*site.articles, *site.drafts):
        listed = set(site.entities_of.get(article.slug, ()))
        linked = set(bodies[article.slug].linked)
        for entity_key in sorted(linked - listed):
            group, _, slug = entity_key.partition("/")
            line = _body_line(article.body.text, article.body.first_line, f"{group[:-1]}:{slug}")
            problems.append(problem(article.body.path, line, f"{slug!r} is linked in the body but "
                                                             f"missing from {group}: in the front matter",
                                    "warning"))
    return problems


def unnamed(site: Site, index: MentionIndex, site_dir: Path) -> list[Problem]:
    """Warn about entities an article lists in its front matter but never names or links."""
    problems = []
    named = {(m.article, key) for key, ms in index.mentions.items() for m in ms}
    for article in site.articles:
        for entity_key in site.entities_of.get(article.slug, ()):
            entity = site.entity(entity_key)
            if (article.slug, entity_key) in named or entity is None:
                continue
            if any(n in article.title for n in (entity.name, *entity.aliases)):
                continue  # named in the headline only: links never go there
            group = entity_key.partition("/")[0]
            problems.append(problem(article.body.path, key_line(site_dir, article.body.path, group),
                                    f"{group}: lists {entity_key.partition('/')[2]!r} but the text "
                                    f"never names {entity.name!r}", "warning"))
    return problems


def unmentioned(site: Site, index: MentionIndex) -> list[Problem]:
    """Warn about registry entries that no published article mentions (their pages are empty)."""
    problems = []
    for group in GROUPS:
        for slug, entity in sorted(site.registry(group).items()):
            if not index.articles_of.get(f"{group}/{slug}"):
                problems.append(problem(entity.body.path, 0, f"{entity.name!r} is mentioned by no "
                                                             f"published article; its page lists nothing "
                                                             f"(delete the file, or merge it)", "warning"))
    return problems


def alias_conflicts(site: Site, reject: frozenset[str], site_dir: Path) -> list[Problem]:
    """Aliases that detection cannot use: rejected names, case-only clashes, shared surnames."""
    entities: list[Entity] = [*site.actors.values(), *site.locations.values()]
    owners: dict[str, list[Entity]] = {}
    for entity in entities:
        for name in dict.fromkeys((entity.name, *entity.aliases)):
            owners.setdefault(name.casefold(), []).append(entity)
    surnames = Counter(e.name.split()[-1] for e in entities if e.kind == "person" and " " in e.name)
    rejected = {r.casefold() for r in reject}
    problems = []
    for entity in entities:
        line = key_line(site_dir, entity.body.path, "aliases")
        for alias in entity.aliases:
            if alias.casefold() in rejected:
                problems.append(problem(entity.body.path, line, f"alias {alias!r} is listed under reject: "
                                                                f"in site.yaml; detection ignores it", "warning"))
            clash = [o for o in owners.get(alias.casefold(), []) if o is not entity]
            exact = [o for o in clash if alias in (o.name, *o.aliases)]
            if clash and not exact:  # exact clashes are reported by the site model already
                problems.append(problem(entity.body.path, line, f"alias {alias!r} differs only in case "
                                                                f"from a name of {clash[0].body.path}",
                                        "warning"))
            if entity.kind == "person" and " " not in alias and surnames[alias] > 0:
                problems.append(problem(entity.body.path, line, f"alias {alias!r} is a bare surname; "
                                                                f"the renderer already matches a surname "
                                                                f"when only one person has it", "warning"))
    return problems


def file_dates(site: Site, site_dir: Path) -> list[Problem]:
    """List articles whose date came from a seed file's modification time."""
    return [problem(a.body.path, key_line(site_dir, a.body.path, "date"),
                    "date taken from the seed file's modification time (date_source: file); check it "
                    "and remove the date_source line", "warning")
            for a in (*site.articles, *site.drafts) if a.date_source == "file"]


def pending_seeds(cfg: SiteConfig, sources: Iterable[str], seeds: Iterable[Path]) -> list[Problem]:
    """Seeds that no article names yet: the next `build` imports them."""
    named = set(sources)
    site = cfg.site_dir.absolute()
    return [problem(rel, 0, "not imported yet; `newsgloss build` will import it", "warning")
            for rel in (p.absolute().relative_to(site).as_posix() for p in seeds) if rel not in named]


def duplicate_urls(paths: Iterable[str]) -> list[Problem]:
    """Two rendered files with one path would overwrite each other: an error."""
    counts = Counter(paths)
    return [problem(f"output/{path}", 0, f"{n} pages would be written to this URL") for path, n
            in sorted(counts.items()) if n > 1]


def with_key_lines(problems: Iterable[Problem], site_dir: Path) -> list[Problem]:
    """Give `key: ...` problems reported for a whole content file the line of that key."""
    out = []
    for p in problems:
        key = p.message.partition(":")[0]
        if p.line == 0 and p.path.startswith("content/") and _KEY_LINE.match(p.message) and " " not in key:
            p = problem(p.path, key_line(site_dir, p.path, key) or 0, p.message, p.level)
        out.append(p)
    return out


def check_site(cfg: SiteConfig) -> tuple[list[Problem], int]:
    """Everything `newsgloss check` reports, and the number of files that would be built."""
    from generator import build as pipeline
    from generator.linkcheck import check_links
    from generator.render import TemplateError, render_site
    from generator.seeds import find_seeds
    from generator.theme import load_theme

    site, index, bodies, entity_bodies, problems, _ = pipeline.prepare(cfg, import_new=False)
    problems += unnamed(site, index, cfg.site_dir) + unmentioned(site, index)
    problems += alias_conflicts(site, cfg.reject, cfg.site_dir) + file_dates(site, cfg.site_dir)
    problems += pending_seeds(cfg, (a.source for a in (*site.articles, *site.drafts) if a.source),
                              find_seeds(cfg.seeds_dir))
    theme, found = load_theme(cfg.site_dir, cfg.theme)
    problems += found
    if errors_in(problems):
        return sorted(set(with_key_lines(problems, cfg.site_dir))), 0
    try:
        files = list(render_site(site, index, bodies, entity_bodies, cfg, theme))
    except TemplateError as exc:
        return sorted({*problems, pipeline._template_problem(exc)}), 0
    problems += duplicate_urls(str(f.path) for f in files)
    pages = {str(f.path): (f.data or b"").decode("utf-8") for f in files if f.path.suffix == ".html"}
    problems += check_links(pages, [str(f.path) for f in files])
    return sorted(set(with_key_lines(problems, cfg.site_dir))), len(files)
