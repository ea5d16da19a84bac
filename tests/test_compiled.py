"""The compiled build (what `pip install .` ships: mypyc on pyproject's `[tool.newsgloss] compiled`)
held to the pure code: the same tests pass on it, and a compiler that fails leaves a pure install.

The test suite itself runs on the pure code (the test command's install is editable); here the
listed modules are compiled with setup.py into a copy of the package, and the tests of what they
do run again on that copy, in a fresh process.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import COMPILED_MODULES as MODULES
from conftest import REPO, require

# The tests of what the compiled modules do (Markdown reading, mentions, marks, export, link
# checks), and the whole-site ones: golden pages, guarantees, hostile input, incremental builds,
# `check` in worker processes, and what crosses between processes.
TESTS = ["test_plainmd.py", "test_markdown.py", "test_model.py", "test_export.py", "test_properties.py",
         "test_detect_properties.py", "test_merge.py", "test_render.py", "test_check.py", "test_golden.py",
         "test_build.py", "test_incremental.py", "test_hostile.py", "test_guarantees.py", "test_parallel.py"]


def _copy_of_package(root: Path) -> Path:
    """The package, setup.py and pyproject.toml in `root` (themes linked), for setup.py to build in place."""
    shutil.copytree(REPO / "generator", root / "generator", ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy(REPO / name, root / name)
    (root / "themes").symlink_to(REPO / "themes")
    return root


def _build_in_place(root: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "setup.py", "build_ext", "--inplace"], cwd=root, text=True,
                          capture_output=True, env={**os.environ, "NEWSGLOSS_PURE": "", **env}, timeout=900)


def _native(root: Path) -> dict[str, str]:
    """Module -> the file it is imported from, in a fresh process that imports the package from `root`."""
    code = "import importlib, sys\nfor m in sys.argv[1:]: print(m, importlib.import_module(m).__file__)"
    done = subprocess.run([sys.executable, "-c", code, *MODULES], cwd=root, text=True, capture_output=True,
                          env={**os.environ, "PYTHONPATH": str(root)}, check=True)
    return dict(line.split(" ", 1) for line in done.stdout.splitlines())


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require(importlib.util.find_spec("mypyc") is not None, "mypyc is not installed (pip install -e '.[test]')")
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    require(shutil.which(compiler) is not None, f"no C compiler ({compiler}; apt-get install gcc)")
    root = _copy_of_package(tmp_path_factory.mktemp("compiled"))
    done = _build_in_place(root)
    assert done.returncode == 0, done.stderr[-4000:]
    return root


def test_setup_compiles_every_listed_module(compiled: Path) -> None:
    files = _native(compiled)
    assert sorted(files) == sorted(MODULES)
    for module, file in files.items():
        assert Path(file).parent == compiled / "generator" and file.endswith(sysconfig.get_config_var("EXT_SUFFIX")), \
            f"{module} was not compiled: {file}"


def test_compiled_modules_pass_the_tests_of_the_pure_ones(compiled: Path) -> None:
    """The tests, run from the compiled copy: its modules are imported first (cwd and PYTHONPATH),
    also by the builds the tests start in other processes."""
    env = {**os.environ, "PYTHONPATH": str(compiled), "NEWSGLOSS_EXPECT_COMPILED": "1"}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(REPO),
                           "-c", str(REPO / "pyproject.toml"), "--basetemp", str(compiled / "tmp"),
                           *(str(REPO / "tests" / name) for name in TESTS)],
                          cwd=compiled, env=env, text=True, capture_output=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert " passed" in done.stdout.splitlines()[-1]


def test_a_failing_compiler_leaves_a_pure_package(tmp_path: Path) -> None:
    """No C compiler (here: one that always fails): setup.py says so and builds nothing; the package
    imports and builds a site as pure Python."""
    require(importlib.util.find_spec("mypyc") is not None, "mypyc is not installed (pip install -e '.[test]')")
    root = _copy_of_package(tmp_path)
    done = _build_in_place(root, CC="false", LDSHARED="false")
    assert done.returncode == 0, done.stderr[-4000:]
    assert "compiling failed" in done.stderr and "installing pure Python" in done.stderr
    assert not list(root.rglob("*.so"))
    assert all(file.endswith(".py") for file in _native(root).values())


def test_pure_setting_compiles_nothing(tmp_path: Path) -> None:
    root = _copy_of_package(tmp_path)
    done = _build_in_place(root, NEWSGLOSS_PURE="1")
    assert done.returncode == 0, done.stderr[-4000:]
    assert "NEWSGLOSS_PURE=1: pure Python" in done.stderr
    assert not list(root.rglob("*.so"))
