"""The `newsgloss` command line: thin wrappers that load the config and call one stage function."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from pathlib import Path

import click

from generator import __version__
from generator.config import SiteConfig, load_config
from generator.errors import ContentError, errors_in, warnings_in


class Ui:
    """Where messages go: `--quiet` keeps only errors and the final line off; `--verbose` adds detail."""

    def __init__(self, quiet: bool, verbose: bool) -> None:
        self.quiet, self.verbose = quiet, verbose

    def info(self, message: str) -> None:
        if not self.quiet:
            click.echo(message)

    def detail(self, message: str) -> None:
        if self.verbose and not self.quiet:
            click.echo(message)


def _config(site: Path, output: Path | None = None) -> SiteConfig:
    cfg = load_config(site)
    if output is not None:
        cfg = dataclasses.replace(cfg, output=str(output.expanduser().absolute()))
    return cfg


def _show_warnings(problems: list, ui: Ui) -> None:  # type: ignore[type-arg]
    for p in warnings_in(problems):
        click.echo(str(p), err=True)


site_option = click.option("--site", "site", type=click.Path(file_okay=False, path_type=Path),
                           default=Path("."), show_default=True, help="The site folder.")
quiet_option = click.option("--quiet", "-q", is_flag=True, help="Print only errors and warnings.")
verbose_option = click.option("--verbose", "-v", is_flag=True, help="Print every file imported.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsgloss")
def main() -> None:
    """newsgloss: a static site generator for annotated news."""


@main.command()
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path),
              help="Write the site here instead of site.yaml's `output`.")
@site_option
@quiet_option
@verbose_option
def build(output: Path | None, site: Path, quiet: bool, verbose: bool) -> None:
    """Import new seeds, then render the whole site into output/."""
    from generator.build import build as run_build

    ui = Ui(quiet, verbose)
    cfg = _config(site, output)
    report = run_build(cfg, log=ui.detail)
    _show_warnings(list(report.problems), ui)
    warnings = len(warnings_in(report.problems))
    ui.info(f"built {report.articles} article{'s' * (report.articles != 1)}, {report.actors} actors, "
            f"{report.locations} locations: {report.files} files in {cfg.output_dir} "
            f"({report.seconds:.2f} s, {len(report.imported)} new files in content/, "
            f"{warnings} warning{'s' * (warnings != 1)})")


@main.command("import")
@click.argument("seeds", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--date", "date", type=click.DateTime(["%Y-%m-%d"]),
              help="Date for seeds with no date line or sidecar (YYYY-MM-DD).")
@click.option("--reimport", is_flag=True,
              help="Rewrite existing articles from their seeds (the editor's file is backed up first).")
@site_option
@quiet_option
@verbose_option
def import_(seeds: tuple[Path, ...], date: dt.datetime | None, reimport: bool, site: Path,
            quiet: bool, verbose: bool) -> None:
    """Convert SEEDS into content/ articles and entity stubs (never overwriting)."""
    from generator.build import import_seeds
    from generator.content import load_content

    ui = Ui(quiet, verbose)
    cfg = _config(site)
    missing = [s for s in seeds if not s.is_file()]
    if missing:
        raise click.BadParameter(", ".join(str(m) for m in missing) + ": no such file", param_hint="SEEDS")
    content, problems = load_content(cfg)
    if errors_in(problems):
        raise ContentError(problems)
    written, found = import_seeds(cfg, content, [s.absolute() for s in seeds], reimport=reimport,
                                  date=date.date() if date else None, log=ui.detail)
    _show_warnings(found, ui)
    if errors_in(found):
        raise ContentError(found)
    ui.info(f"imported {len(seeds)} seed{'s' * (len(seeds) != 1)}: {len(written)} new file"
            f"{'s' * (len(written) != 1)} in content/")


@main.command()
@site_option
@quiet_option
def check(site: Path, quiet: bool) -> None:
    """Validate content and the rendered site (links, anchors) without writing anything."""
    from generator.build import render_only
    from generator.linkcheck import check_links

    cfg = _config(site)
    files, problems = render_only(cfg)
    if files:
        pages = {str(f.path): (f.data or b"").decode("utf-8") for f in files if f.path.suffix == ".html"}
        problems += check_links(pages, [str(f.path) for f in files])
    for p in sorted(problems):
        click.echo(str(p), err=True)
    errors = len(errors_in(problems))
    if errors:
        raise click.exceptions.Exit(1)
    if not quiet:
        click.echo(f"check: no errors, {len(warnings_in(problems))} warnings")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@site_option
def entities(files: tuple[Path, ...], fmt: str, site: Path) -> None:
    """Show every entity mention detection finds in FILES (seeds or articles)."""
    from generator.content import load_content
    from generator.detect import detect
    from generator.detect.listing import format_mentions
    from generator.seeds import decode_seed

    cfg = _config(site)
    content, _ = load_content(cfg)
    lexicon = content.lexicon(cfg.reject)
    results = {}
    for path in files:
        text, problems = decode_seed(path.read_bytes(), str(path))
        if errors_in(problems):
            raise ContentError(problems)
        results[str(path)] = detect(text, lexicon).mentions
    click.echo(format_mentions(list(results.items()), fmt))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
