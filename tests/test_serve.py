"""`newsgloss serve`: a real server process on loopback — live rebuilds, containment, host check."""

from __future__ import annotations

import fcntl
import filecmp
import http.client
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.serve import allowed_hosts, inject, is_loopback, resolve_request
from generator.watch import is_input
from conftest import chromium_path

START_TIMEOUT = 60.0


class Served:
    """A running `newsgloss serve` process and a tiny HTTP client for it."""

    def __init__(self, proc: subprocess.Popen[str], port: int, lines: list[str]) -> None:
        self.proc, self.port, self.lines = proc, port, lines

    def request(self, path: str, host: str | None = None, timeout: float = 30) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
            conn.putheader("Host", host if host is not None else f"127.0.0.1:{self.port}")
            conn.endheaders()
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def generation(self, since: int) -> int:
        """Long-poll the reload endpoint once (the server answers within its own timeout)."""
        status, _, body = self.request(f"/__newsgloss__/changes?since={since}")
        assert status == 200
        return int(json.loads(body)["generation"])

    def wait_for_rebuild(self, since: int) -> int:
        for _ in range(4):  # each poll returns on a rebuild or after the server's 25 s timeout
            generation = self.generation(since)
            if generation != since:
                return generation
        raise AssertionError("no rebuild after the change:\n" + "".join(self.lines))


def _reader(proc: subprocess.Popen[str], lines: list[str], ready: threading.Event) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line)
        if line.startswith("serving http://"):
            ready.set()
    ready.set()


@pytest.fixture(scope="module")
def served_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One site for the module's server (tests that edit it put things back)."""
    site = tmp_path_factory.mktemp("serve") / "site"
    shutil.copytree(Path(__file__).parent / "sites" / "minimal", site)
    return site


@pytest.fixture(scope="module")
def served(served_site: Path) -> Iterator[Served]:
    site_dir = served_site
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--site", str(site_dir), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    lines: list[str] = []
    ready = threading.Event()
    reader = threading.Thread(target=_reader, args=(proc, lines, ready), daemon=True)
    reader.start()
    try:
        ready.wait(START_TIMEOUT)
        serving = [line for line in lines if line.startswith("serving http://")]
        assert serving, "server did not start:\n" + "".join(lines)
        port = int(serving[0].split("http://127.0.0.1:")[1].split("/")[0])
        yield Served(proc, port, lines)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        reader.join(timeout=10)
        assert proc.stdout is not None
        proc.stdout.close()


def test_edit_a_content_file_and_the_served_page_changes(served: Served, served_site: Path) -> None:
    status, headers, page = served.request("/articles/harbour-reopens/index.html")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Harbour Reopens After Storm" in page and "/__newsgloss__/changes" in page
    since = served.generation(-1)
    article = served_site / "content/articles/harbour-reopens.md"
    article.write_text(article.read_text(encoding="utf-8").replace("Ms. López thanked the crews.",
                                                                   "Ms. López thanked the divers."),
                       encoding="utf-8")
    served.wait_for_rebuild(since)
    _, _, page = served.request("/articles/harbour-reopens/index.html")
    assert "thanked the divers" in page and "thanked the crews" not in page
    assert "thanked the divers" in (served_site / "output/articles/harbour-reopens/index.html").read_text("utf-8")


def test_build_errors_show_in_the_browser_and_the_terminal(served: Served, served_site: Path) -> None:
    since = served.generation(-1)
    bad = served_site / "content/articles/bad.md"
    bad.write_text("---\ntitle: Bad\ndate: someday\n---\nText.\n", encoding="utf-8")
    since = served.wait_for_rebuild(since)
    status, _, page = served.request("/index.html")
    assert status == 500 and "Build failed" in page
    assert "content/articles/bad.md:3: date: cannot read &#x27;someday&#x27;" in page
    assert any("content/articles/bad.md:3:" in line for line in served.lines)
    assert served.request("/static/css/site.css")[0] == 200  # the last good site is still there
    bad.unlink()
    served.wait_for_rebuild(since)
    status, _, page = served.request("/index.html")
    assert status == 200 and "Build failed" not in page


def test_output_files_are_byte_identical_to_build(served: Served, served_site: Path, tmp_path: Path) -> None:
    other = tmp_path / "plain-build"
    result = CliRunner().invoke(main, ["build", "--quiet", "--site", str(served_site), "--output", str(other)])
    assert result.exit_code == 0, result.output
    output = served_site / "output"
    def ours(root: Path) -> list[Path]:  # pagefind/ is the one part allowed to differ (SPEC §6)
        return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file()
                      and p.relative_to(root).parts[0] != "pagefind")

    files = ours(output)
    assert files == ours(other)
    assert all(filecmp.cmp(output / f, other / f, shallow=False) for f in files)
    assert b"__newsgloss__" not in (output / "index.html").read_bytes()


@pytest.mark.parametrize("path", [
    "/../site.yaml", "/%2e%2e/site.yaml", "/%2E%2E/%2E%2E/etc/passwd", "/..%2fsite.yaml",
    "/..%5csite.yaml", "/%5c..%5csite.yaml", "/static/../../site.yaml", "//etc/passwd",
    "/%2fetc%2fpasswd", "/C:%5cWindows", "/.newsgloss-manifest.json", "/%00", "/%ff..",
])
def test_nothing_outside_output_is_served(served: Served, path: str) -> None:
    status, _, body = served.request(path)
    assert status in (400, 404)
    assert "base_url" not in body and "root:" not in body


def test_symlinks_out_of_output_are_not_followed(served: Served, served_site: Path) -> None:
    secret = served_site / "secret.txt"
    secret.write_text("top secret\n", encoding="utf-8")
    (served_site / "output/leak.txt").symlink_to(secret)
    (served_site / "output/leakdir").symlink_to(served_site / "content", target_is_directory=True)
    try:
        assert served.request("/leak.txt")[0] == 404
        assert served.request("/leakdir/articles/harbour-reopens.md")[0] == 404
        assert "top secret" not in served.request("/leak.txt")[2]
    finally:  # files planted in output/ would (rightly) stop the next build; take them away again
        (served_site / "output/leak.txt").unlink()
        (served_site / "output/leakdir").unlink()


def test_answers_only_its_own_host_name(served: Served) -> None:
    assert served.request("/", host=f"localhost:{served.port}")[0] == 200
    assert served.request("/", host="evil.example")[0] == 400
    assert served.request("/", host=f"evil.example:{served.port}")[0] == 400
    assert served.request("/", host="")[0] == 400
    status, headers, _ = served.request("/actors")
    assert status == 301 and headers["Location"] == "/actors/"
    status, _, page = served.request("/no/such/page/")
    assert status == 404 and "/__newsgloss__/changes" in page


def test_resolve_request_keeps_inside_root(tmp_path: Path) -> None:
    root = tmp_path / "out"
    (root / "a").mkdir(parents=True)
    (root / "a/index.html").write_text("x", encoding="utf-8")
    assert resolve_request(root, "/a/index.html") == (root / "a/index.html").resolve()
    assert resolve_request(root, "/a/%69ndex.html") == (root / "a/index.html").resolve()
    assert resolve_request(root, "/%252e%252e/x") == (root / "%2e%2e/x").resolve()  # decoded once only
    for bad in ("/../x", "/a/../../x", "/%2e%2e/x", "/a%5c..%5c..%5cx", "/a/%00", "x", "/.hidden"):
        assert resolve_request(root, bad) is None, bad


def test_loopback_and_host_rules() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4") and not is_loopback("example.org")
    assert allowed_hosts("127.0.0.1", 8000) >= {"127.0.0.1:8000", "localhost:8000"}
    assert "evil.example:8000" not in allowed_hosts("127.0.0.1", 8000)
    assert inject(b"<p>x</p></body></html>", 3).startswith(b"<p>x</p><script>")
    assert inject(b"<p>x</p>", 3).endswith(b"</script>\n")


def test_serve_refuses_a_non_loopback_host(site_dir: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--site", str(site_dir), "--host", "0.0.0.0"])
    assert result.exit_code == 2 and "not a loopback address" in result.output
    assert not (site_dir / "output").exists()


def test_a_busy_port_is_a_clear_error(site_dir: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--quiet", "--site", str(site_dir), "--port", str(port)])
    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.output and "--port" in result.output


def test_only_input_files_trigger_rebuilds(tmp_path: Path) -> None:
    site = tmp_path
    for path in ("site.yaml", "content/articles/a.md", "seeds/x.txt", "themes/t/templates/base.html"):
        assert is_input(site, str(site / path)), path
    for path in ("output/index.html", ".output.staging/x", "content/.backups/a.md", "content/articles/.a.md.swp",
                 "content/articles/a.md~", "notes.txt", ".venv/lib/x.py", "../elsewhere/site.yaml"):
        assert not is_input(site, str(site / path)), path


class _Browser:
    """Headless Chromium driven over --remote-debugging-pipe (CDP as NUL-separated JSON)."""

    def __init__(self, binary: str, profile: Path) -> None:
        to_chrome_r, self._out = os.pipe()
        self._in, from_chrome_w = os.pipe()

        def wire() -> None:  # Chromium reads commands on fd 3 and writes replies on fd 4
            high_r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
            high_w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.proc = subprocess.Popen(
            [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
             "--no-first-run", f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=wire, pass_fds=(3, 4, to_chrome_r, from_chrome_w))
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._next = 0

    def call(self, method: str, session: str | None = None, **params: object) -> dict[str, object]:
        self._next += 1
        message: dict[str, object] = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._out, json.dumps(message).encode("utf-8") + b"\0")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") == self._next:
                    assert "error" not in reply, reply
                    return reply["result"]  # type: ignore[no-any-return]
            ready, _, _ = select.select([self._in], [], [], 1.0)
            if ready:
                chunk = os.read(self._in, 1 << 16)
                assert chunk, "Chromium closed the pipe"
                self._buffer += chunk
        raise AssertionError(f"no reply from Chromium to {method}")

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        os.close(self._in)
        os.close(self._out)


def test_an_open_page_reloads_in_a_real_browser(served: Served, served_site: Path, tmp_path: Path) -> None:
    browser = _Browser(chromium_path(), tmp_path / "profile")
    try:
        url = f"http://127.0.0.1:{served.port}/articles/harbour-reopens/index.html"
        target = browser.call("Target.createTarget", url=url)["targetId"]
        session = str(browser.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"])

        def page(expression: str) -> object:
            result = browser.call("Runtime.evaluate", session, expression=expression, returnByValue=True)
            return result["result"].get("value")  # type: ignore[attr-defined]

        for _ in range(300):  # until loaded; each evaluate is a round trip, bounded by the count
            if page(f"location.href === {json.dumps(url)} && document.readyState === 'complete'"):
                break
            time.sleep(0.1)
        assert "ships could dock again" in str(page("document.body.innerText"))
        page("window.__before_edit = true")  # a page reload clears it
        article = served_site / "content/articles/harbour-reopens.md"
        article.write_text(article.read_text(encoding="utf-8").replace("ships could dock again",
                                                                       "ships could dock at noon"),
                           encoding="utf-8")
        text = ""
        for _ in range(600):
            if page("window.__before_edit === undefined && document.readyState === 'complete'"):
                text = str(page("document.body.innerText"))
                break
            time.sleep(0.1)
        assert "ships could dock at noon" in text, "the open page did not reload with the new text"
    finally:
        browser.close()


def test_a_serve_rebuild_says_when_it_waits_for_another_build_of_the_site(site_dir: Path) -> None:
    from conftest import running_build
    from generator.serve import build_once

    said: list[str] = []
    worker = threading.Thread(target=build_once, args=(site_dir, None, said.append, said.append))
    with running_build(site_dir):  # a `newsgloss build` of the same site
        worker.start()
        deadline = time.monotonic() + 30
        while not said and time.monotonic() < deadline:
            time.sleep(0.05)
        assert said == [f"another build of {site_dir} is running: waiting for it to finish"]
        assert not (site_dir / "output").exists()
    worker.join(120)
    assert (site_dir / "output" / "index.html").is_file() and len(said) == 2  # then it built, and said so
