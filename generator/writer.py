"""Stage 6: RenderedFile stream -> output/, staged beside it and swapped in whole (SPEC §7.1, §7.2)."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable

from generator.errors import UsageProblem
from generator.render import RenderedFile

MANIFEST = ".newsgloss-manifest.json"
PROTECTED = ("content", "seeds", "themes")


class OutputError(Exception):
    """Writing the output failed; the previous output is untouched."""


@dataclass(frozen=True, slots=True)
class WriteReport:
    """What write_site did."""

    files: int
    """Number of files written."""
    output: Path
    """The output folder."""


def _staging(output: Path) -> Path:
    return output.with_name(f".{output.name}.staging")


def _set_aside(output: Path) -> Path:
    return output.with_name(f".{output.name}.old")


def check_output_dir(output: Path, site_dir: Path) -> None:
    """Refuse output folders that a build must never replace (raises UsageProblem)."""
    output = Path(os.path.abspath(output))
    site = Path(os.path.abspath(site_dir))
    home = Path(os.path.abspath(Path.home()))
    reason = None
    if output == Path(output.anchor):
        reason = "it is the file-system root"
    elif output == home or output in home.parents:
        reason = "it is your home folder or above it"
    elif output == site or output in site.parents:
        reason = "it is the site folder or a folder above it"
    elif output.name in PROTECTED:
        reason = f"it is a {output.name}/ folder"
    elif any((site / name) in output.parents for name in PROTECTED):
        reason = "it is inside the site's content, seeds or themes folder"
    elif output.is_symlink():
        reason = "it is a symbolic link"
    elif output.exists() and not output.is_dir():
        reason = "it is a file"
    elif output.is_dir() and any(output.iterdir()) and not (output / MANIFEST).is_file():
        reason = f"it is not empty and was not made by newsgloss (no {MANIFEST})"
    if reason:
        raise UsageProblem(f"refusing to write the site into {output}: {reason}")


def recover(output: Path) -> None:
    """Undo what an interrupted build left: restore a set-aside output, drop a staging folder."""
    old, staging = _set_aside(output), _staging(output)
    if old.is_dir() and not old.is_symlink():
        if not output.exists():
            old.rename(output)
        else:
            shutil.rmtree(old)
    if staging.is_dir() and not staging.is_symlink():
        shutil.rmtree(staging)


def _target(root: Path, rel: PurePosixPath) -> Path:
    parts = rel.parts
    if rel.is_absolute() or not parts or any(p in ("", ".", "..") or "\\" in p or "\x00" in p for p in parts):
        raise OutputError(f"unsafe output path {str(rel)!r}")
    return root.joinpath(*parts)


def _move(source: Path, path: Path) -> None:
    """Take over a scratch file rendered by a worker (a rename on the same file system)."""
    try:
        os.rename(source, path)
    except OSError:
        shutil.copyfile(source, path)
        os.unlink(source)


def _fill(staging: Path, files: Iterable[RenderedFile]) -> list[str]:
    written: list[str] = []
    seen: set[PurePosixPath] = set()
    made: set[Path] = {staging}
    for item in files:
        if item.path in seen:
            raise OutputError(f"two items would both be written to {item.path}")
        seen.add(item.path)
        path = _target(staging, item.path)
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        if item.source is not None and item.move:
            _move(item.source, path)
        elif item.source is not None:
            shutil.copyfile(item.source, path)
        else:
            with open(path, "xb") as handle:
                handle.write(item.data or b"")
        written.append(str(item.path))
    return written


def manifest_text(files: Iterable[str]) -> str:
    """The manifest newsgloss leaves in every output folder: the files it wrote."""
    return json.dumps({"generator": "newsgloss", "files": sorted(files)}, indent=0) + "\n"


def write_site(files: Iterable[RenderedFile], output: Path, site_dir: Path) -> WriteReport:
    """Write every file into a staging folder, then switch it in place of `output` atomically.

    On any failure the staging folder is removed and `output` is left exactly as it was.
    """
    output = Path(os.path.abspath(output))
    check_output_dir(output, site_dir)
    recover(output)
    staging = _staging(output)
    try:
        staging.mkdir(parents=True)
        written = _fill(staging, files)
        (staging / MANIFEST).write_text(manifest_text(written), encoding="utf-8")
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            why = os.strerror(exc.errno) if exc.errno else str(exc)
            where = f" ({exc.filename})" if exc.filename else ""
            raise OutputError(f"cannot write the site{where}: {why}; {output} was left as it was") from exc
        raise
    swap(staging, output)
    return WriteReport(len(written), output)


def swap(staging: Path, output: Path) -> None:
    """Put `staging` in place of `output`: set the old one aside, rename, then delete the old one."""
    old = _set_aside(output)
    if output.exists():
        output.rename(old)
    try:
        staging.rename(output)
    except OSError:
        if old.exists() and not output.exists():
            old.rename(output)
        raise
    if old.exists():
        shutil.rmtree(old, ignore_errors=True)


