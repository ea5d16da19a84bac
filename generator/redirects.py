"""Redirect pages for merged entities: `redirect_from:` slugs -> small pages pointing to the new URL.

A merged entity's old URL keeps working on every static host (meta refresh, a canonical link and
a plain link for readers without automatic redirects); search engines follow the canonical.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Iterator

from jinja2 import Environment

from generator.errors import Problem, problem
from generator.model import GROUPS, Site, page_path


@dataclass(frozen=True, slots=True)
class RedirectContext:
    """The page left at a merged entity's old URL."""

    path: PurePosixPath
    """The old page (`actors/<old>/index.html`)."""
    title: str
    """Name of the entity it now points to."""
    target: PurePosixPath
    """The entity's page."""
    template: str = "redirect.html"


def redirects(site: Site) -> Iterator[RedirectContext]:
    """One context per `redirect_from` slug that no live entity uses, in a fixed order."""
    for group in GROUPS:
        registry = site.registry(group)
        claimed: set[str] = set()
        for slug, entity in sorted(registry.items()):
            for old in entity.redirect_from:
                if old in registry or old in claimed:
                    continue  # reported by redirect_problems
                claimed.add(old)
                yield RedirectContext(page_path(group, old), entity.name, page_path(group, slug))


def redirect_problems(site: Site) -> list[Problem]:
    """A redirect may not take the URL of a live entity or another redirect."""
    problems = []
    for group in GROUPS:
        registry = site.registry(group)
        owner: dict[str, str] = {}
        for slug, entity in sorted(registry.items()):
            for old in entity.redirect_from:
                if old in registry:
                    problems.append(problem(entity.body.path, 0, f"redirect_from: {old!r} is a live entity "
                                                                 f"(content/{group}/{old}.md); its page "
                                                                 f"cannot also be a redirect"))
                elif old in owner:
                    problems.append(problem(entity.body.path, 0, f"redirect_from: {old!r} is also "
                                                                 f"redirected by {owner[old]}"))
                else:
                    owner[old] = entity.body.path
    return problems


def render_redirects(site: Site, env: Environment) -> Iterator[tuple[PurePosixPath, bytes]]:
    """(path, bytes) of every redirect page."""
    for ctx in redirects(site):
        yield ctx.path, env.get_template(ctx.template).render(page=ctx).encode("utf-8")
