"""Theme discovery: a site's themes/<name>/ overrides the bundled default by file name."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.errors import Problem, errors_in, problem
from generator.frontmatter import load_yaml
from generator.seeds import decode_seed
from generator.urls import outside_site


def bundled_theme_dir() -> Path:
    """The default theme shipped with newsgloss (installed copy, else the source tree's)."""
    package = Path(__file__).resolve().parent
    installed = package / "_theme"
    return installed if installed.is_dir() else package.parent / "themes" / "default"


@dataclass(frozen=True, slots=True)
class Theme:
    """Where templates and static files are looked up, first match wins."""

    name: str
    """Theme name from site.yaml."""
    template_dirs: tuple[Path, ...]
    """Template folders in lookup order (site theme, its parents, bundled default)."""
    static_dirs: tuple[Path, ...]
    """Static folders in the same order; a file in an earlier folder hides later ones."""


def load_theme(site_dir: Path, name: str) -> tuple[Theme, list[Problem]]:
    """Resolve theme `name` for a site: themes/<name>/, its `parent:` chain, then the default."""
    problems: list[Problem] = []
    chain: list[Path] = []
    current: str | None = name
    while current and len(chain) < 8:
        folder = site_dir / "themes" / current
        if not folder.is_dir():
            if current != "default":
                named_by = f"themes/{chain[-1].name}/theme.yaml" if chain else "site.yaml"
                problems.append(problem(named_by, 0, f"theme {current!r} not found: expected "
                                                     f"folder themes/{current}/"))
            break
        if folder.resolve() in [c.resolve() for c in chain]:
            problems.append(problem(f"themes/{current}/theme.yaml", 0, "theme parent chain loops"))
            break
        chain.append(folder)
        current = None
        meta = folder / "theme.yaml"
        if meta.is_file():
            shown = f"themes/{folder.name}/theme.yaml"
            text, found = decode_seed(meta.read_bytes(), shown)
            doc, more = load_yaml(text, shown) if not errors_in(found) else (None, [])
            problems += found + more
            parent = doc.data.get("parent") if doc else None
            if isinstance(parent, str):
                current = parent
    for folder in chain:  # the site's own theme folders: no name or link may lead out of the site
        for path in (folder, *sorted(folder.rglob("*"))):
            outside = outside_site(path, site_dir) if path == folder or path.is_symlink() else None
            if outside is not None:
                problems.append(outside)
                break
            if path.parent.name == "templates" or "templates" in path.relative_to(folder).parts[:1]:
                problems += _template_encoding(path, site_dir)
    default = bundled_theme_dir()
    if default.resolve() not in [c.resolve() for c in chain]:
        chain.append(default)
    return Theme(name, tuple(c / "templates" for c in chain if (c / "templates").is_dir()),
                 tuple(c / "static" for c in chain if (c / "static").is_dir())), problems


def _template_encoding(path: Path, site_dir: Path) -> list[Problem]:
    """A template that is not UTF-8 text is a problem naming its line (Jinja would only crash)."""
    if not path.is_file():
        return []
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return [problem(path.relative_to(site_dir).as_posix(), line, f"template is not UTF-8 (byte "
                                                                    f"0x{data[exc.start]:02x} at offset "
                                                                    f"{exc.start}); save it as UTF-8")]
    return []


def static_files(theme: Theme) -> list[tuple[str, Path]]:
    """(relative path, file) for every static file, earlier folders winning, sorted."""
    found: dict[str, Path] = {}
    for folder in theme.static_dirs:
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder).as_posix()
            if path.is_file() and not path.is_symlink() and not any(part.startswith(".") for part in
                                                                     path.relative_to(folder).parts):
                found.setdefault(rel, path)
    return sorted(found.items())
