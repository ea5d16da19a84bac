"""Problems found in content, and the one exception that reports them all at once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Literal

import click

Level = Literal["error", "warning"]


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong with the input, shown to the user as `path:line: message`."""

    path: str
    """File the problem is in, relative to the site folder where possible."""
    line: int
    """1-based line number (0 when the problem is about the whole file)."""
    message: str
    """What is wrong, in the user's terms."""
    level: Level = "error"
    """`error` stops the build; `warning` is reported and the build goes on."""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = "warning: " if self.level == "warning" else ""
        return f"{where}: {prefix}{self.message}"


def problem(path: Path | str, line: int, message: str, level: Level = "error") -> Problem:
    """Make a Problem, with `path` shown as given."""
    return Problem(str(path), line, message, level)


def errors_in(problems: Iterable[Problem]) -> list[Problem]:
    """The error-level problems, sorted."""
    return sorted(p for p in problems if p.level == "error")


def warnings_in(problems: Iterable[Problem]) -> list[Problem]:
    """The warning-level problems, sorted."""
    return sorted(p for p in problems if p.level == "warning")


class ContentError(click.ClickException):
    """Content errors: every problem printed as `path:line: message`, exit status 1."""

    exit_code = 1

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(sorted(set(problems)))
        super().__init__("\n".join(str(p) for p in self.problems))

    def format_message(self) -> str:
        n = len([p for p in self.problems if p.level == "error"])
        return f"{self.message}\n{n} error{'s' if n != 1 else ''}; nothing was written."

    def show(self, file: object = None) -> None:
        click.echo(self.format_message(), err=True)


class UsageProblem(click.UsageError):
    """A usage error (bad option, refused output folder): exit status 2."""
