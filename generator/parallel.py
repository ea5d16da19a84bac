"""Ordered parallel map over forked worker processes (results come back in input order).

Workers are forked, so they see the parent's values (the site model, the theme) without pickling
them; only each chunk's items and results cross the pipe. Output stays deterministic because the
results are merged in input order, whatever order the workers finish in.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_PARALLEL = 64
"""Below this many items the pool costs more than it saves: run in this process."""

_TASK: Callable[[Sequence[object]], list[object]] | None = None
"""The chunk function handed to forked workers (set only while a pool runs)."""


def workers() -> int:
    """How many processes to use: the CPUs this process may run on (NEWSGLOSS_WORKERS overrides)."""
    forced = os.environ.get("NEWSGLOSS_WORKERS", "")
    if forced.isdigit() and int(forced) > 0:
        return int(forced)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _run_chunk(chunk: Sequence[object]) -> list[object]:
    assert _TASK is not None
    return _TASK(chunk)


def chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """Consecutive slices of at most `size` items."""
    return [items[i:i + size] for i in range(0, len(items), size)]


def map_chunks(task: Callable[[Sequence[T]], list[R]], items: Sequence[T], *,
               processes: int | None = None, chunk_size: int | None = None) -> Iterator[R]:
    """`task` over consecutive chunks of `items`, in forked workers; yields results in input order.

    `task` takes a chunk and returns one result per item. With one process, few items, or no
    `fork` (Windows, macOS default), it runs here, with the same results.
    """
    global _TASK
    count = processes or workers()
    if count <= 1 or len(items) < MIN_PARALLEL or "fork" not in multiprocessing.get_all_start_methods() \
            or sys.platform == "darwin":
        yield from task(items)
        return
    size = chunk_size or max(8, min(256, len(items) // (count * 8) or 1))
    previous, _TASK = _TASK, task  # type: ignore[assignment]  # kept while the pool may fork a worker
    try:
        pool = multiprocessing.get_context("fork").Pool(count)
        try:
            for result in pool.imap(_run_chunk, chunks(items, size)):
                yield from result  # type: ignore[misc]
            pool.close()
        finally:
            pool.terminate()
            pool.join()
    finally:
        _TASK = previous
