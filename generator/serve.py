"""`serve`: build, serve output/ on loopback, rebuild on change and reload open pages (preview only).

Files are served as `build` wrote them; only HTTP responses carry the reload script, so output/
stays byte-identical to a plain build. Requests are answered only for the server's own host name
(DNS-rebinding protection) and never with a file outside output/.
"""

from __future__ import annotations

import ipaddress
import json
import mimetypes
import os
import socket
import threading
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, unquote

import click

CHANGES_PATH = "/__newsgloss__/changes"
"""Long-poll endpoint: answers when a rebuild finishes (or after a timeout) with its generation."""
POLL_SECONDS = 25.0
RELOAD_SCRIPT = """<script>/* newsgloss serve: reload when the site is rebuilt */
(function(){var g=%d;function poll(){fetch("%s?since="+g,{cache:"no-store"})
.then(function(r){if(!r.ok)throw r;return r.json()})
.then(function(d){if(d.generation!==g){location.reload()}else{poll()}},
function(){setTimeout(poll,1000)})}poll()})();</script>
"""
ERROR_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Build failed — newsgloss serve</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}
h1{color:#b00020}pre{background:#fff4f4;border-left:4px solid #b00020;padding:1rem;overflow:auto;
white-space:pre-wrap}@media(prefers-color-scheme:dark){body{background:#111;color:#eee}
pre{background:#2a1414}h1{color:#ff8a80}}</style></head>
<body><main><h1>Build failed</h1>
<p>newsgloss kept the last good site in output/. Fix these problems and save;
this page reloads by itself.</p>
<pre>%s</pre></main></body></html>
"""


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """Host header values this server answers: its own name with its port."""
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    names = {shown.lower(), "localhost", "127.0.0.1", "[::1]"}
    return frozenset(f"{name}:{port}" for name in names)


def resolve_request(root: Path, url_path: str) -> Path | None:
    """The file or folder under `root` a URL path names, or None when it would leave `root`.

    Percent-decoding happens once; `..`, backslashes, NUL, hidden names and symlinks that lead
    outside `root` are all refused.
    """
    decoded = unquote(url_path, errors="strict") if "%" in url_path else url_path
    if "\x00" in decoded or "\\" in decoded or not decoded.startswith("/"):
        return None
    parts = [p for p in decoded.split("/") if p not in ("", ".")]
    if any(p == ".." or p.startswith(".") for p in parts):
        return None
    base = root.resolve()
    candidate = base.joinpath(*parts).resolve()
    if candidate != base and base not in candidate.parents:
        return None
    return candidate


def inject(html: bytes, generation: int) -> bytes:
    """Add the reload script before `</body>` (or at the end)."""
    script = (RELOAD_SCRIPT % (generation, CHANGES_PATH)).encode("utf-8")
    at = html.lower().rfind(b"</body>")
    return html + script if at < 0 else html[:at] + script + html[at:]


@dataclass
class Preview:
    """What the server shows: the output folder, the build generation, the last build's errors."""

    root: Path
    """The output folder being served."""
    generation: int = 0
    """Incremented after every build, good or bad; open pages reload when it changes."""
    errors: tuple[str, ...] = ()
    """`path:line: message` lines of the last build when it failed; empty after a good build."""
    changed: threading.Condition = field(default_factory=threading.Condition)
    """Notified after every build."""

    def publish(self, root: Path, errors: tuple[str, ...]) -> None:
        """Record a finished build and wake every waiting page."""
        with self.changed:
            self.root, self.errors = root, errors
            self.generation += 1
            self.changed.notify_all()

    def wait(self, since: int, timeout: float) -> int:
        """Block until the generation differs from `since` or `timeout` passes; return it."""
        with self.changed:
            self.changed.wait_for(lambda: self.generation != since, timeout=timeout)
            return self.generation


def make_handler(preview: Preview, hosts: frozenset[str],
                 log: Callable[[str], None]) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to one Preview."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "newsgloss-serve"
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib name)
            log(f"{self.address_string()} {format % args}")

        def do_HEAD(self) -> None:
            self._answer(head=True)

        def do_GET(self) -> None:
            self._answer(head=False)

        def _answer(self, head: bool) -> None:
            if self.headers.get("Host", "").lower() not in hosts:
                self._send(400, b"400 Bad Request: unknown host name\n", "text/plain; charset=utf-8", head)
                return
            path, _, query = self.path.partition("?")
            path = path.partition("#")[0]
            if path == CHANGES_PATH:
                self._changes(query, head)
                return
            try:
                target = resolve_request(preview.root, path)
            except UnicodeDecodeError:
                target = None
            if target is not None and target.is_dir():
                if not path.endswith("/"):
                    self._redirect(path + "/" + (f"?{query}" if query else ""), head)
                    return
                target = target / "index.html"
            if target is None or not target.is_file():
                self._not_found(head)
                return
            self._file(target, 200, head)

        def _file(self, target: Path, status: int, head: bool) -> None:
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if kind == "text/html" and preview.errors:
                page = ERROR_PAGE % escape("\n".join(preview.errors))
                self._send(500, inject(page.encode("utf-8"), preview.generation), "text/html; charset=utf-8",
                           head)
                return
            data = target.read_bytes()
            if kind == "text/html":
                data = inject(data, preview.generation)
            if kind.startswith("text/") or kind in ("application/xml", "application/javascript"):
                kind += "; charset=utf-8"
            self._send(status, data, kind, head)

        def _not_found(self, head: bool) -> None:
            page = preview.root / "404.html"
            if page.is_file() and not page.is_symlink():
                self._file(page, 404, head)
            else:
                self._send(404, b"404 Not Found\n", "text/plain; charset=utf-8", head)

        def _redirect(self, location: str, head: bool) -> None:
            self.send_response(301)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _changes(self, query: str, head: bool) -> None:
            try:
                since = int(parse_qs(query).get("since", ["-1"])[0])
            except ValueError:
                since = -1
            generation = preview.generation if head else preview.wait(since, POLL_SECONDS)
            body = json.dumps({"generation": generation, "ok": not preview.errors}).encode("utf-8")
            self._send(200, body, "application/json", head)

        def _send(self, status: int, data: bytes, kind: str, head: bool) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if not head:
                self.wfile.write(data)

    return Handler


class PreviewServer(ThreadingHTTPServer):
    """A threading HTTP server whose request threads never keep the process alive."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str, port: int, handler: type[BaseHTTPRequestHandler]) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host.strip("[]"), port), handler)


def start_server(preview: Preview, host: str, port: int,
                 log: Callable[[str], None] = lambda _: None) -> tuple[PreviewServer, threading.Thread]:
    """Bind `host:port` (port 0: any free port) and serve in a background thread."""
    server = PreviewServer(host, port, make_handler(preview, frozenset(), log))
    bound = server.server_address[1]  # known only now when port is 0; no request was served yet
    server.RequestHandlerClass = make_handler(preview, allowed_hosts(host, bound), log)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                              name="newsgloss-serve", daemon=True)
    thread.start()
    return server, thread


def build_once(site_dir: Path, output: Path | None, info: Callable[[str], None],
               error: Callable[[str], None]) -> tuple[Path | None, tuple[str, ...], dict[str, int]]:
    """Load site.yaml and build; return (output folder, error lines, files the build imported with
    their modification times), printing what happened."""
    import dataclasses

    from generator.build import build
    from generator.config import load_config
    from generator.console import summary
    from generator.errors import ContentError, warnings_in

    cfg = None
    try:
        cfg = load_config(site_dir)
        if output is not None:
            cfg = dataclasses.replace(cfg, output=str(output))
        report = build(cfg, waiting=info)
    except ContentError as exc:
        lines = tuple(str(p) for p in exc.problems)
        error(exc.format_message())
        return (cfg.output_dir if cfg else None), lines, {}
    except click.ClickException as exc:
        error(f"Error: {exc.format_message()}")
        return (cfg.output_dir if cfg else None), (exc.format_message(),), {}
    for p in warnings_in(report.problems):
        error(str(p))
    info(summary(report, cfg.output_dir))
    written = [site_dir / rel for rel in report.imported]
    return cfg.output_dir, (), {str(p): p.stat().st_mtime_ns for p in written if p.is_file()}


def _ours(path: str, imported: dict[str, int]) -> bool:
    """True when a changed file is one the last build imported and nobody has touched since."""
    try:
        return imported.get(path) == os.stat(path).st_mtime_ns
    except OSError:
        return False


def serve(site_dir: Path, host: str, port: int, *, output: Path | None = None,
          info: Callable[[str], None] = print, error: Callable[[str], None] = print,
          detail: Callable[[str], None] = lambda _: None) -> None:
    """Build, serve on `host:port`, rebuild on every input change until interrupted (Ctrl+C)."""
    from generator.watch import SiteWatcher

    site_dir = site_dir.absolute()
    watcher = SiteWatcher(site_dir).start()  # first, so that no edit during the first build is missed
    try:
        root, errors, imported = build_once(site_dir, output, info, error)
        if root is None:
            raise click.ClickException("cannot serve: site.yaml has errors (see above)")
        preview = Preview(root, 1, errors)
        server, thread = start_server(preview, host, port, detail)
    except OSError as exc:
        watcher.stop()
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}; "
                                   f"choose another port with --port") from None
    except BaseException:
        watcher.stop()
        raise
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"serving http://{shown}:{server.server_address[1]}/ — watching site.yaml, seeds/, "
               f"content/ and themes/; Ctrl+C to stop")
    try:
        for changed in watcher.batches():
            changed = {p for p in changed if not _ours(p, imported)}
            if not changed:
                continue  # only files our own import just wrote
            names = sorted(Path(p).relative_to(site_dir).as_posix() for p in changed)
            info(f"changed: {', '.join(names[:3])}{f' and {len(names) - 3} more' if len(names) > 3 else ''}")
            new_root, errors, imported = build_once(site_dir, output, info, error)
            preview.publish(new_root or preview.root, errors)
    except KeyboardInterrupt:
        info("stopped")
    finally:
        watcher.stop()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
