"""Packaging hook: a wheel (`pip install .`) carries the hot modules compiled by mypyc.

The modules named in pyproject.toml's `[tool.newsgloss] compiled` (Markdown reading, mention
scanning, marking, export rows, link checks: where a build spends its time) are compiled to C
extensions beside their sources, as black and mypy ship theirs: the same code, 10-20% less build
time. Everything else about the package is in pyproject.toml.

Never compiled, always pure Python:
- an editable install (`pip install -e .`, the test command's): what a developer edits is what runs;
- when NEWSGLOSS_PURE=1 is set;
- when mypyc or a C compiler fails: the install goes on, pure, and says why.
`tests/test_compiled.py` builds the same list and holds it to the pure modules' tests and output.
"""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent


def compiled_modules() -> list[str]:
    """Paths (relative to this folder) of the modules to compile, from pyproject.toml."""
    with open(HERE / "pyproject.toml", "rb") as f:
        return list(tomllib.load(f)["tool"]["newsgloss"]["compiled"])


def _say(message: str) -> None:
    print(f"newsgloss setup: {message}", file=sys.stderr)


def _wanted() -> bool:
    """Compile only for a real build of a wheel (not metadata, not an editable install)."""
    if os.environ.get("NEWSGLOSS_PURE") == "1":
        _say("NEWSGLOSS_PURE=1: pure Python, nothing compiled")
        return False
    commands = set(sys.argv[1:])
    return "editable_wheel" not in commands and bool(commands & {"bdist_wheel", "build", "build_ext", "install"})


def _extensions() -> list:
    if not _wanted():
        return []
    try:
        from mypyc.build import mypycify

        os.chdir(HERE)  # mypyc names modules by their paths from here
        return mypycify(["--ignore-missing-imports", *compiled_modules()], opt_level="3", group_name="newsgloss")
    except (Exception, SystemExit) as exc:  # mypy's type errors end in SystemExit
        _say(f"mypyc could not prepare the compiled modules ({exc!r}); installing pure Python")
        return []


class OptionalBuildExt(build_ext):
    """build_ext that leaves the package pure when compiling fails (no C compiler, say)."""

    def run(self) -> None:
        if getattr(self, "editable_mode", False):
            _say("editable install: pure Python, nothing compiled")
            self.extensions = []
            return
        self._remove_stale()
        try:
            super().run()
        except Exception as exc:
            _say(f"compiling failed ({exc!r}); installing pure Python")
            for built in super().get_outputs():  # no half set: a module without its shared library fails to import
                Path(built).unlink(missing_ok=True)
            self.extensions = []

    def _remove_stale(self) -> None:
        """Compiled files an earlier build left in build_lib: pip builds in the source tree, and
        the wheel takes all of build_lib, so a module dropped from the list would ship as an
        extension whose part of the shared library is gone (and fail to import)."""
        root = Path(self.build_lib)
        for pattern in ("generator/**/*.so", "generator/**/*.pyd", "*__mypyc*.so", "*__mypyc*.pyd"):
            for stale in root.glob(pattern):
                stale.unlink()

    def get_outputs(self) -> list[str]:
        return super().get_outputs() if self.extensions else []


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
