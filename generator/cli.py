"""The `newsgloss` command line: thin wrappers that load the config and call one stage function."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sys
from pathlib import Path

import click

from generator import __version__
from generator.config import CONFIG_NAME, SiteConfig, load_config
from generator.console import ProgressBar, Ui, plural, summary
from generator.errors import ContentError, UsageProblem, errors_in, warnings_in


def _config(site: Path, output: Path | None = None, need_site: bool = True) -> SiteConfig:
    if need_site and not (site / CONFIG_NAME).is_file():
        raise UsageProblem(f"{site.absolute()} is not a newsgloss site (no {CONFIG_NAME}); "
                           f"run `newsgloss init DIR` to make one, or pass --site DIR")
    cfg = load_config(site)
    if output is not None:
        cfg = dataclasses.replace(cfg, output=str(output.expanduser().absolute()))
    return cfg


def _show_warnings(problems: list, ui: Ui) -> None:  # type: ignore[type-arg]
    for p in warnings_in(problems):
        click.echo(str(p), err=True)


class _Main(click.Group):
    """The command group, turning an OS error or Ctrl-C into one clear line instead of a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo("newsgloss: interrupted; the previous output/ was left as it was", err=True)
            raise click.exceptions.Exit(130) from None
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            raise click.ClickException(f"{where}{exc.strerror or exc}") from None
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            if os.environ.get("NEWSGLOSS_DEBUG") == "1":
                raise
            raise click.ClickException(f"internal error ({type(exc).__name__}: {exc}); this is a bug in "
                                       f"newsgloss, please report it with the output of the same command "
                                       f"run with NEWSGLOSS_DEBUG=1") from None


site_option = click.option("--site", "site", type=click.Path(file_okay=False, path_type=Path),
                           default=Path("."), show_default=True, help="The site folder.")
quiet_option = click.option("--quiet", "-q", is_flag=True, help="Print only errors and warnings.")
verbose_option = click.option("--verbose", "-v", is_flag=True, help="Print every file imported.")


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
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
    bar = ProgressBar(not quiet)
    try:
        report = run_build(cfg, log=ui.detail, progress=bar, waiting=ui.info)
    finally:
        bar.close()
    _show_warnings(list(report.problems), ui)
    ui.info(summary(report, cfg.output_dir))


@main.command("import", short_help="Convert seeds into content/ (never overwriting).")
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
    from generator.content import load_content
    from generator.importing import import_seeds

    ui = Ui(quiet, verbose)
    cfg = _config(site)
    missing = [s for s in seeds if not s.is_file()]
    if missing:
        raise click.BadParameter(", ".join(str(m) for m in missing) + ": no such file", param_hint="SEEDS")
    content, problems = load_content(cfg)
    if errors_in(problems):
        raise ContentError(problems)
    bar = ProgressBar(not quiet)
    try:
        written, found = import_seeds(cfg, content, [s.absolute() for s in seeds], reimport=reimport,
                                      date=date.date() if date else None, log=ui.detail, progress=bar)
    finally:
        bar.close()
    _show_warnings(found, ui)
    if errors_in(found):
        raise ContentError(found)
    ui.info(f"imported {plural(len(seeds), 'seed')}: {plural(len(written), 'new file')} in content/")


@main.command(short_help="Preview the site on 127.0.0.1, rebuilding and reloading on change.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Loopback address to listen on (localhost, 127.0.0.1 or ::1).")
@click.option("--port", "-p", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port).")
@click.option("--output", "-o", type=click.Path(file_okay=False, path_type=Path),
              help="Build here instead of site.yaml's `output`.")
@site_option
@quiet_option
@verbose_option
def serve(host: str, port: int, output: Path | None, site: Path, quiet: bool, verbose: bool) -> None:
    """Build, serve the site on this machine, rebuild on change and reload open pages."""
    from generator.serve import is_loopback
    from generator.serve import serve as run_serve

    if not is_loopback(host):
        raise click.BadParameter(f"{host!r} is not a loopback address: `newsgloss serve` is a preview "
                                 f"for this machine only; publish output/ to a static host instead",
                                 param_hint="--host")
    ui = Ui(quiet, verbose)
    run_serve(site, host, port, output=output.expanduser().absolute() if output else None,
              info=ui.info, error=lambda m: click.echo(m, err=True), detail=ui.detail)


@main.command()
@click.option("--strict", is_flag=True, help="Treat warnings as errors (exit 1 on any problem).")
@site_option
@quiet_option
def check(strict: bool, site: Path, quiet: bool) -> None:
    """Validate content and the rendered site without writing anything.

    Reports unknown entity references, conflicting aliases, registry entries no article mentions,
    drift between front matter and links, duplicate URLs, and broken links and anchors, each as
    `path:line: message`. Exits 1 when any is an error.
    """
    from generator.checks import check_site

    problems, files = check_site(_config(site))
    for p in problems:
        click.echo(str(p), err=True)
    errors, warnings = len(errors_in(problems)), len(warnings_in(problems))
    if errors or (strict and warnings):
        click.echo(f"check: {plural(errors, 'error')}, {plural(warnings, 'warning')}", err=True)
        raise click.exceptions.Exit(1)
    if not quiet:
        click.echo(f"check: no errors, {plural(warnings, 'warning')} ({plural(files, 'file')} rendered, "
                   f"links and anchors resolve)")


@main.command(short_help="Show the entity mentions detection finds in FILES.")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@site_option
def entities(files: tuple[Path, ...], fmt: str, site: Path) -> None:
    """Show every entity mention detection finds in FILES (seeds or articles)."""
    from generator.content import load_content
    from generator.detect import detect
    from generator.detect.listing import format_mentions
    from generator.seeds import decode_seed

    cfg = _config(site, need_site=False)
    content, _ = load_content(cfg)
    lexicon = content.lexicon(cfg.reject)
    results = {}
    for path in files:
        text, problems = decode_seed(path.read_bytes(), str(path))
        if errors_in(problems):
            raise ContentError(problems)
        results[str(path)] = detect(text, lexicon).mentions
    click.echo(format_mentions(list(results.items()), fmt))


@main.command(short_help="Create a new site folder.")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", help="Site title (default: from the folder name).")
@quiet_option
def init(folder: Path, title: str | None, quiet: bool) -> None:
    """Create a new site in FOLDER (new or empty): site.yaml, an example seed, the default theme."""
    from generator.scaffold import ScaffoldError, init_site

    try:
        init_site(folder, title)
    except ScaffoldError as exc:
        raise click.UsageError(str(exc)) from None
    shown = folder if folder.is_absolute() else Path(folder)
    Ui(quiet, False).info(
        f"created a site in {shown}/: site.yaml, seeds/example.txt (+ example.yaml), content/, "
        f"themes/default/, .gitignore\nnext: cd {shown} && newsgloss build && newsgloss serve")


@main.command(short_help="Write a stub for a new article, actor or location.")
@click.argument("kind", type=click.Choice(["article", "actor", "location"]))
@click.argument("name")
@click.option("--organisation", "organisation", is_flag=True, help="For actors: an organisation, not a person.")
@site_option
def new(kind: str, name: str, organisation: bool, site: Path) -> None:
    """Write a stub for a new article (NAME is its title), actor or location; print its path."""
    from generator.scaffold import ScaffoldError, new_stub, write_stub

    cfg = _config(site)
    try:
        stub = new_stub(cfg.content_dir, kind, name, today=dt.date.today(),  # type: ignore[arg-type]
                        actor_kind="organisation" if organisation else "person")
        write_stub(stub)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(os.path.relpath(stub.path) if not os.path.relpath(stub.path).startswith("..") else stub.path)


@main.command(short_help="Fold entity OLD into entity NEW, leaving a redirect.")
@click.argument("old")
@click.argument("new")
@click.option("--dry-run", "-n", is_flag=True, help="Show the files that would change; write nothing.")
@site_option
@quiet_option
def merge(old: str, new: str, dry_run: bool, site: Path, quiet: bool) -> None:
    """Fold entity OLD into NEW (slugs, or actors/SLUG, locations/SLUG).

    Rewrites OLD's links and front-matter entries in every article, adds OLD's name and aliases
    to NEW's aliases, moves OLD's file to content/.backups/, and leaves a redirect page at OLD's
    URL. Only the lines that change are rewritten.
    """
    from generator.merge import MergeError, apply_merge, plan_merge

    cfg = _config(site)
    try:
        plan = plan_merge(cfg.site_dir, old, new)
    except MergeError as exc:
        raise click.ClickException(str(exc)) from None
    ui = Ui(quiet, False)
    for edit in plan.edits:
        ui.info(f"{'would rewrite' if dry_run else 'rewrote'} {edit.path.relative_to(cfg.site_dir).as_posix()}")
    old_file = plan.remove.relative_to(cfg.site_dir).as_posix()
    if dry_run:
        ui.info(f"would move {old_file} to content/.backups/; nothing was written")
        return
    backup = apply_merge(plan, cfg.site_dir)
    ui.info(f"merged {plan.group}/{plan.old} into {plan.group}/{plan.new}: {old_file} moved to "
            f"{backup.relative_to(cfg.site_dir).as_posix()}; {plan.group}/{plan.old}/ will redirect to "
            f"{plan.group}/{plan.new}/ after the next build")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
