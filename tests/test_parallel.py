"""Forked workers: what they inherit and how they treat it."""

from __future__ import annotations

import gc
import os

import pytest

from generator import parallel


def _collector_state(items: object) -> list[tuple[bool, int]]:
    return [(gc.isenabled(), gc.get_freeze_count()) for _ in items]  # type: ignore[attr-defined]


@pytest.mark.parametrize("mapper", [parallel.map_chunks, parallel.map_shared])
def test_workers_collect_their_own_garbage_but_never_walk_what_they_inherited(monkeypatch, mapper) -> None:  # type: ignore[no-untyped-def]
    """The build process pauses the collector; a worker turns it back on (its own cycles must be
    freed) with the parent's objects frozen (walking them cost a render worker a tenth of its time)."""
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 1)
    inherited = [[i] for i in range(10_000)]  # objects the parent holds when the pool forks
    with parallel.paused_gc():
        states = list(mapper(_collector_state, list(range(64)), processes=2, chunk_size=4))
    assert inherited
    in_workers = [s for s in states if s[0]]  # map_shared's caller runs chunks too, collector paused
    assert in_workers, states
    assert all(frozen > len(inherited) for _, frozen in in_workers)
    assert gc.get_freeze_count() == 0  # the parent's own objects are not frozen


def _slow_squares(items: object) -> list[int]:
    import time

    time.sleep(0.002)
    return [i * i for i in items]  # type: ignore[attr-defined]


@pytest.mark.parametrize("ordered", [True, False])
def test_map_shared_yields_every_result_once_in_order_or_as_done(monkeypatch, ordered: bool) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 1)
    items = list(range(500))
    got = list(parallel.map_shared(_slow_squares, items, processes=2, chunk_size=7, ordered=ordered))
    assert sorted(got) == [i * i for i in items]
    if ordered:
        assert got == [i * i for i in items]


def test_forked_workers_append_to_one_body_pack_without_overwriting_each_other(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Annotate workers write what they made into the body pack themselves: every span a worker
    is given holds exactly what it wrote there, whichever process wrote before or after it."""
    from generator.cache import BodyPack

    monkeypatch.setattr(parallel, "MIN_PARALLEL", 1)
    pack = BodyPack(tmp_path / "bodies.pack", fresh=True)
    pack.add_bytes(b"written before the workers fork")

    def store(items: object) -> list[tuple[int, int]]:
        return [pack.add_bytes(f"item {i} ".encode() * (1 + i % 50)) for i in items]  # type: ignore[attr-defined]

    items = list(range(600))
    spans = list(parallel.map_chunks(store, items, processes=2, chunk_size=7))
    spans.append(pack.add_bytes(b"written after"))
    got = [os.pread(pack._fd, length, offset) for offset, length in spans]  # noqa: SLF001
    assert got[:-1] == [f"item {i} ".encode() * (1 + i % 50) for i in items]
    assert got[-1] == b"written after"
    ends = sorted((o, o + n) for o, n in spans)
    assert all(a[1] <= b[0] for a, b in zip(ends, ends[1:]))  # no two spans overlap
    assert os.fstat(pack._fd).st_size == ends[-1][1]  # noqa: SLF001 - nothing written past the last span
    pack.close()


@pytest.mark.parametrize("mapper", [parallel.map_chunks, parallel.map_shared])
def test_one_process_works_through_a_large_site_a_chunk_at_a_time(monkeypatch, mapper) -> None:  # type: ignore[no-untyped-def]
    """With one CPU (or NEWSGLOSS_WORKERS=1) the results of ten thousand articles, their pickles
    for the body pack among them, are never all held at once (a 10,000-article load peaked at
    800 MB): the task gets chunks of at most LARGEST items, and results come in order."""
    monkeypatch.setenv("NEWSGLOSS_WORKERS", "1")
    sizes: list[int] = []

    def task(chunk):  # type: ignore[no-untyped-def]
        sizes.append(len(chunk))
        return [n * 2 for n in chunk]

    assert list(mapper(task, list(range(1000)))) == [n * 2 for n in range(1000)]
    assert max(sizes) <= parallel.LARGEST and sum(sizes) == 1000


_PARENT = os.getpid()


def _killed_in_workers(items: object) -> list[int]:
    import signal

    if os.getpid() != _PARENT:  # a forked worker dies as the out-of-memory killer would end it
        os.kill(os.getpid(), signal.SIGKILL)
    return [0 for _ in items]  # type: ignore[attr-defined]


def _stops_with(error: str, mapper, task) -> None:  # type: ignore[no-untyped-def]
    """The map of `task` over 200 items in 2 processes raises ChildProcessError matching `error`
    (within a minute: a wait for ever fails the test)."""
    import signal

    def hung(*_: object) -> None:
        raise TimeoutError(f"the map waited instead of stopping with: {error}")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)
    try:
        with pytest.raises(ChildProcessError, match=error):
            list(mapper(task, list(range(200)), processes=2, chunk_size=8))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("mapper", [parallel.map_chunks, parallel.map_shared])
def test_a_killed_worker_stops_the_map_with_an_error_instead_of_a_wait_forever(monkeypatch, mapper) -> None:  # type: ignore[no-untyped-def]
    """The pool replaces a killed worker, but the chunk it held never comes back: the build
    waited for it forever. Now it stops with an error that says what happened."""
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 1)
    _stops_with("killed by signal 9", mapper, _killed_in_workers)


class _Unreadable:
    """A result that pickles in the worker but whose unpickling fails in the build process (as a
    class with a mismatched constructor or state does), with `size` bytes of payload."""

    def __init__(self, size: int) -> None:
        self.payload = b"x" * size

    def __reduce__(self) -> tuple[object, tuple[bytes]]:
        return _fails_to_unpickle, (self.payload,)


def _fails_to_unpickle(_: bytes) -> None:
    raise TypeError("this result cannot be read back")


def _unreadable_in_workers(items: object) -> list[object]:
    if os.getpid() != _PARENT:
        return [_Unreadable(_PAYLOAD["size"]) for _ in items]  # type: ignore[attr-defined]
    return list(items)  # type: ignore[call-overload]


_PAYLOAD = {"size": 0}


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")  # the pool's thread dies
@pytest.mark.parametrize("size", [10, 200_000])  # small results; results larger than a pipe holds
@pytest.mark.parametrize("mapper", [parallel.map_chunks, parallel.map_shared])
def test_a_result_that_cannot_be_read_back_stops_the_map_instead_of_a_wait_forever(monkeypatch, mapper, size) -> None:  # type: ignore[no-untyped-def]
    """multiprocessing's result thread dies when a result fails to unpickle, and every result
    after it is lost: the build waited forever. Now it stops with an error, also when workers
    are blocked writing results nobody reads (while holding the lock the pool's shutdown needs)."""
    monkeypatch.setattr(parallel, "MIN_PARALLEL", 1)
    monkeypatch.setitem(_PAYLOAD, "size", size)
    _stops_with("could not be read back", mapper, _unreadable_in_workers)


def test_every_dataclass_of_a_compiled_module_pickles_through_its_constructor() -> None:
    """A frozen dataclass compiled by mypyc does not survive the default pickling (its unpickling
    assigns to frozen fields): worker results and the state file carry them, so each is pickled
    as (class, field values) (`cache._fast_pickling`)."""
    import copyreg
    import dataclasses
    import importlib

    from conftest import COMPILED_MODULES

    importlib.import_module("generator.cache")  # registers the reducers
    found = []
    for name in COMPILED_MODULES:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == name:
                found.append(f"{name}.{attr}")
                assert value in copyreg.dispatch_table, f"{name}.{attr} is not in cache._register()"
    assert "generator.model.Quote" in found
