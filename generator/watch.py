"""Watch a site's inputs (site.yaml, seeds/, content/, themes/) with watchfiles; yield change batches.

Two watchers run side by side: one on the site folder itself, not recursive (site.yaml however an
editor saves it, and the input folders appearing or vanishing), and one recursive on the input
folders that exist. Watching the whole site folder recursively would also watch output/ and any
virtualenv in it.
"""

from __future__ import annotations

import os
import queue
import threading
from pathlib import Path
from typing import Iterator

from watchfiles import Change, watch

INPUT_DIRS = ("seeds", "content", "themes")
CONFIG = "site.yaml"
_TEMP_SUFFIXES = ("~", ".swp", ".swx", ".tmp", ".part", ".crdownload")


def is_input(site_dir: Path, path: str) -> bool:
    """True for a change that can change the built site (not backups, dotfiles or editor temp files)."""
    try:
        rel = Path(path).relative_to(site_dir)
    except ValueError:
        return False
    parts = rel.parts
    if not parts or any(p.startswith(".") for p in parts) or parts[-1].endswith(_TEMP_SUFFIXES):
        return False
    return parts == (CONFIG,) or parts[0] in INPUT_DIRS


def _transient(batch: set[tuple[Change, str]], path: str) -> bool:
    """A file created and removed within one batch (an editor's or sed's temporary file)."""
    kinds = {change for change, p in batch if p == path}
    return Change.added in kinds and Change.deleted in kinds and not os.path.exists(path)


class SiteWatcher:
    """Background watchers feeding one queue of changed paths; stop() ends them."""

    def __init__(self, site_dir: Path, debounce_ms: int = 200) -> None:
        self.site_dir = site_dir.absolute()
        self.debounce_ms = debounce_ms
        self.changes: queue.Queue[set[str]] = queue.Queue()
        self.stopped = threading.Event()
        self._restart = threading.Event()
        self._ready = [threading.Event(), threading.Event()]
        self._threads = [threading.Thread(target=self._top, daemon=True, name="watch-site"),
                         threading.Thread(target=self._inputs, daemon=True, name="watch-inputs")]

    def start(self, timeout: float = 30.0) -> SiteWatcher:
        """Start watching; returns once both watchers are registered (changes from then on count)."""
        for thread in self._threads:
            thread.start()
        for ready in self._ready:
            ready.wait(timeout)
        return self

    def stop(self) -> None:
        self.stopped.set()
        self._restart.set()
        for thread in self._threads:
            thread.join(timeout=5)

    def _watch(self, paths: list[Path], recursive: bool, stop: threading.Event,
               ready: threading.Event) -> Iterator[set[str]]:
        # rust_timeout + yield_on_timeout: the first (empty) batch proves the watches are in place
        for batch in watch(*paths, recursive=recursive, stop_event=stop, debounce=self.debounce_ms,
                           step=50, rust_timeout=100, yield_on_timeout=True, raise_interrupt=False):
            ready.set()
            found = {p for _, p in batch if is_input(self.site_dir, p) and not _transient(batch, p)}
            if found:
                yield found

    def _top(self) -> None:
        for found in self._watch([self.site_dir], False, self.stopped, self._ready[0]):
            if any(Path(p).name in INPUT_DIRS for p in found):
                self._restart.set()  # an input folder appeared or went: re-watch the folders
            self.changes.put(found)

    def _inputs(self) -> None:
        while not self.stopped.is_set():
            self._restart.clear()
            folders = [self.site_dir / name for name in INPUT_DIRS if (self.site_dir / name).is_dir()]
            if not folders:
                self._ready[1].set()
                self._restart.wait()
                continue
            for found in self._watch(folders, True, self._restart, self._ready[1]):
                self.changes.put(found)

    def batches(self, poll: float = 0.25) -> Iterator[set[str]]:
        """Yield batches of changed paths until stop(); waits at most `poll` seconds per check."""
        while not self.stopped.is_set():
            try:
                found = self.changes.get(timeout=poll)
            except queue.Empty:
                continue
            while True:  # fold everything that arrived meanwhile into one rebuild
                try:
                    found |= self.changes.get_nowait()
                except queue.Empty:
                    break
            yield found
