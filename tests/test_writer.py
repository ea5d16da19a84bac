"""The writer under faults: refused folders, errors and Ctrl-C mid-stream, full disks, kills between steps.

Everything runs as root here, so faults are injected (an OSError at the writer's edge, a process that
dies with os._exit at the N-th file-system step) rather than provoked with permissions.
"""

from __future__ import annotations

import builtins
import errno
import io
import json
import os
import shutil
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterator

import pytest

from generator import writer
from generator.errors import UsageProblem
from generator.render import RenderedFile
from generator.writer import MANIFEST, OutputError, check_output_dir, recover, write_site


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (relative path -> bytes); symlinks shown as their target."""
    out: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            out[rel] = b"-> " + os.readlink(path).encode()
        elif path.is_file():
            out[rel] = path.read_bytes()
    return out


def site_files(version: str, n: int = 6) -> list[RenderedFile]:
    files = [RenderedFile(PurePosixPath("index.html"), f"<p>home {version}</p>".encode())]
    files += [RenderedFile(PurePosixPath(f"articles/a{i}/index.html"), f"{version} {i}".encode())
              for i in range(n)]
    return files


@pytest.fixture
def site(tmp_path: Path) -> Path:
    folder = tmp_path / "site"
    (folder / "content").mkdir(parents=True)
    return folder


@pytest.fixture
def built_once(site: Path) -> tuple[Path, dict[str, bytes]]:
    """A site whose output/ holds version 'old'; returns (output, its tree)."""
    output = site / "output"
    write_site(site_files("old"), output, site)
    return output, tree(output)


def leftovers(output: Path) -> list[str]:
    return sorted(p.name for p in output.parent.iterdir() if p.name.startswith(f".{output.name}."))


# --- refused output folders (SPEC §7.2) -----------------------------------------------------------

@pytest.mark.parametrize("where, why", [
    (".", "site folder"), ("..", "site folder or a folder above"), ("content", "content/ folder"),
    ("seeds", "seeds/ folder"), ("themes", "themes/ folder"), ("content/out", "inside the site's content"),
    ("/", "file-system root"),
])
def test_refuses_folders_a_build_must_never_replace(site: Path, where: str, why: str) -> None:
    with pytest.raises(UsageProblem, match=why):
        check_output_dir(site / where, site)


def test_refuses_the_home_folder(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(site.parent))
    with pytest.raises(UsageProblem, match="home folder"):
        check_output_dir(site.parent, site)


def test_refuses_a_symlink_even_when_it_hides_the_site_folder(site: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    (site / "out").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(UsageProblem, match="symbolic link"):
        check_output_dir(site / "out", site)
    (tmp_path / "to-site").symlink_to(site)
    with pytest.raises(UsageProblem, match="site folder"):  # the resolved path is the site itself
        check_output_dir(tmp_path / "to-site", site)
    (tmp_path / "to-content").symlink_to(site / "content")
    with pytest.raises(UsageProblem, match="content"):
        check_output_dir(tmp_path / "to-content" / "out", site)


def test_refuses_a_file_and_a_folder_newsgloss_did_not_make(site: Path) -> None:
    (site / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(UsageProblem, match="it is a file"):
        write_site(site_files("new"), site / "notes.txt", site)
    (site / "docs").mkdir()
    (site / "docs" / "thesis.tex").write_text("mine", encoding="utf-8")
    with pytest.raises(UsageProblem, match="not made by newsgloss"):
        write_site(site_files("new"), site / "docs", site)
    (site / "docs" / MANIFEST).write_text("not json", encoding="utf-8")  # a forged or broken manifest
    with pytest.raises(UsageProblem, match="not made by newsgloss"):
        write_site(site_files("new"), site / "docs", site)
    assert (site / "docs" / "thesis.tex").read_text(encoding="utf-8") == "mine"
    assert (site / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_files_someone_added_to_output_stop_the_build_instead_of_being_deleted(
        built_once: tuple[Path, dict[str, bytes]], site: Path) -> None:
    output, before = built_once
    (output / "CNAME").write_text("news.example.com\n", encoding="utf-8")
    with pytest.raises(UsageProblem, match=r"files newsgloss did not write \(CNAME\)"):
        write_site(site_files("new"), output, site)
    assert tree(output) == {**before, "CNAME": b"news.example.com\n"}


def test_a_search_index_and_os_junk_are_not_someone_elses_files(
        built_once: tuple[Path, dict[str, bytes]], site: Path) -> None:
    output, _ = built_once
    (output / "pagefind").mkdir()
    (output / "pagefind" / "index.js").write_text("x", encoding="utf-8")
    (output / ".DS_Store").write_bytes(b"\0")
    write_site(site_files("new"), output, site)
    assert tree(output) == tree_of_version("new", output.parent / "expected", site)


def tree_of_version(version: str, where: Path, site: Path, n: int = 6) -> dict[str, bytes]:
    write_site(site_files(version, n), where, site)
    return tree(where)


def test_refuses_leftover_names_that_are_not_its_own(built_once: tuple[Path, dict[str, bytes]], site: Path) -> None:
    output, before = built_once
    stranger = output.with_name(".output.old")
    stranger.mkdir()
    (stranger / "diary.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(UsageProblem, match="was not made by newsgloss"):
        write_site(site_files("new"), output, site)
    assert (stranger / "diary.txt").read_text(encoding="utf-8") == "mine"
    assert tree(output) == before


# --- failures while writing leave output/ as it was (SPEC §7.1) ----------------------------------

def failing_stream(after: int, exc: BaseException) -> Iterator[RenderedFile]:
    for i, item in enumerate(site_files("new")):
        if i == after:
            raise exc
        yield item


@pytest.mark.parametrize("exc", [RuntimeError("template blew up"), KeyboardInterrupt()],
                         ids=["exception", "ctrl-c"])
def test_an_exception_or_ctrl_c_mid_stream_leaves_output_untouched(
        built_once: tuple[Path, dict[str, bytes]], site: Path, exc: BaseException) -> None:
    output, before = built_once
    with pytest.raises(type(exc)):
        write_site(failing_stream(3, exc), output, site)
    assert tree(output) == before
    assert leftovers(output) == []


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES, errno.EIO])
def test_a_full_disk_or_refused_write_is_a_clear_error_and_output_is_untouched(
        built_once: tuple[Path, dict[str, bytes]], site: Path, monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    output, before = built_once
    calls = {"n": 0}
    real_open = builtins.open

    def full_disk(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if "x" in mode or "w" in mode:
            calls["n"] += 1
            if calls["n"] == 4:
                raise OSError(code, os.strerror(code), str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(writer, "open", full_disk, raising=False)
    with pytest.raises(OutputError) as info:
        write_site(site_files("new"), output, site)
    assert os.strerror(code) in str(info.value) and "was left as it was" in str(info.value)
    assert tree(output) == before
    assert leftovers(output) == []


def test_a_failing_static_copy_is_reported(built_once: tuple[Path, dict[str, bytes]], site: Path,
                                           monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    output, before = built_once
    css = tmp_path / "site.css"
    css.write_text("body{}", encoding="utf-8")

    def no_space(src: Any, dst: Any, **kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))

    monkeypatch.setattr(shutil, "copyfile", no_space)
    with pytest.raises(OutputError, match="No space left on device"):
        write_site([*site_files("new"), RenderedFile(PurePosixPath("static/site.css"), source=css)], output, site)
    assert tree(output) == before


@pytest.mark.parametrize("step", [1, 2])
@pytest.mark.parametrize("exc", [OSError(errno.EACCES, "Permission denied"), KeyboardInterrupt()],
                         ids=["eacces", "ctrl-c"])
def test_a_failing_rename_puts_the_old_output_back(built_once: tuple[Path, dict[str, bytes]], site: Path,
                                                   monkeypatch: pytest.MonkeyPatch, step: int,
                                                   exc: BaseException) -> None:
    output, before = built_once
    real = os.rename
    calls = {"n": 0}

    def rename(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == step:
            raise exc
        real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(OutputError if isinstance(exc, OSError) else KeyboardInterrupt):
        write_site(site_files("new"), output, site)
    monkeypatch.setattr(os, "rename", real)
    assert tree(output) == before
    assert leftovers(output) == []


def test_duplicate_and_escaping_paths_never_reach_the_disk(built_once: tuple[Path, dict[str, bytes]],
                                                          site: Path) -> None:
    output, before = built_once
    for bad in ("../escape.html", "/etc/passwd", "a/../../b.html", "a\\b.html", "nul\0.html", MANIFEST):
        with pytest.raises(OutputError, match="unsafe output path"):
            write_site([RenderedFile(PurePosixPath(bad), b"x")], output, site)
    twice = [RenderedFile(PurePosixPath("a.html"), b"1"), RenderedFile(PurePosixPath("a.html"), b"2")]
    with pytest.raises(OutputError, match="two items would both be written to a.html"):
        write_site(twice, output, site)
    assert tree(output) == before
    assert not (site / "escape.html").exists() and not (site.parent / "escape.html").exists()


# --- a kill at any step: simulated with os._exit in a forked child ---------------------------------

class _Steps:
    """Counts file-system steps; at step `kill_at` the process dies on the spot (no cleanup runs)."""

    def __init__(self, kill_at: int) -> None:
        self.kill_at, self.n = kill_at, 0

    def wrap(self, fn: Callable[..., Any], writes_only: bool = False) -> Callable[..., Any]:
        def step(*args: Any, **kwargs: Any) -> Any:
            mode = args[1] if len(args) > 1 else kwargs.get("mode", "r")
            if not writes_only or any(c in str(mode) for c in "wxa+"):
                self.n += 1
                if self.n == self.kill_at:
                    os._exit(137)
            return fn(*args, **kwargs)
        return step


def _run_killed(kill_at: int, action: Callable[[], None], count_to: Path | None = None) -> int:
    """Run `action` in a forked child that dies at file-system step `kill_at`; return its exit code.

    With `count_to`, a child that finishes writes the number of steps it took to that file.
    """
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            steps = _Steps(kill_at)
            real_open = io.open
            for name in ("rename", "unlink", "rmdir", "mkdir", "link"):
                setattr(os, name, steps.wrap(getattr(os, name)))
            setattr(shutil, "copyfile", steps.wrap(shutil.copyfile))
            opener = steps.wrap(io.open, writes_only=True)
            setattr(io, "open", opener)
            setattr(builtins, "open", opener)
            action()
            if count_to is not None:
                with real_open(count_to, "w") as handle:
                    handle.write(str(steps.n))
            os._exit(0)
        except BaseException:
            os._exit(3)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


@pytest.mark.parametrize("first_build, spare", [(False, False), (True, False), (False, True), (True, True)],
                         ids=["rebuild", "first-build", "rebuild-from-a-spare", "first-build-making-a-spare"])
def test_a_kill_between_any_two_steps_never_leaves_a_mixed_site(site: Path, tmp_path: Path, first_build: bool,
                                                                spare: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if spare:  # a "large" site: the old output is kept as a spare, which the next build updates
        monkeypatch.setattr(writer, "LARGE_OUTPUT", 3)
    new = tree_of_version("new", tmp_path / "expected", site)
    output = site / "output"
    old: dict[str, bytes] = {} if first_build else tree_of_version("old", output, site)

    def build() -> None:
        write_site(site_files("new"), output, site)

    def reset() -> None:
        if first_build:
            shutil.rmtree(output, ignore_errors=True)
            shutil.rmtree(output.with_name(".output.spare"), ignore_errors=True)
        else:
            if spare:  # the spare holds yet another version, some of its files to replace, one to delete
                write_site(site_files("older", n=8), output, site)
            write_site(site_files("old"), output, site)
            assert not spare or output.with_name(".output.spare").is_dir()

    reset()
    assert _run_killed(10_000, build, tmp_path / "steps") == 0
    steps = int((tmp_path / "steps").read_text())
    assert steps > 10  # mkdir, manifest, pages, renames, removal of the old tree
    for kill_at in range(1, steps + 1):
        reset()
        assert _run_killed(kill_at, build) == 137
        now = tree(output) if output.exists() else None
        # Straight after the kill: the old site, the new site, or (between the two renames) no
        # output/ with the whole old site set aside -- never a mixture.
        if now is None:
            aside = output.with_name(".output.old")
            assert (tree(aside) if aside.exists() else {}) == old, f"killed at step {kill_at}"
        else:
            assert now in (old, new), f"killed at step {kill_at}: mixed output"
        recover(output)
        assert (tree(output) if output.exists() else {}) in (old, new), f"killed at step {kill_at}"
        build()  # the next build cleans up and succeeds
        assert tree(output) == new, f"killed at step {kill_at}"
        assert leftovers(output) == ([".output.spare"] if spare else []), f"killed at step {kill_at}"


class _FullDiskFile(io.BufferedWriter):
    """A file that opens, then finds the disk full when written to (as a real one does)."""

    def write(self, data: Any) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("fails", ["opening a file", "writing a file"])
def test_a_full_disk_during_a_real_build_is_one_line_exit_1_and_output_untouched(
        site_dir: Path, monkeypatch: pytest.MonkeyPatch, fails: str) -> None:
    from click.testing import CliRunner

    from generator.cli import main

    assert CliRunner().invoke(main, ["build", "--site", str(site_dir)]).exit_code == 0
    before = tree(site_dir / "output")
    shutil.rmtree(site_dir / ".newsgloss")  # no build cache: every page is written again
    real_open = builtins.open
    calls = {"n": 0}

    def full_disk(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if "x" in mode:
            calls["n"] += 1
            if calls["n"] == 5 and fails == "opening a file":
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(file))
            if calls["n"] == 5:
                return _FullDiskFile(real_open(file, mode, *args, buffering=0, **kwargs))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(writer, "open", full_disk, raising=False)
    result = CliRunner().invoke(main, ["build", "--site", str(site_dir)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 2 and "Traceback" not in result.output
    assert lines[0].startswith(f"{site_dir / 'output'}: cannot write the site ({site_dir}/")  # names the file
    assert lines[0].endswith(f": No space left on device; {site_dir / 'output'} was left as it was")
    assert tree(site_dir / "output") == before
    assert leftovers(site_dir / "output") == []


_KILLED_BUILD = """
import os, signal, sys, builtins
from pathlib import Path
what, n = sys.argv[2], int(sys.argv[3])
count = {"n": 0}
def kill_at_nth(fn):
    def wrapped(*args, **kwargs):
        if what == "rmdir" and ".output.old" not in str(args[0]):
            return fn(*args, **kwargs)  # other folders (the search indexer's temp files) do not count
        if what != "open" or any(c in str(args[1] if len(args) > 1 else kwargs.get("mode", "r")) for c in "wx"):
            count["n"] += 1
            if count["n"] == n:
                os.kill(os.getpid(), signal.SIGKILL)  # a real SIGKILL: no cleanup code runs
        return fn(*args, **kwargs)
    return wrapped
import generator.writer as writer
if what in ("rename", "rmdir"):
    setattr(os, what, kill_at_nth(getattr(os, what)))
else:
    writer.open = kill_at_nth(builtins.open)
from generator.build import build
from generator.config import load_config
build(load_config(Path(sys.argv[1])))
"""


@pytest.mark.parametrize("what, n", [("open", 3), ("rename", 1), ("rename", 2), ("rmdir", 1)],
                         ids=["mid-write", "before-setting-aside", "between-the-renames", "removing-the-old-site"])
def test_a_real_build_killed_with_sigkill_is_recovered_by_the_next_build(site_dir: Path, what: str, n: int) -> None:
    import subprocess
    import sys

    from generator.build import build
    from generator.config import load_config
    from conftest import REPO

    build(load_config(site_dir))
    old = tree(site_dir / "output")
    article = site_dir / "content/articles/ferry-strike.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nA late correction.\n", encoding="utf-8")
    child = subprocess.run([sys.executable, "-c", _KILLED_BUILD, str(site_dir), what, str(n)], cwd=REPO,
                           capture_output=True, timeout=300)
    assert child.returncode == -9, child.stderr.decode()
    output = site_dir / "output"
    if (what, n) == ("rename", 2):  # killed between the two renames: the old site is set aside whole
        assert not output.exists() and tree(output.with_name(".output.old")) == old
    elif what == "rmdir":  # killed while deleting the old site: the new one is already in place
        assert b"A late correction." in tree(output)["articles/ferry-strike/index.html"]
        assert output.with_name(".output.old").exists()
    else:
        assert tree(output) == old
    build(load_config(site_dir))
    assert b"A late correction." in tree(output)["articles/ferry-strike/index.html"]
    assert leftovers(output) == []


def test_a_second_build_writing_the_same_output_waits_its_turn_with_a_clear_error(
        built_once: tuple[Path, dict[str, bytes]], site: Path) -> None:
    import fcntl

    output, before = built_once
    lock = output.with_name(".newsgloss-output.lock")
    assert lock.is_file()  # left in place, like Hugo's .hugo_build.lock
    with open(lock, "a", encoding="utf-8") as other:  # another build (say `serve`) is writing right now
        fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(OutputError, match="another newsgloss build is writing"):
            write_site(site_files("new"), output, site)
        assert tree(output) == before and leftovers(output) == []
    write_site(site_files("new"), output, site)  # once it is done, the next build goes ahead
    assert tree(output) != before


# --- a large old site is removed in the background ------------------------------------------------

def test_a_large_site_keeps_a_spare_copy_that_the_next_build_updates_in_place_of_a_new_tree(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer, "LARGE_OUTPUT", 3)  # the 7-file site counts as large
    output, spare = site / "output", site / ".output.spare"
    write_site(site_files("one"), output, site)
    # a first build leaves a spare: the live site again, as hard links, noted as differing in nothing
    assert leftovers(output) == [".output.spare"] and without_note(tree(spare)) == tree(output)
    assert all(os.path.samefile(spare / f, output / f) for f in tree(output) if f != MANIFEST)
    assert json.loads((spare / writer.SPARE_NOTE).read_bytes()) == {"differs": []}
    write_site(site_files("two"), output, site)  # every file new: the spare is brought up to date too
    assert without_note(tree(spare)) == tree(output) == tree_of_version("two", tmp_path / "two", site)
    live = output / "articles/a1/index.html"
    # the third build: one page the same as in the live site (staged as a hard link), the rest new,
    # a page gone; the spare shares no file with the live site that is written in place
    files = [RenderedFile(PurePosixPath("articles/a1/index.html"), source=live, link=True),
             *(f for f in site_files("three", n=3) if str(f.path) != "articles/a1/index.html")]
    write_site(files, output, site)
    assert tree(output) == {**tree_of_version("three", tmp_path / "three", site, n=3),
                            "articles/a1/index.html": b"two 1", MANIFEST: tree(output)[MANIFEST]}
    assert "articles/a5/index.html" not in tree(output) and not (output / "articles/a5").exists()
    assert writer.SPARE_NOTE not in tree(output)
    assert without_note(tree(spare)) == tree(output)


@pytest.mark.parametrize("twin", ["made", "link-fails", "name-taken"])
def test_a_first_large_build_makes_its_spare_while_writing_or_else_afterwards(
        site: Path, monkeypatch: pytest.MonkeyPatch, twin: str) -> None:
    """Left for after the switch, the spare was a serial 1.5-2 s at 10,000 articles; a failure
    making it as the files go in only means it is made afterwards, as before."""
    monkeypatch.setattr(writer, "LARGE_OUTPUT", 3)
    output, spare, new = site / "output", site / ".output.spare", site / ".output.spare-new"
    afterwards: list[Path] = []
    real_refresh = writer.refresh_spare
    monkeypatch.setattr(writer, "refresh_spare", lambda *a: afterwards.append(a[0]) or real_refresh(*a))
    if twin == "name-taken":
        new.mkdir()
        (new / "notes.txt").write_text("mine", encoding="utf-8")
    if twin == "link-fails":
        real_link = os.link

        def link(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
            if ".output.spare-new" in str(dst):
                raise OSError(errno.EMLINK, "Too many links")
            real_link(src, dst, *args, **kwargs)
        monkeypatch.setattr(os, "link", link)
    write_site(site_files("one"), output, site)
    assert without_note(tree(spare)) == tree(output)
    assert all(os.path.samefile(spare / f, output / f) for f in tree(output) if f != MANIFEST)
    assert json.loads((spare / writer.SPARE_NOTE).read_bytes()) == {"differs": []}
    assert afterwards == ([] if twin == "made" else [spare])
    assert (tree(new) == {"notes.txt": b"mine"}) if twin == "name-taken" else not new.exists()


def test_a_full_disk_while_making_the_spare_gives_its_room_back_to_the_site_at_once(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer, "LARGE_OUTPUT", 3)
    output, new = site / "output", site / ".output.spare-new"
    real_link = os.link

    def link(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if ".output.spare-new" in str(dst) and str(dst).endswith("a3/index.html"):
            raise OSError(errno.ENOSPC, "No space left on device")
        real_link(src, dst, *args, **kwargs)
    monkeypatch.setattr(os, "link", link)
    seen: list[bool] = []
    write_site(site_files("one"), output, site, verify=lambda written: seen.append(new.exists()))
    assert seen == [False]  # gone before the switch, not after it
    assert tree(output) == tree_of_version("one", site.parent / "expected", site)
    assert without_note(tree(site / ".output.spare")) == tree(output)  # made afterwards, as before


@pytest.mark.parametrize("first_build", [True, False])
def test_a_folder_someone_puts_at_output_while_the_site_is_built_is_left_alone(site: Path, first_build: bool) -> None:
    """The output is checked before the build; a folder that appears there by the switch is not
    set aside, made a spare or deleted as if it were an old site."""
    output = site / "output"
    if not first_build:
        write_site(site_files("old"), output, site)
    before = tree(output) if output.exists() else None

    def meanwhile(written: list[str]) -> None:
        if output.exists():
            output.rename(site / "moved-away")
        output.mkdir()
        (output / "mine.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(OutputError, match="was created or replaced by something else while the site was built"):
        write_site(site_files("one"), output, site, verify=meanwhile)
    assert tree(output) == {"mine.txt": b"mine"} and leftovers(output) == []
    assert (tree(site / "moved-away") if before is not None else None) == before


def without_note(files: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in files.items() if k != writer.SPARE_NOTE}


@pytest.mark.parametrize("note", ["kept", "damaged", "missing"])
def test_unchanged_files_are_staged_from_the_live_site_whatever_the_spare_holds(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, note: str) -> None:
    """The spare's note says which of its files differ from the live site; without a usable
    note, every file is compared. Either way the new site holds the live site's unchanged files
    and never a stale one from the spare."""
    monkeypatch.setattr(writer, "LARGE_OUTPUT", 3)
    output, spare = site / "output", site / ".output.spare"
    write_site(site_files("one"), output, site)
    write_site(site_files("two"), output, site)
    # one page rendered: the spare (site two) and the live site differ in that page only
    pages = [str(f.path) for f in site_files("two")]
    write_site([RenderedFile(PurePosixPath("index.html"), b"three index")], output, site,
               unchanged=[p for p in pages if p != "index.html"])
    assert json.loads((spare / writer.SPARE_NOTE).read_bytes()) == {"differs": ["index.html"]}
    if note == "damaged":
        (spare / writer.SPARE_NOTE).write_text('{"differs": ["articl', encoding="utf-8")
    elif note == "missing":
        (spare / writer.SPARE_NOTE).unlink()
    write_site([RenderedFile(PurePosixPath("articles/a2/index.html"), b"four 2")], output, site,
               unchanged=[p for p in pages if p != "articles/a2/index.html"])
    got = tree(output)
    assert got["index.html"] == b"three index"  # from the live site, not the spare's stale "two"
    assert got["articles/a2/index.html"] == b"four 2" and got["articles/a1/index.html"] == b"two 1"
    assert writer.SPARE_NOTE not in got and set(got) == set(pages) | {MANIFEST}
    assert without_note(tree(spare))["index.html"] == b"three index"


def test_a_large_old_site_is_removed_by_a_background_process_when_no_spare_can_be_kept(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setattr(writer, "LARGE_OUTPUT", 3)
    output = site / "output"
    (site / ".output.spare").write_text("not a folder newsgloss made", encoding="utf-8")
    write_site(site_files("old"), output, site)
    write_site(site_files("new"), output, site)
    assert tree(output) == tree_of_version("new", tmp_path / "expected", site)  # in place at once
    deadline = time.monotonic() + 60
    while leftovers(output) != [".output.spare"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert leftovers(output) == [".output.spare"]  # the old site went; the stranger stayed
    assert (site / ".output.spare").read_text(encoding="utf-8") == "not a folder newsgloss made"


def test_the_next_build_finishes_an_interrupted_background_removal_but_never_a_running_one(
        built_once: tuple[Path, dict[str, bytes]], site: Path) -> None:
    import subprocess
    import sys

    output, _ = built_once
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    stopped = output.with_name(f".output.trash-{dead}")  # its remover was killed halfway
    shutil.copytree(output, stopped)
    (stopped / "index.html").unlink()
    running = output.with_name(f".output.trash-{os.getpid()}")  # its remover is still at work
    shutil.copytree(output, running)
    stranger = output.with_name(f".output.trash-{dead}0")  # a look-alike newsgloss did not make
    stranger.mkdir()
    (stranger / "notes.txt").write_text("mine", encoding="utf-8")
    write_site(site_files("new"), output, site)
    assert not stopped.exists() and running.is_dir() and (stranger / "notes.txt").is_file()


def test_a_real_build_refused_for_someone_elses_file_changes_neither_output_nor_cache(site_dir: Path) -> None:
    from generator.build import build
    from generator.config import load_config

    cfg = load_config(site_dir)
    build(cfg)
    (cfg.output_dir / "CNAME").write_text("news.example.com\n", encoding="utf-8")
    article = site_dir / "content/articles/ferry-strike.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nA late correction.\n", encoding="utf-8")
    before, cache = tree(cfg.output_dir), tree(site_dir / ".newsgloss")
    with pytest.raises(UsageProblem, match=r"files newsgloss did not write \(CNAME\)"):
        build(cfg)  # the file is found under the writer's lock, after rendering
    assert tree(cfg.output_dir) == before and tree(site_dir / ".newsgloss") == cache
    assert leftovers(cfg.output_dir) == []


@pytest.mark.parametrize("fork", ["works", "fails"])
def test_the_early_walk_finds_someone_elses_files_in_a_child_or_here(site: Path, monkeypatch: pytest.MonkeyPatch,
                                                                       fork: str) -> None:
    output = site / "output"
    write_site(site_files("one"), output, site)
    (output / "CNAME").write_text("news.example.com\n", encoding="utf-8")
    (output / "articles/a1/notes.txt").write_text("mine", encoding="utf-8")
    if fork == "fails":
        def no_fork() -> int:
            raise OSError(11, "Resource temporarily unavailable")
        monkeypatch.setattr(os, "fork", no_fork)
    walk = writer.ForeignWalk(output)
    assert walk.result() == ["CNAME", "articles/a1/notes.txt"]
    with pytest.raises(UsageProblem, match=r"files newsgloss did not write \(CNAME, articles/a1/notes.txt\)"):
        write_site(site_files("two"), output, site, foreign=walk)
    assert writer.ForeignWalk(site / "nothing-here").result() == []


def test_a_clean_build_never_walks_the_output_it_has_just_written(site_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The early walk looks for someone else's files in the output a build will replace; a clean
    build has none to look in, and walking the one it made (ten thousand folders) was wasted."""
    from generator.build import build
    from generator.config import load_config

    walked: list[Path] = []
    real = writer.foreign_files
    monkeypatch.setattr(writer, "foreign_files", lambda output: walked.append(output) or real(output))
    cfg = load_config(site_dir)
    build(cfg)
    assert (cfg.output_dir / "index.html").is_file() and walked == []
    (site_dir / "content/articles/ferry-strike.md").write_text(
        (site_dir / "content/articles/ferry-strike.md").read_text(encoding="utf-8") + "\nA late correction.\n",
        encoding="utf-8")
    monkeypatch.setattr(os, "fork", lambda: (_ for _ in ()).throw(OSError(11, "no fork")))
    build(cfg)  # an output to replace, and no child to walk it: walked here, once
    assert walked == [Path(os.path.abspath(cfg.output_dir))]


@pytest.mark.parametrize("spare", [True, False], ids=["spare of hard links", "first build"])
def test_files_placed_by_render_processes_are_published_and_never_touch_the_live_site(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spare: bool) -> None:
    """`place` writes a file straight into the staging folder (render processes do, while the
    writer runs). A spare's files are hard links to the live site's: placing replaces them."""
    monkeypatch.setattr(writer, "LARGE_OUTPUT", 3 if spare else 1000)
    output = site / "output"
    write_site(site_files("one"), output, site)
    assert (site / ".output.spare").is_dir() == spare
    live = tree(output)

    def placed() -> Iterator[RenderedFile]:
        for item in site_files("two"):
            writer.place(output, item.path, item.data or b"")
            assert tree(output) == live  # the live site is the old one until the switch
            yield RenderedFile(item.path, placed=True)

    write_site(placed(), output, site)
    assert tree(output) == tree_of_version("two", tmp_path / "two", site)
    assert leftovers(output) == ([".output.spare"] if spare else [])
