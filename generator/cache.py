"""The build cache in the git-ignored `.newsgloss/` folder: input fingerprint -> last build's record.

A build whose inputs (site.yaml, content/, seeds/, themes/, the generator's own code and the
effective configuration) are unchanged since the last successful build, and whose output folder
is still the one that build wrote, has nothing to do. A cache that is missing, corrupt or written
by another version is ignored: the build then simply does all the work.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import __version__
from generator.config import SiteConfig

CACHE_DIR = ".newsgloss"
FORMAT = 1
"""Bumped whenever what the cache holds changes shape."""


@dataclass(frozen=True, slots=True)
class BuildRecord:
    """What the last successful build saw and left behind."""

    fingerprint: str
    """Digest of every input's path, size and modification time, and of the configuration."""
    output: tuple[int, int, int, int]
    """(device, inode, size, mtime_ns) of the output's manifest file right after the build."""
    report: Any
    """The BuildReport it returned (its problems are shown again by a build with nothing to do)."""


RACY_NS = 3_000_000_000
"""Files changed this recently may change again within the file system's timestamp granularity."""


def _scan(root: Path, digest: Any, newest: list[int], skip_hidden: bool = True) -> None:
    """Feed every file under `root` (path, size, mtime, inode) into `digest`, in a fixed order."""
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        digest.update(f"-{root}\n".encode())
        return
    for entry in entries:
        if entry.name == "__pycache__" or (skip_hidden and entry.name.startswith(".")):
            continue
        if entry.is_dir(follow_symlinks=False):
            digest.update(f"d {entry.name}\n".encode())
            _scan(Path(entry.path), digest, newest, skip_hidden)
        else:
            try:
                st = entry.stat()
            except OSError:
                continue
            digest.update(f"f {entry.name} {st.st_size} {st.st_mtime_ns} {st.st_ino}\n".encode())
            newest[0] = max(newest[0], st.st_mtime_ns, st.st_ctime_ns)


def code_dirs() -> tuple[Path, ...]:
    """The generator's own code and bundled theme: a change there must rebuild everything."""
    from generator.theme import bundled_theme_dir

    return Path(__file__).resolve().parent, bundled_theme_dir()


def fingerprint(cfg: SiteConfig) -> str:
    """Digest of all inputs of a build, from file metadata only (no file is read).

    As git does with its index, a file modified in the last few seconds is "racy": a second edit
    within the same timestamp tick could keep size and mtime, so such a fingerprint is made
    unique and never matches (the next build does the work instead of trusting it).
    """
    digest = hashlib.blake2b(digest_size=20)
    newest = [0]
    digest.update(f"{FORMAT} {__version__} {cfg!r}\n".encode())
    for name in ("site.yaml",):
        path = cfg.site_dir / name
        try:
            st = path.stat()
            digest.update(f"{name} {st.st_size} {st.st_mtime_ns} {st.st_ino}\n".encode())
            newest[0] = max(newest[0], st.st_mtime_ns, st.st_ctime_ns)
        except OSError:
            digest.update(f"-{name}\n".encode())
    for folder in (cfg.content_dir, cfg.seeds_dir, cfg.site_dir / "themes", *code_dirs()):
        digest.update(f"# {folder.name}\n".encode())
        _scan(folder, digest, newest)
    if time.time_ns() - newest[0] < RACY_NS:
        digest.update(os.urandom(16))
    return digest.hexdigest()


def output_stamp(output: Path) -> tuple[int, int, int, int] | None:
    """Identity of a built output folder: its manifest file's device, inode, size and mtime."""
    from generator.writer import MANIFEST

    try:
        st = (output / MANIFEST).stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def _path(cfg: SiteConfig) -> Path:
    return cfg.site_dir / CACHE_DIR / "build.pickle"


def load_record(cfg: SiteConfig) -> BuildRecord | None:
    """The last build's record, or None when absent, unreadable or from another version."""
    try:
        with open(_path(cfg), "rb") as handle:
            header = pickle.load(handle)
            if header != (FORMAT, __version__):
                return None
            record = pickle.load(handle)
    except Exception:  # noqa: BLE001 - any damage means "no cache"
        return None
    return record if isinstance(record, BuildRecord) else None


def save_record(cfg: SiteConfig, record: BuildRecord) -> None:
    """Write the record atomically (a crash leaves the old one or none, never half of one)."""
    path = _path(cfg)
    try:
        path.parent.mkdir(exist_ok=True)
        ignore = path.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n", encoding="utf-8")
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as handle:
            pickle.dump((FORMAT, __version__), handle, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(record, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only site folder still builds; it just never skips work


def unchanged(cfg: SiteConfig, record: BuildRecord | None, print_: str) -> bool:
    """True when the inputs and the output are exactly as the recorded build left them."""
    return (record is not None and record.fingerprint == print_
            and output_stamp(cfg.output_dir) == record.output)
