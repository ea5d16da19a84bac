"""Incremental output: the pages that changed are put into output/ in place, each by a rename.

A full build stages a whole new tree and swaps it in (writer.py). Re-creating 10,000 article
folders for a one-article edit would cost seconds (and deleting the old tree far more), so an
incremental build instead writes its few changed files to a scratch folder beside output/ and
renames them over the old ones. Nothing in output/ changes until every file is written; the
renames are listed in a journal first, so a crash half-way is finished by the next build.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path, PurePosixPath
from typing import Iterable

from generator.render import RenderedFile
from generator.writer import MANIFEST, OutputError, check_output_dir, manifest_text


def _journal(output: Path) -> Path:
    return output.with_name(f".{output.name}.journal")


def _scratch(output: Path) -> Path:
    return output.with_name(f".{output.name}.patch")


def _inside(output: Path, rel: str) -> Path:
    parts = PurePosixPath(rel).parts
    if PurePosixPath(rel).is_absolute() or not parts or any(p in ("", ".", "..") or "\\" in p or "\x00" in p
                                                           for p in parts):
        raise OutputError(f"unsafe output path {rel!r}")
    return output.joinpath(*parts)


def finish(output: Path) -> None:
    """Complete a patch that a crash interrupted (renames listed in the journal), then tidy up."""
    journal = _journal(output)
    if journal.is_file():
        plan = json.loads(journal.read_text(encoding="utf-8"))
        _apply(output, plan["rename"], plan["remove"])
        journal.unlink()
    shutil.rmtree(_scratch(output), ignore_errors=True)


def _apply(output: Path, renames: list[list[str]], removals: list[str]) -> None:
    for source, rel in renames:
        target = _inside(output, rel)
        if os.path.exists(source):
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    for rel in removals:
        target = _inside(output, rel)
        try:
            target.unlink()
        except FileNotFoundError:
            pass
        folder = target.parent
        while folder != output:  # a page's own folder goes with it when it is left empty
            try:
                folder.rmdir()
            except OSError:
                break
            folder = folder.parent


def patch_site(files: Iterable[RenderedFile], removed: Iterable[str], listing: Iterable[str],
               output: Path, site_dir: Path) -> int:
    """Write `files` over their old versions in `output`, delete `removed`; return files written.

    `listing` is every file of the site after the patch (for the manifest). If anything fails
    before the renames start, `output` is left exactly as it was.
    """
    output = Path(os.path.abspath(output))
    check_output_dir(output, site_dir)
    finish(output)
    scratch = _scratch(output)
    renames: list[list[str]] = []
    try:
        scratch.mkdir()
        for n, item in enumerate(files):
            _inside(output, str(item.path))
            tmp = scratch / str(n)
            if item.source is not None and item.move:
                os.replace(item.source, tmp)
            elif item.source is not None:
                shutil.copyfile(item.source, tmp)
            else:
                tmp.write_bytes(item.data or b"")
            renames.append([str(tmp), str(item.path)])
        listed = sorted(listing)
        if listed != _manifest_files(output):
            (scratch / MANIFEST).write_text(manifest_text(listed), encoding="utf-8")
            renames.append([str(scratch / MANIFEST), MANIFEST])
        plan = {"rename": renames, "remove": sorted(set(removed))}
        tmp_journal = scratch / "journal"
        tmp_journal.write_text(json.dumps(plan), encoding="utf-8")
        os.replace(tmp_journal, _journal(output))
    except BaseException as exc:
        shutil.rmtree(scratch, ignore_errors=True)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(f"cannot write the site ({exc}); {output} was left as it was") from exc
        raise
    finish(output)
    return len(renames)


def _manifest_files(output: Path) -> list[str]:
    try:
        return list(json.loads((output / MANIFEST).read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return []
