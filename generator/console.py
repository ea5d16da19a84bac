"""Terminal output for the CLI: messages, a progress bar for long work, and the build summary line."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO

import click

from generator.build import BuildReport
from generator.errors import warnings_in

BAR_DELAY = 1.0
"""Seconds a stage must run before its bar appears: quick builds stay one line."""


def plural(n: int, word: str) -> str:
    """`1 article`, `2 articles`."""
    return f"{n} {word}{'' if n == 1 else 's'}"


class Ui:
    """Where messages go: `--quiet` keeps only errors and warnings; `--verbose` adds detail."""

    def __init__(self, quiet: bool, verbose: bool) -> None:
        self.quiet, self.verbose = quiet, verbose

    def info(self, message: str) -> None:
        if not self.quiet:
            click.echo(message)

    def detail(self, message: str) -> None:
        if self.verbose and not self.quiet:
            click.echo(message)


class ProgressBar:
    """A `progress(stage, done, total)` callback drawing click progress bars on a terminal.

    Nothing is drawn when the output is not a terminal (CI, pipes), with `--quiet`, or for a stage
    that finishes within `delay` seconds.
    """

    def __init__(self, enabled: bool, file: TextIO | None = None, delay: float = BAR_DELAY) -> None:
        self.file = file or sys.stdout
        self.enabled = enabled and self.file.isatty()
        self.delay = delay
        self.stage = ""
        self.started = 0.0
        self.bar: Any = None
        self.shown = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        if stage != self.stage:
            self.close()
            self.stage, self.started, self.shown = stage, time.monotonic(), 0
        if self.bar is None and total > 0 and done < total and time.monotonic() - self.started >= self.delay:
            self.bar = click.progressbar(length=total, label=stage.ljust(16), file=self.file,
                                         show_pos=True, width=30)
            self.bar.__enter__()
        if self.bar is not None:
            self.bar.update(done - self.shown)
            self.shown = done
            if done >= total:
                self.close()

    def close(self) -> None:
        """Finish the current bar, if one is shown."""
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def where(path: Path) -> str:
    """A folder as the user would type it: relative to the current folder when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return (rel if not rel.startswith("..") else str(path)).rstrip("/") + "/"


def summary(report: BuildReport, output: Path) -> str:
    """The one line every successful build ends with."""
    warnings = len(warnings_in(report.problems))
    new = f"; {plural(len(report.imported), 'new file')} in content/" if report.imported else ""
    return (f"built {plural(report.articles, 'article')}, {plural(report.actors, 'actor')}, "
            f"{plural(report.locations, 'location')}: {plural(report.pages, 'page')} in {where(output)} "
            f"in {report.seconds:.2f} s{new}; {plural(warnings, 'warning')}")
