"""The build cache in the git-ignored `.newsgloss/` folder: input fingerprint -> last build's record.

A build whose inputs (site.yaml, content/, seeds/, themes/, the generator's own code and the
effective configuration) are unchanged since the last successful build, and whose output folder
is still the one that build wrote, has nothing to do. A cache that is missing, corrupt or written
by another version is ignored: the build then simply does all the work.
"""

from __future__ import annotations

import copyreg
import dataclasses
import errno
import hashlib
import os
import pickle
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks
    fcntl = None  # type: ignore[assignment]

from generator import __version__
from generator.config import SiteConfig
from generator.parallel import paused_gc

CACHE_DIR = ".newsgloss"
FORMAT = 9
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


RACY = "racy:"
UNSETTLED = "unsettled"
"""The fingerprint recorded when the inputs may have changed while a build read them: it matches
no fingerprint (the next build does the work), but the record still names the output it wrote."""
RACY_NS = 3_000_000_000
"""Files changed this recently may change again within the file system's timestamp granularity."""


def _scan(root: Path, digest: Any, newest: list[int], skip_hidden: bool = True,
          stats: dict[str, tuple[int, int, int]] | None = None) -> None:
    """Feed every file under `root` (path, size, mtime, inode) into `digest`, in a fixed order
    (and into `stats`, by path, when given)."""
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
            _scan(Path(entry.path), digest, newest, skip_hidden, stats)
        else:
            try:
                st = entry.stat()
            except OSError:
                continue
            digest.update(f"f {entry.name} {st.st_size} {st.st_mtime_ns} {st.st_ino}\n".encode())
            if stats is not None:
                stats[entry.path] = (st.st_size, st.st_mtime_ns, st.st_ino)
            newest[0] = max(newest[0], st.st_mtime_ns)


def code_dirs() -> tuple[Path, ...]:
    """The generator's own code and bundled theme: a change there must rebuild everything."""
    from generator.theme import bundled_theme_dir

    return Path(__file__).resolve().parent, bundled_theme_dir()


def fingerprint(cfg: SiteConfig, stats: dict[str, tuple[int, int, int]] | None = None,
                newest: list[int] | None = None) -> str:
    """Digest of all inputs of a build, from file metadata only (no file is read).

    `stats`, when given, receives (size, mtime_ns, inode) of every file under content/, by path:
    the build reuses them instead of asking the file system again; `newest[0]` receives the
    newest mtime of all inputs.

    As git does with its index, a file modified in the last few seconds is "racy": a second edit
    within the same timestamp tick could keep size and mtime, so such a fingerprint is marked
    (it starts with RACY) and never matches: the next build does the work instead of trusting it.
    """
    digest = hashlib.blake2b(digest_size=20)
    newest = newest if newest is not None else [0]
    newest[0] = 0
    digest.update(f"{FORMAT} {__version__} {cfg!r}\n".encode())
    for name in ("site.yaml",):
        path = cfg.site_dir / name
        try:
            st = path.stat()
            digest.update(f"{name} {st.st_size} {st.st_mtime_ns} {st.st_ino}\n".encode())
            newest[0] = max(newest[0], st.st_mtime_ns)
        except OSError:
            digest.update(f"-{name}\n".encode())
    for folder in (cfg.content_dir, cfg.seeds_dir, cfg.site_dir / "themes", *code_dirs()):
        digest.update(f"# {folder.name}\n".encode())
        _scan(folder, digest, newest, stats=stats if folder == cfg.content_dir else None)
    if time.time_ns() - newest[0] < RACY_NS:
        return RACY + digest.hexdigest()
    return digest.hexdigest()


def output_stamp(output: Path) -> tuple[int, int, int, int] | None:
    """Identity of a built output folder: its manifest file's device, inode, size and mtime."""
    from generator.writer import MANIFEST

    try:
        st = (output / MANIFEST).stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


@contextmanager
def site_lock(site_dir: Path, log: Callable[[str], None]) -> Iterator[None]:
    """Hold a lock on the site folder while a build runs: two builds of one site (a `serve` and a
    `build`) take turns, since each appends to `.newsgloss/`'s body pack, drops the packs its
    state does not name, and truncates the pack it found when it fails.

    The lock is on the folder itself, so nothing is written to take it; a file system without
    locks builds as before.
    """
    fd = _locked(site_dir, log)
    try:
        yield
    finally:
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)  # now, whatever forked child still holds a copy of `fd`
            os.close(fd)


def _locked(site_dir: Path, log: Callable[[str], None]) -> int | None:
    if fcntl is None:  # pragma: no cover - Windows
        return None
    try:
        fd = os.open(site_dir, os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return fd
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            log(f"another build of {site_dir} is running: waiting for it to finish")
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                return fd
            except BaseException:
                os.close(fd)
                raise
        os.close(fd)
        return None


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
    return (record is not None and not print_.startswith(RACY) and record.fingerprint == print_
            and output_stamp(cfg.output_dir) == record.output)


def settled(cfg: SiteConfig, before: str, newest: int = 0) -> str | None:
    """The fingerprint to record after a build that started with `before`, or None to record none.

    A racy start is checked again now: if nothing changed meanwhile and nothing is racy any more,
    the inputs the build read are the ones on disk. While the newest input the build started with
    (`newest`, its mtime) is still racy, the check cannot succeed: it is not made.
    """
    if not before.startswith(RACY):
        return before
    if time.time_ns() - newest < RACY_NS:
        return None
    after = fingerprint(cfg)
    return after if after == before[len(RACY):] else None


@dataclass(frozen=True, slots=True)
class CachedFile:
    """An article file as the last build read it."""

    stat: tuple[int, int, int]
    """(size, mtime_ns, inode): when these match, the file is not read again."""
    sha: str
    """Digest of its bytes."""
    article: Any
    """The Article loaded from it (None when it had errors)."""
    problems: tuple[Any, ...]
    """Problems found loading it."""
    front: str = ""
    """Digest of the article without its body text: what lists and neighbours show of it."""


@dataclass(frozen=True, slots=True)
class CachedBody:
    """An annotated article body: its mentions in memory, its HTML in the body pack."""

    sha: str
    """Digest of the article file it was made from."""
    mentions: tuple[int, int]
    """(offset, length) in the pack of its sentences and quotes, pickled as plain tuples (incremental.Sentences)
    one entity at a time (`parts`), read only for the entity pages rendered."""
    keys: tuple[str, ...]
    """Its entity keys (front matter, then links)."""
    counts: tuple[tuple[str, int], ...]
    """Entity key -> times named in it, in order of first mention."""
    span: tuple[int, int]
    """(offset, length) of the pickled AnnotatedBody in the pack."""
    linked: tuple[str, ...] = ()
    """Entity keys linked in the body (for the drift check, without reading the pack)."""
    problems: tuple[Any, ...] = ()
    """Problems annotation found (shown again on every build until fixed)."""
    drift: tuple[Any, ...] = ()
    """Warnings where its front matter and body links disagree."""
    quoted: tuple[str, ...] = ()
    """Entity keys of the actors quoted in it."""
    links: tuple[tuple[str, str, int], ...] = ()
    """(link, target, line) of its relative links (linkcheck.link_targets), checked against every build."""
    export: tuple[int, int] = (0, 0)
    """(offset, length) of its pickled rows of the mentions export (export.article_rows) in the pack."""
    export_sha: str = ""
    """Digest of those rows (the export is written again only when one of them changed)."""
    said: str = ""
    """Digest of its sentences and quotes (what entity pages show of its body)."""
    parts: tuple[int, ...] = ()
    """Sizes of the pickles at `mentions`, one per entity (incremental.part_keys): an entity page
    reads its own sentences only."""


@dataclass(frozen=True, slots=True)
class SiteState:
    """What an incremental build needs from the last one (`.newsgloss/state.pickle`)."""

    key: str
    """Digest of everything every page shares: code, theme, configuration, entity registry."""
    files: dict[str, CachedFile]
    """Article path (`content/articles/x.md`) -> the file as last read."""
    bodies: dict[str, CachedBody]
    """Article slug -> its annotated body."""
    pack: str
    """File name of the body pack (in `.newsgloss/`)."""
    pages: dict[str, str]
    """Output path -> digest of what it shows (deps.page_digests)."""
    listing: tuple[str, ...]
    """Every file of the output, sorted."""
    token: str = ""
    """Names the state file it was loaded from (journal records name it too); "" for a new state."""
    changes: int = 0
    """Entries changed by the journal records applied on loading."""
    entities: tuple[int, int] = (0, 0)
    """(offset, length) in the pack of the pickled annotated bodies of the registry (entity key ->
    AnnotatedBody), which depend only on what the site key covers; (0, 0) when none."""


def _fast_pickling(*classes: type) -> None:
    """Pickle frozen dataclasses as (class, field values): ~5x faster both ways than the default
    (which calls dataclasses.fields() for every object), for the state file and worker results."""
    for cls in classes:
        if not all(f.init for f in dataclasses.fields(cls)):
            continue  # cannot be rebuilt from its constructor: keep the default
        copyreg.pickle(cls, _reducer(tuple(f.name for f in dataclasses.fields(cls))))


def _reducer(names: tuple[str, ...]) -> Callable[[Any], tuple[type, tuple[Any, ...]]]:
    def reduce(obj: Any) -> tuple[type, tuple[Any, ...]]:
        return type(obj), tuple(getattr(obj, n) for n in names)
    return reduce


JOURNAL_SHARE = 0.2
"""The journal of changes is folded into a new state file once it holds this share of the entries."""


def load_state(cfg: SiteConfig) -> SiteState | None:
    """The last build's state, or None when absent, damaged or from another version.

    The state file is the state of some build; `state.journal` holds what each later build
    changed, applied in order (a damaged record and those after it are ignored: the cache then
    knows less, and the build redoes that work).
    """
    folder = cfg.site_dir / CACHE_DIR
    try:
        with open(folder / "state.pickle", "rb") as handle:
            header = pickle.load(handle)
            if header[:2] != (FORMAT, __version__):
                return None
            with paused_gc():  # hundreds of thousands of kept objects: the collector only walked them
                state = pickle.load(handle)
    except Exception:  # noqa: BLE001 - any damage means "no cache"
        return None
    if not isinstance(state, SiteState):
        return None
    token, changes = header[2], 0
    files, bodies, pages, listing, key, pack = dict(state.files), dict(state.bodies), dict(state.pages), \
        state.listing, state.key, state.pack
    entities = state.entities
    try:
        with open(folder / "state.journal", "rb") as handle:
            while True:
                record = pickle.load(handle)
                if record[0] != token:
                    break
                _, key, pack, files_changed, bodies_changed, pages_changed, new_listing, entities = record
                for target, changed in ((files, files_changed), (bodies, bodies_changed), (pages, pages_changed)):
                    for name, value in changed.items():
                        if value is None:
                            target.pop(name, None)
                        else:
                            target[name] = value
                    changes += len(changed)
                listing = new_listing if new_listing is not None else listing
    except Exception:  # noqa: BLE001 - the end of the journal, or a record cut short by a crash
        pass
    state = SiteState(key, files, bodies, pack, pages, listing, token, changes, entities)
    return state if (folder / state.pack).is_file() else None


def _changed(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Entries of `new` that are not the very objects of `old`, and None for those it dropped."""
    out: dict[str, Any] = {k: v for k, v in new.items() if old.get(k) is not v and old.get(k) != v}
    out.update((k, None) for k in old.keys() - new.keys())
    return out


def save_state(cfg: SiteConfig, state: SiteState, last: SiteState | None = None) -> None:
    """Record `state` for the next build: as a journal record of what changed since `last` (the
    state this build loaded) while that is cheap, else as a new state file; then drop body packs
    the state no longer names."""
    folder = cfg.site_dir / CACHE_DIR
    try:
        if last is not None and last.token and (folder / "state.pickle").is_file():
            changes = [_changed(last.files, state.files), _changed(last.bodies, state.bodies),
                       _changed(last.pages, state.pages)]
            total = last.changes + sum(map(len, changes))
            if total <= JOURNAL_SHARE * max(1, len(state.files) + len(state.bodies) + len(state.pages)):
                record = (last.token, state.key, state.pack, *changes,
                          state.listing if state.listing != last.listing else None, state.entities)
                with open(folder / "state.journal", "ab") as handle:
                    handle.write(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
                _drop_packs(folder, state.pack)
                return
        tmp = folder / f".state.{os.getpid()}.tmp"
        with open(tmp, "wb") as handle:
            pickle.dump((FORMAT, __version__, f"{time.time_ns()}-{os.getpid()}"), handle,
                        protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(dataclasses.replace(state, token="", changes=0), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / "state.pickle")  # a new token: the old journal no longer applies
        (folder / "state.journal").unlink(missing_ok=True)
        _drop_packs(folder, state.pack)
    except OSError:
        pass


def _drop_packs(folder: Path, keep: str) -> None:
    for old in folder.glob("bodies-*.pack"):
        if old.name != keep:
            old.unlink()


class BodyPack:
    """Append-only file of pickled AnnotatedBodies; read back one at a time, by (offset, length).

    Readers use `os.pread`, so forked workers can share the open file. Forked workers also append
    (an annotate worker stores what it made itself: ~35 KB an article that would otherwise cross
    a pipe to this process): each writer reserves its span by extending the file under a POSIX
    record lock (one per process, so forked workers exclude each other; no semaphore or shared
    memory needed), then writes there, so no two writes overlap.
    """

    def __init__(self, path: Path, fresh: bool) -> None:
        self._made_folder = not path.parent.is_dir()
        path.parent.mkdir(exist_ok=True)
        self._made_file = fresh or not path.exists()
        self.path = path
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT | (os.O_TRUNC if fresh else 0), 0o644)
        self._start = os.fstat(self._fd).st_size

    def discard(self) -> None:
        """Undo this build's additions (a failed build leaves the cache as it found it)."""
        try:
            if self._made_file:
                self.path.unlink(missing_ok=True)
                if self._made_folder:
                    self.path.parent.rmdir()
            else:
                os.ftruncate(self._fd, self._start)
        except OSError:
            pass

    def add(self, body: Any) -> tuple[int, int]:
        return self.add_bytes(pickle.dumps(body, protocol=pickle.HIGHEST_PROTOCOL))

    def add_bytes(self, data: bytes) -> tuple[int, int]:
        """Append something pickled already (from this process or a forked worker); return its
        (offset, length)."""
        view, done = memoryview(data), 0
        try:
            offset = self._reserve(len(data))
            while done < len(data):  # a short write (a full disk) goes on where it stopped, or fails
                written = os.pwrite(self._fd, view[done:], offset + done)
                if written == 0:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                done += written
        except OSError as exc:  # named: the build's error line says which file could not be written
            raise OSError(exc.errno, exc.strerror, str(self.path)) from None
        return offset, len(data)

    def _reserve(self, size: int) -> int:
        """The offset of `size` bytes at the end of the pack, which no other writer will get."""
        if fcntl is not None:
            fcntl.lockf(self._fd, fcntl.LOCK_EX)
        try:
            offset = os.fstat(self._fd).st_size  # the end of every span reserved so far
            os.ftruncate(self._fd, offset + size)
        finally:
            if fcntl is not None:
                fcntl.lockf(self._fd, fcntl.LOCK_UN)
        return offset

    def get(self, span: tuple[int, int]) -> Any:
        return pickle.loads(os.pread(self._fd, span[1], span[0]))

    def close(self) -> None:
        os.close(self._fd)


def new_pack_name() -> str:
    """A fresh body pack name (a full build starts a new pack; the old one goes with the old state)."""
    return f"bodies-{time.time_ns()}-{os.getpid()}.pack"


def file_stat(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns, st.st_ino


def sha_of(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def _register() -> None:
    from generator.content import Article, Entity, MarkdownSource
    from generator.errors import Problem
    from generator.markdown import AnnotatedBody, Paragraph
    from generator.model import ArticleMention, ArticleMentions, Forms, MentionIndex, Quote, Site
    from generator.quotes import FoundQuote

    # Every dataclass of a module that mypyc compiles (pyproject's [tool.newsgloss] compiled) must
    # be here: a compiled frozen dataclass does not survive the default pickling (its unpickling
    # assigns to frozen fields), and worker results and the state file carry them.
    _fast_pickling(Article, Entity, MarkdownSource, Problem, AnnotatedBody, Paragraph, ArticleMention,
                   ArticleMentions, Quote, MentionIndex, Forms, Site, FoundQuote,
                   CachedFile, CachedBody, SiteState, BuildRecord)


_register()
