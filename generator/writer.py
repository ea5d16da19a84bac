"""Stage 6: RenderedFile stream -> output/, staged beside it and swapped in whole (SPEC §7.1, §7.2)."""

from __future__ import annotations

import errno
import json
import os
import shutil
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable, Iterator

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

from generator.errors import UsageProblem
from generator.render import RenderedFile

MANIFEST = ".newsgloss-manifest.json"
PROTECTED = ("content", "seeds", "themes")
KEPT_DIRS = frozenset({"pagefind"})
"""Folders at the top of output/ that other tools write (a search index); not newsgloss's files."""
OS_JUNK = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
"""Files an operating system drops into folders a user browses."""


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


def _spare(output: Path) -> Path:
    return output.with_name(f".{output.name}.spare")


def _twin(output: Path) -> Path:
    return output.with_name(f".{output.name}.spare-new")


def _manifest_ok(folder: Path) -> bool:
    """True when `folder` holds a manifest newsgloss wrote (the mark of a folder it made)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(data, dict) and data.get("generator") == "newsgloss"


def _ours(folder: Path) -> bool:
    """A folder newsgloss may delete: a real folder that holds its manifest, or an empty one."""
    if folder.is_symlink() or not folder.is_dir():
        return False
    return _manifest_ok(folder) or not any(folder.iterdir())


def _listed(folder: Path) -> set[str]:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return {str(f) for f in data.get("files", ())}
    except (OSError, UnicodeDecodeError, ValueError, AttributeError, TypeError):
        return set()


def foreign_files(output: Path) -> list[str]:
    """Files in a built output folder that its manifest does not list (someone else put them there)."""
    listed = _listed(output) | {MANIFEST}
    found: list[str] = []

    def walk(folder: str, prefix: str) -> None:  # os.scandir with plain strings: ~10,000 folders per build
        with os.scandir(folder) as entries:
            for entry in entries:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    if not (prefix == "" and entry.name in KEPT_DIRS):
                        walk(entry.path, rel + "/")
                elif rel not in listed and entry.name not in OS_JUNK:
                    found.append(rel)

    walk(str(output), "")
    return sorted(found)


class ForeignWalk:
    """`foreign_files(output)`, walked by a forked child while the build goes on (ten thousand
    folders take a tenth of a second, mostly in system calls); `result()` waits for it."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self._found: list[str] | None = None
        self._child: tuple[int, int] | None = None
        if not output.is_dir() or not hasattr(os, "fork"):
            return
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # pragma: no cover - the child: walk, report, leave without running any cleanup
            status = 1
            try:
                os.close(read)
                data = json.dumps(foreign_files(output)).encode("utf-8")
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(data)
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        self._child = (pid, read)

    def result(self) -> list[str]:
        """The files found; walked here if the child could not do it."""
        if self._found is None and self._child is not None:
            pid, read = self._child
            self._child = None
            with os.fdopen(read, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(pid, 0)
            if status == 0:
                try:
                    self._found = [str(f) for f in json.loads(data)]
                except ValueError:
                    pass
        if self._found is None:
            self._found = foreign_files(self.output) if self.output.is_dir() else []
        return self._found

    def close(self) -> None:
        """Wait for the walking child, if any; nothing is walked here (a clean build's output
        appears only at its end: walking it then cost a second at 10,000 articles)."""
        if self._child is not None:
            pid, read = self._child
            self._child = None
            os.close(read)
            os.waitpid(pid, 0)


def _refusal(output: Path, site: Path) -> str | None:
    home = Path(os.path.abspath(Path.home()))
    if output == Path(output.anchor):
        return "it is the file-system root"
    if output == home or output in home.parents:
        return "it is your home folder or above it"
    if output == site or output in site.parents:
        return "it is the site folder or a folder above it"
    if output.name in PROTECTED:
        return f"it is a {output.name}/ folder"
    if any((site / name) == parent for name in PROTECTED for parent in output.parents):
        return "it is inside the site's content, seeds or themes folder"
    return None


def check_output_dir(output: Path, site_dir: Path, foreign: bool | ForeignWalk = True) -> None:
    """Refuse output folders that a build must never replace (raises UsageProblem).

    The checks run on the path as given and on the path with symbolic links resolved, so a link
    cannot smuggle the site folder, the home folder or `/` in as an output folder. With
    `foreign=False` the folder's files are not walked (`write_site` walks them, under its lock).
    """
    output = Path(os.path.abspath(output))
    site = Path(os.path.abspath(site_dir))
    reason = _refusal(output, site) or _refusal(Path(os.path.realpath(output)), Path(os.path.realpath(site)))
    if reason is None:
        if output.is_symlink():
            reason = "it is a symbolic link"
        elif output.exists() and not output.is_dir():
            reason = "it is a file"
        elif output.is_dir() and any(output.iterdir()) and not _manifest_ok(output):
            reason = f"it is not empty and was not made by newsgloss (no {MANIFEST})"
        elif foreign and output.is_dir() and (found := (foreign.result() if isinstance(foreign, ForeignWalk)
                                                        else foreign_files(output))):
            shown = ", ".join(found[:5]) + (f" and {len(found) - 5} more" if len(found) > 5 else "")
            reason = (f"it holds files newsgloss did not write ({shown}), which a build would delete; "
                      f"move them away (files to publish belong in the theme's static/ folder)")
    if reason is None:
        for leftover in (_staging(output), _set_aside(output)):
            if (leftover.exists() or leftover.is_symlink()) and not _ours(leftover):
                reason = f"{leftover} is in the way and was not made by newsgloss; move it away"
    if reason:
        raise UsageProblem(f"refusing to write the site into {output}: {reason}")


def _remove(folder: Path) -> None:
    """Delete a folder newsgloss made, its manifest last, so a kill midway leaves it recognisable."""
    for child in sorted(folder.iterdir()):
        if child.name == MANIFEST:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    (folder / MANIFEST).unlink(missing_ok=True)
    folder.rmdir()


def recover(output: Path) -> None:
    """Undo what an interrupted build left: restore a set-aside output, drop a staging folder, and
    finish removing old sites whose background removal was stopped (`.output.trash-<pid>`).

    Only folders that carry newsgloss's manifest (or are empty) are touched.
    """
    old, staging = _set_aside(output), _staging(output)
    if _ours(old):
        if not output.exists() and not output.is_symlink():
            old.rename(output)
        else:
            _remove(old)
    if _ours(staging):
        _remove(staging)
    if _ours(_twin(output)):  # a spare a kill stopped while its first build was being written
        _remove(_twin(output))
    spare = _spare(output)
    if spare.is_dir() and not spare.is_symlink() and not any(spare.iterdir()):
        spare.rmdir()  # a spare a kill left before it had its manifest
    for folder in (spare, _twin(output)):
        for tmp in output.parent.glob(f"{folder.name}.manifest-*.tmp"):
            tmp.unlink(missing_ok=True)
    for trash in output.parent.glob(f".{output.name}.trash-*"):
        pid = trash.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)) and _ours(trash):
            _remove(trash)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


LARGE_OUTPUT = 2000
"""An old site with more files than this is not deleted after the switch: it is kept beside the
output as `.output.spare`, which the next build renames to its staging folder and updates (only
the files that differ), instead of making ten thousand folders and deleting as many, which takes
seconds on some disks. If the spare's name is taken, a background process removes the old site."""

_REMOVER = """
import os, shutil, sys
old, manifest = sys.argv[1], sys.argv[2]
trash = os.path.join(os.path.dirname(old), os.path.basename(old).replace(".old", ".trash-", 1) + str(os.getpid()))
try:
    os.rename(old, trash)  # a name of its own: the next build leaves it alone while this process runs
    for name in sorted(os.listdir(trash)):  # as writer._remove: the manifest last
        path = os.path.join(trash, name)
        if name != manifest:
            shutil.rmtree(path) if os.path.isdir(path) and not os.path.islink(path) else os.unlink(path)
    os.unlink(os.path.join(trash, manifest))
    os.rmdir(trash)
except OSError:
    pass  # gone already, or half removed: the next build's recover() finishes it
"""


_REMOVERS: list[int] = []
"""Background removers this process started (reaped by the next build, so none lingers as a zombie)."""


def _remove_later(old: Path) -> bool:
    """Start removing `old` in a background process; False if none could be started."""
    for pid in list(_REMOVERS):
        try:
            if os.waitpid(pid, os.WNOHANG)[0]:
                _REMOVERS.remove(pid)
        except ChildProcessError:
            _REMOVERS.remove(pid)
    quiet = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_RDWR, 0) for fd in (0, 1, 2)]
    try:
        _REMOVERS.append(os.posix_spawn(sys.executable, [sys.executable, "-I", "-c", _REMOVER, str(old), MANIFEST],
                                        os.environ, file_actions=quiet, setsid=True))
    except (OSError, AttributeError):  # no posix_spawn (Windows): remove it here
        return False
    return True


def _unsafe(rel: str) -> bool:
    """Not a plain relative path of a file inside output/ (or the manifest's own name)."""
    return (not rel or rel == MANIFEST or rel[0] == "/" or "\\" in rel or "\x00" in rel
            or any(p in ("", ".", "..") for p in rel.split("/")))


def _target(root: Path, rel: PurePosixPath) -> Path:
    if _unsafe(str(rel)):
        raise OutputError(f"unsafe output path {str(rel)!r}")
    return root.joinpath(*rel.parts)


def place(output: Path, rel: PurePosixPath, data: bytes) -> None:
    """Write one rendered file straight into its place in the staging folder of `output`, which
    `write_site` has made (it then takes a `RenderedFile(rel, placed=True)` as written).

    Render processes call it, each writing its share, so no page goes through a scratch folder
    and a rename by the writer. A file of a reused spare may be a hard link to the live output's:
    it is replaced, never written in place.
    """
    path = _target(_staging(Path(os.path.abspath(output))), rel)
    try:
        _create(path, data)
    except FileNotFoundError:  # its folder is not made yet (another process may be making it)
        path.parent.mkdir(parents=True, exist_ok=True)
        _create(path, data)
    except FileExistsError:  # in a reused spare
        os.unlink(path)
        _create(path, data)


def _create(path: Path, data: bytes) -> None:
    """Write a new file; its error (a full disk) names it, which a write's own error does not."""
    try:
        with open(path, "xb") as handle:
            handle.write(data)
    except OSError as exc:  # OSError(errno, …) is FileNotFoundError, FileExistsError … again
        raise OSError(exc.errno, exc.strerror, exc.filename or str(path)) from None


def _move(source: Path, path: Path) -> None:
    """Take over a scratch file rendered by a worker (a rename on the same file system)."""
    try:
        os.rename(source, path)
    except OSError:
        shutil.copyfile(source, path)
        os.unlink(source)


def _link(source: Path | str, path: Path | str) -> bool:
    """Stage an unchanged file of the previous output as a hard link (a copy across file systems:
    then False)."""
    try:
        os.link(source, path)
    except OSError:
        shutil.copyfile(source, path)
        return False
    return True


@dataclass(slots=True)
class _Filled:
    """What `_fill` wrote: every file, and those that are not hard links to the live output's."""

    written: list[str]
    fresh: list[str]


class _Twin:
    """The spare of a large first build, made while its staging folder fills: each file is
    hard-linked into `.output.spare-new` as it is placed (see `swap`), instead of after the
    switch, when nothing else is left to do (ten thousand folders and links: 1.5-2 s).

    It starts once the build has more files than LARGE_OUTPUT, catching up on those placed
    before. Its manifest, listing nothing, is written first, so a kill leaves a folder that
    `recover` knows as newsgloss's and removes. Any failure just drops it (`refresh_spare` then
    makes the spare as before).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.ok = True
        self._made = False
        self._waiting: list[str] | None = []
        self._folders: set[str] = {""}

    def add(self, staging: str, rel: str) -> None:
        if not self.ok:
            return
        rels = [rel]
        if self._waiting is not None:
            self._waiting.append(rel)
            if len(self._waiting) <= LARGE_OUTPUT:
                return
            rels, self._waiting = self._waiting, None
        try:
            if not self._made:
                self.root.mkdir()
                self._made = True
                _write_manifest(self.root, ())
            for one in rels:
                folder = one.rpartition("/")[0]
                if folder not in self._folders:
                    os.makedirs(f"{self.root}/{folder}", exist_ok=True)
                    self._folders.add(folder)
                os.link(f"{staging}/{one}", f"{self.root}/{one}")
        except OSError:
            self.ok = False
            self.discard()  # its folders take room (a full disk): the site itself comes first

    def finish(self, spare: Path, files: list[str]) -> bool:
        """Make it the spare, holding `files`; False when it cannot be (then nothing is left of it)."""
        if self.ok and self._made:
            try:
                _write_manifest(self.root, files)
                (self.root / SPARE_NOTE).write_text(json.dumps({"differs": []}), encoding="utf-8")
                self.root.rename(spare)
                self._made = False  # it is the spare now
                return True
            except OSError:
                pass
        self.discard()
        return False

    def discard(self) -> None:
        """Remove it, its manifest last (a kill midway leaves a folder `recover` knows)."""
        if self._made:
            self._made = False
            try:
                _remove(self.root)
            except OSError:
                pass  # the next build's recover() removes what is left


def _fill(staging: Path, files: Iterable[RenderedFile], present: set[str] | None = None,
          unchanged: Iterable[str] = (), live: Path | None = None, differs: set[str] | None = None,
          twin: _Twin | None = None) -> _Filled:
    """Write `files` into `staging`, then hard-link the `unchanged` files from the `live` output;
    with `present` (the files a reused spare holds), replace those.

    A file in a spare may be a hard link to the same file in the live output, so it is never
    written in place: it is unlinked first (or kept, when it is the very file to be linked:
    when `differs`, the files the spare and the live output do not share, is known, without a stat).
    """
    done = _Filled([], [])
    seen: set[str] = set()
    made: set[Path] = {staging}
    folders = {f.rpartition("/")[0] or "." for f in present} if present else set()
    for item in files:
        rel = str(item.path)
        if rel in seen:
            raise OutputError(f"two items would both be written to {rel}")
        seen.add(rel)
        done.written.append(rel)
        # a file a render process wrote there already (`place`, which checked its path) is fresh
        linked = False if item.placed else _stage(item, _target(staging, item.path), present, made, folders)
        if linked is None:
            continue  # the spare holds this very file already
        if not linked:
            done.fresh.append(rel)
        if twin is not None:
            twin.add(str(staging), rel)
    if live is not None:
        _fill_unchanged(str(staging), str(live), unchanged, present, differs, seen, done, twin)
    return done


def _stage(item: RenderedFile, path: Path, present: set[str] | None, made: set[Path], folders: set[str]) -> bool | None:
    """Put one file at `path` in the staging folder: True when it is a hard link to the live
    output's, None when a reused spare holds that very file already."""
    if path.parent not in made:
        if str(item.path.parent) not in folders:
            path.parent.mkdir(parents=True, exist_ok=True)
        made.add(path.parent)
    if present is not None and str(item.path) in present:
        if item.source is not None and item.link and _same_file(item.source, path):
            return None
        _unlink(str(path))
    try:
        return _put(item, path)
    except FileNotFoundError:  # its folder is gone from a spare a kill left half-made
        path.parent.mkdir(parents=True, exist_ok=True)
        return _put(item, path)


def _put(item: RenderedFile, path: Path) -> bool:
    """Create one file of the staging folder; True when it is a hard link to the live output's."""
    if item.source is not None and item.move:
        _move(item.source, path)
    elif item.source is not None and item.link:
        return _link(item.source, path)
    elif item.source is not None:
        shutil.copyfile(item.source, path)
    else:
        _create(path, item.data or b"")
    return False


def _fill_unchanged(staging: str, live: str, unchanged: Iterable[str], present: set[str] | None,
                    differs: set[str] | None, seen: set[str], done: _Filled, twin: _Twin | None = None) -> None:
    """Hard-link files of the live output into the staging folder (plain strings: ten thousand a build)."""
    made: set[str] = set()
    for rel in unchanged:
        if rel in seen:
            raise OutputError(f"two items would both be written to {rel}")
        if _unsafe(rel):
            raise OutputError(f"unsafe output path {rel!r}")
        done.written.append(rel)
        source, path = f"{live}/{rel}", f"{staging}/{rel}"
        if present is not None and rel in present:
            if (rel not in differs) if differs is not None else _same_file(source, path):
                continue  # the spare holds this very file already
            _unlink(path)
        else:
            folder = path.rpartition("/")[0]
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
        if not _link_into(source, path):
            done.fresh.append(rel)
        if twin is not None:
            twin.add(staging, rel)


def _same_file(a: Path | str, b: Path | str) -> bool:
    try:
        return os.path.samestat(os.stat(a), os.stat(b))
    except OSError:
        return False


def _prune(staging: Path, stale: Iterable[str]) -> None:
    """Delete files a reused spare holds that this build does not write, and folders left empty."""
    folders: set[Path] = set()
    for rel in stale:
        path = _target(staging, PurePosixPath(rel))
        path.unlink(missing_ok=True)
        folders.update(p for p in path.parents if p != staging and staging in p.parents)
    for folder in sorted(folders, key=lambda p: -len(p.parts)):
        try:
            folder.rmdir()
        except OSError:
            pass  # not empty


def _manifest(files: Iterable[str]) -> str:
    # The search index's file names change from build to build; listing them would make the
    # manifest the one file besides pagefind/ that differs (SPEC §6: byte-identical output).
    ours = sorted(f for f in files if f.split("/", 1)[0] not in KEPT_DIRS)
    return json.dumps({"generator": "newsgloss", "files": ours}, indent=0) + "\n"


def manifest_text(files: Iterable[str]) -> str:
    """The manifest newsgloss leaves in every output folder (incremental builds rewrite it too)."""
    return _manifest(files)


def _cannot_write(exc: OSError, output: Path) -> OutputError:
    why = os.strerror(exc.errno) if exc.errno else str(exc)
    where = f" ({exc.filename})" if exc.filename else ""
    return OutputError(f"cannot write the site{where}: {why}; {output} was left as it was")


def write_site(files: Iterable[RenderedFile], output: Path, site_dir: Path,
               verify: Callable[[list[str]], None] | None = None, unchanged: Iterable[str] = (),
               foreign: ForeignWalk | None = None) -> WriteReport:
    """Write every file into a staging folder, then switch it in place of `output` atomically.

    `unchanged` names files (paths inside output/, after the `files`) that are the same as in the
    current output: they are staged as hard links to them. `foreign`, a walk of `output` started
    earlier, stands for walking it here.
    `verify`, given the list of files written, may raise to stop the switch.
    On any failure (an exception from the file stream, a full disk, Ctrl-C) the staging folder is
    removed and `output` is left exactly as it was. A build killed outright leaves at most a staging
    folder and a set-aside `.old` folder, which the next build cleans up (`recover`) before it starts.
    """
    output = Path(os.path.abspath(output))
    check_output_dir(output, site_dir, foreign if foreign is not None and foreign.output == output else True)
    with _exclusive(output):
        return _write_locked(files, output, verify, unchanged)


@contextmanager
def _exclusive(output: Path) -> Iterator[None]:
    """Hold a lock beside `output` so two builds (a `serve` and a `build`) never share a staging folder.

    The lock file stays (like Hugo's .hugo_build.lock); the lock itself ends with the process.
    """
    if fcntl is None:  # pragma: no cover - Windows: no advisory locks here
        yield
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(output.with_name(f".newsgloss-{output.name}.lock"), "a", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise
            raise OutputError(f"another newsgloss build is writing {output} right now; "
                              f"{output} was left as it was (try again when it is done)") from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _write_locked(files: Iterable[RenderedFile], output: Path,
                  verify: Callable[[list[str]], None] | None, unchanged: Iterable[str] = ()) -> WriteReport:
    recover(output)
    before = _identity(output)
    staging, spare = _staging(output), _spare(output)
    present: set[str] | None = None
    differs: set[str] | None = None
    twin: _Twin | None = None
    try:
        if not spare.is_symlink() and spare.is_dir() and _manifest_ok(spare):
            spare.rename(staging)  # from here a kill leaves a staging folder, which recover() removes
            present = _listed(staging)
            differs = _read_note(staging)
            for kept in KEPT_DIRS:  # another tool's files are not newsgloss's to publish again
                shutil.rmtree(staging / kept, ignore_errors=True)
        else:
            staging.mkdir(parents=True)
            (staging / MANIFEST).write_text(_manifest(()), encoding="utf-8")
            if not output.exists() and not spare.exists() and not spare.is_symlink():
                twin = _Twin(_twin(output))  # a first build: its spare is made as it goes
        filled = _fill(staging, files, present, unchanged, output, differs, twin)
        written = filled.written
        if present is not None:
            _prune(staging, present - set(written))
        if verify is not None:  # the last word before the switch: may raise to keep the old site
            verify(written)
        (staging / MANIFEST).write_text(_manifest(written), encoding="utf-8")
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if twin is not None:
            twin.discard()
        if isinstance(exc, OSError):
            raise _cannot_write(exc, output) from exc
        raise
    try:
        swap(staging, output, before, filled.fresh, written, twin)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if twin is not None:
            twin.discard()
        if isinstance(exc, OSError):
            raise _cannot_write(exc, output) from exc
        raise
    return WriteReport(len(written), output)


SPARE_NOTE = ".newsgloss-spare.json"
"""In a spare: the files it does not share with the live output (the next build replaces only those)."""


def _read_note(staging: Path) -> set[str] | None:
    """The spare's note (taken out of the folder), or None when it has none or a damaged one."""
    note = staging / SPARE_NOTE
    try:
        data = json.loads(note.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        data = None
    note.unlink(missing_ok=True)
    if not isinstance(data, dict) or not isinstance(data.get("differs"), list):
        return None
    return {str(f) for f in data["differs"]}


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    return st.st_dev, st.st_ino


def swap(staging: Path, output: Path, before: tuple[int, int] | None, fresh: Iterable[str] | None = None,
         files: Iterable[str] | None = None, twin: _Twin | None = None) -> None:
    """Put `staging` in place of `output`: set the old one aside, rename, then delete the old one
    (a large one is kept as the next build's spare, see LARGE_OUTPUT).

    `before` is `output`'s identity (`_identity`) when the build took it over: anything else there
    now was put there meanwhile by someone else, and is left alone.

    `fresh` names the files of `staging` that are not hard links to the old output's: the spare's
    note, so that the next build need not compare ten thousand files to find them. `files` lists
    all of them (when most are fresh, the spare is brought up to date at once: `refresh_spare`).

    If anything (an error, Ctrl-C) stops it between the two renames, the old output is put back.
    """
    old = _set_aside(output)
    if _identity(output) != before:
        raise OutputError(f"{output} was created or replaced by something else while the site was built; "
                          f"it was left as it is (move it away and build again)")
    if before is not None:
        output.rename(old)
    try:
        staging.rename(output)
    except BaseException:
        if old.exists() and not output.exists():
            old.rename(output)
        raise
    spare = _spare(output)
    files = list(files) if files is not None else None
    fresh = list(fresh) if fresh is not None else None
    large = len(files if files is not None else _listed(output)) > LARGE_OUTPUT
    if old.exists():
        if large and not spare.exists() and not spare.is_symlink():
            if fresh is not None:
                try:
                    (old / SPARE_NOTE).write_text(json.dumps({"differs": sorted(fresh)}), encoding="utf-8")
                except OSError:
                    (old / SPARE_NOTE).unlink(missing_ok=True)  # no note: the next build compares files
            old.rename(spare)  # the next build updates it into its staging folder: no mass mkdir
            if files is not None and fresh is not None and len(fresh) > len(files) // 2:
                refresh_spare(spare, output, files)  # most of it differs: bring it up to date now
            return
        if large and _remove_later(old):
            return
        try:
            _remove(old)
        except OSError:
            pass  # the site is in place; the next build's recover() removes what is left
    elif large and files is not None and not spare.exists() and not spare.is_symlink():
        # a first build: the next one starts from a spare too (made as the files went in, or now)
        if twin is None or not twin.finish(spare, files):
            refresh_spare(spare, output, files)
    elif twin is not None:
        twin.discard()  # no spare wanted after all


def refresh_spare(spare: Path, live: Path, files: list[str]) -> None:
    """Make the spare (a new one if there is none) hold the live output's `files` as hard links,
    with a note that it differs in none, so that the next build replaces only what it renders.

    Called after the switch (the site is in place already), for builds that wrote most files
    afresh (a full build): the edit that comes next then costs what any later edit costs. Its
    manifest first lists every file the spare may hold meanwhile, and the note comes last, so a
    spare left half-done by a kill is one the next build can still use (comparing its files).
    """
    try:
        present: set[str] = set()
        differs: set[str] | None = None
        if spare.is_dir() and not spare.is_symlink():
            present, differs = _listed(spare), _read_note(spare)
        else:
            spare.mkdir()
        _write_manifest(spare, present | set(files))
        for rel in files:
            path = f"{spare}/{rel}"
            if rel in present:
                if differs is not None and rel not in differs:
                    continue
                _unlink(path)
            _link_into(f"{live}/{rel}", path)
        _prune(spare, present - set(files))
        _write_manifest(spare, files)
        (spare / SPARE_NOTE).write_text(json.dumps({"differs": []}), encoding="utf-8")
    except OSError:
        pass  # the site is in place; the next build uses what the spare holds, comparing files


def _write_manifest(folder: Path, files: Iterable[str]) -> None:
    """Replace `folder`'s manifest at once (written beside the folder first, so never half-written)."""
    tmp = folder.with_name(f"{folder.name}.manifest-{os.getpid()}.tmp")
    tmp.write_text(_manifest(files), encoding="utf-8")
    os.replace(tmp, folder / MANIFEST)


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass  # a spare a kill left half-updated


def _link_into(source: str, path: str) -> bool:
    """`_link`, making the folder first when it is missing (a spare a kill left half-made)."""
    try:
        return _link(source, path)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        return _link(source, path)
