"""Ordered parallel map over forked worker processes (results come back in input order).

Workers are forked, so they see the parent's values (the site model, the theme) without pickling
them; only each chunk's items and results cross the pipe. Output stays deterministic because the
results are merged in input order, whatever order the workers finish in.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import sys
import threading
from collections import deque
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

AHEAD = 3
"""Chunks handed out per worker before the oldest result is taken (bounds results held in memory)."""
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


_ITEMS: Sequence[object] = ()
"""The items of the running map (forked workers see them: only (start, stop) crosses the pipe)."""


def _run_chunk(span: tuple[int, int]) -> list[object]:
    assert _TASK is not None
    return _TASK(_ITEMS[span[0]:span[1]])


def trim_memory() -> None:
    """Hand freed heap back to the system, so forked workers start smaller (their resident memory
    counts what they inherit).

    No garbage collection first: at 10,000 articles it walked every object of the build (0.15 s,
    with every CPU but one idle) to free under two hundred; a build makes little cyclic garbage.
    """
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector paused in this process (forked workers run it, over what
    they make: `_start_worker`).

    A build keeps nearly every object it makes (the state, the site model, the index), so the
    collector only walked them again and again: a fifth of an edit's time at 10,000 articles.
    Garbage cycles are collected once the collector runs again, after the build.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _start_worker() -> None:
    """A forked worker runs the collector (see `paused_gc`), but not over what it inherited.

    The inherited objects (state, site model, index) are frozen first, so collections walk only
    what the worker makes: a render worker at 10,000 articles spent 1.6 s collecting, 0.5 s now.
    """
    gc.freeze()
    gc.enable()


def _in_this_process(count: int, items: Sequence[object]) -> bool:
    """No pool: one process, few items, or no `fork` (Windows, macOS default)."""
    return count < 1 or len(items) < MIN_PARALLEL or "fork" not in multiprocessing.get_all_start_methods() \
        or sys.platform == "darwin"


def _spans(total: int, size: int) -> list[tuple[int, int]]:
    return [(i, min(i + size, total)) for i in range(0, total, size)]


LARGEST = 256
"""Most items in one chunk (what a chunk's results hold in memory at once)."""


def _here(task: Callable[[Sequence[T]], list[R]], items: Sequence[T], size: int) -> Iterator[R]:
    """`task` over chunks of `items` in this process: with one CPU, ten thousand articles' results
    (their pickles for the body pack among them) are never all held at once."""
    for start, stop in _spans(len(items), size):
        yield from task(items[start:stop])


def _tapering_spans(total: int, count: int, largest: int = LARGEST, smallest: int = 8) -> list[tuple[int, int]]:
    """Consecutive spans for `count` workers: up to `largest` items each, smaller towards the end
    (an eighth of what is left per worker), so that the workers finish together instead of one
    waiting for the other's last large chunk (~0.3 s of annotating)."""
    spans: list[tuple[int, int]] = []
    start = 0
    while start < total:
        size = max(smallest, min(largest, (total - start) // (count * 8)))
        spans.append((start, min(start + size, total)))
        start += size
    return spans


def weighted_spans(weights: Sequence[float], chunks: int) -> list[tuple[int, int]]:
    """Consecutive (start, stop) spans covering every item once, each of about `1/chunks` of the
    total weight (an item heavier than that is a span of its own)."""
    target = sum(weights) / max(1, chunks)
    spans: list[tuple[int, int]] = []
    start, acc = 0, 0.0
    for i, weight in enumerate(weights):
        acc += weight
        if acc >= target:
            spans.append((start, i + 1))
            start, acc = i + 1, 0.0
    if start < len(weights):
        spans.append((start, len(weights)))
    return spans


@contextmanager
def _pool(task: Callable[[Sequence[T]], list[R]], items: Sequence[T], count: int) -> Iterator[Any]:
    """A pool of `count` forked workers that run `task` on spans of `items` (see `_run_chunk`)."""
    global _TASK, _ITEMS
    previous = _TASK, _ITEMS
    _TASK, _ITEMS = task, items  # type: ignore[assignment]  # kept while the pool may fork a worker
    try:
        pool = multiprocessing.get_context("fork").Pool(count, initializer=_start_worker)
        try:
            yield pool
            pool.close()
        finally:
            reader = getattr(pool, "_result_handler", None)
            drain = None
            if reader is not None and not reader.is_alive():  # (see _Watch) results that never come:
                getattr(pool, "_cache", {}).clear()  # terminate() asserts that none are awaited,
                drain = _Drain(pool)  # and needs the result queue's lock, held by a worker blocked
            pool.terminate()          # in writing a result larger than the pipe holds
            pool.join()
            if drain is not None:
                drain.stop()
    finally:
        _TASK, _ITEMS = previous


class _Drain(threading.Thread):
    """Reads and drops what the workers of a pool whose result thread died still write, so that
    none stays blocked on a full pipe holding the result queue's lock (terminate() takes it)."""

    def __init__(self, pool: Any) -> None:
        super().__init__(name="newsgloss-drain", daemon=True)
        self._conn = pool._outqueue._reader
        self._done = threading.Event()
        self.start()

    def run(self) -> None:
        while not self._done.is_set():
            try:
                if self._conn.poll(0.05):
                    self._conn.recv_bytes()
            except (OSError, EOFError):
                return

    def stop(self) -> None:
        self._done.set()
        self.join()


LOST_CHECK = 0.5
"""Seconds between checks, while a result is awaited, that no worker was killed."""


class _Watch:
    """Results of a pool of `count` workers, awaited so that a killed worker (the out-of-memory
    killer, a signal) stops the map: the pool starts another, but the chunk it held never comes
    back, and the build would wait forever. So does a result that cannot be unpickled here: the
    pool's result thread dies of it (and prints why), and no result comes back after it."""

    def __init__(self, pool: Any, count: int) -> None:
        self._pool, self._count = pool, count
        self._seen: dict[int, Any] = {}  # every worker met so far, by pid
        self._look()

    def _look(self) -> None:
        for worker in getattr(self._pool, "_pool", ()):  # (no public list of a pool's processes)
            self._seen.setdefault(worker.pid, worker)

    def result(self, pending: Any) -> list[Any]:
        """`pending.get()`, or ChildProcessError once a worker has died."""
        while True:
            try:
                return pending.get(timeout=LOST_CHECK)  # type: ignore[no-any-return]
            except multiprocessing.TimeoutError:
                reader = getattr(self._pool, "_result_handler", None)  # the pool's thread that unpickles results
                if reader is not None and not reader.is_alive():
                    raise ChildProcessError("a result of this build's worker processes could not be read back "
                                            "(the error above says why): the build was stopped") from None
                self._look()
                if len(self._seen) > self._count or any(w.exitcode is not None for w in self._seen.values()):
                    codes = [w.exitcode for w in self._seen.values() if w.exitcode]
                    how = (f"killed by signal {-codes[0]}" if codes and codes[0] < 0 else
                           f"exit status {codes[0]}" if codes else "it ended")
                    raise ChildProcessError(f"a worker process of this build stopped before its work was "
                                            f"done ({how}; out of memory?): the build was stopped") from None


def map_chunks(task: Callable[[Sequence[T]], list[R]], items: Sequence[T], *,
               processes: int | None = None, chunk_size: int | None = None) -> Iterator[R]:
    """`task` over consecutive chunks of `items`, in forked workers; yields results in input order.

    `task` takes a chunk and returns one result per item. With one process, few items, or no
    `fork` (Windows, macOS default), it runs here, with the same results.
    """
    count = processes or workers()
    if count <= 1 or _in_this_process(count, items):
        yield from _here(task, items, chunk_size or LARGEST)
        return
    spans = _spans(len(items), chunk_size) if chunk_size else _tapering_spans(len(items), count)
    with _pool(task, items, count) as pool:
        watch = _Watch(pool, count)
        waiting: deque[Any] = deque()
        for span in spans:  # a few chunks ahead per worker: results wait in memory here
            waiting.append(pool.apply_async(_run_chunk, (span,)))
            if len(waiting) > AHEAD * count:
                yield from watch.result(waiting.popleft())
        while waiting:
            yield from watch.result(waiting.popleft())


def map_shared(task: Callable[[Sequence[T]], list[R]], items: Sequence[T], *, chunk_size: int = 4,
               processes: int | None = None, spans: list[tuple[int, int]] | None = None,
               ordered: bool = True) -> Iterator[R]:
    """Like `map_chunks`, for a caller that works on each result as it comes: the caller's process
    is one of the workers.

    Forked workers (one per CPU but one) take chunks from the front, a few ahead of the caller;
    whenever the next result is not ready yet, the caller computes the last chunk nobody has
    taken instead of waiting. Whatever the load of the machine, no CPU waits while work remains
    (chunks of about equal cost keep it so: `spans`, e.g. `weighted_spans`, replace `chunk_size`).
    With `ordered=False` the caller's own chunks are yielded as soon as they are done, so the
    work it does on them is not all left until the workers have finished.
    """
    count = (processes or workers()) - 1
    if _in_this_process(count, items):
        yield from _here(task, items, LARGEST)
        return
    spans = spans or _spans(len(items), chunk_size)
    window = AHEAD * count
    with _pool(task, items, count) as pool:
        watch = _Watch(pool, count)
        sent: dict[int, Any] = {}
        done_here: dict[int, list[R]] = {}
        front, back = 0, len(spans)  # workers take spans[front], the caller spans[back - 1]
        for k in range(len(spans)):
            while front < back and front < k + window:
                sent[front] = pool.apply_async(_run_chunk, (spans[front],))
                front += 1
            if k in done_here:
                yield from done_here.pop(k)
                continue
            pending = sent.pop(k)
            while not pending.ready() and front < back:
                back -= 1
                done = task(items[spans[back][0]:spans[back][1]])
                if ordered:
                    done_here[back] = done
                else:
                    done_here[back] = []
                    yield from done
            yield from watch.result(pending)
