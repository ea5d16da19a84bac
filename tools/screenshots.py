"""Screenshots of a built site at 1280 and 390 px, light and dark, with Debian's Chromium.

Usage: python tools/screenshots.py BASE SHOTS_DIR PAGE...
BASE is an output folder (opened from file://) or an http://127.0.0.1:PORT/sub/ URL; PAGE is a path
inside the site. `--focus` tabs to the first entity link of each page before the shot.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update"]


def main(base: str, shots: Path, pages: list[str], focus: bool = False) -> None:
    shots.mkdir(parents=True, exist_ok=True)
    prefix = base if base.startswith("http") else Path(base).resolve().as_uri() + "/"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for width in (1280, 390):
            for scheme in ("light", "dark"):
                ctx = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
                page = ctx.new_page()
                for rel in pages:
                    page.goto(prefix + rel)
                    page.wait_for_timeout(300)
                    if focus:
                        page.focus(".article-body a.entity")
                        page.keyboard.press("Shift+Tab")
                        page.keyboard.press("Tab")
                    name = rel.replace("/", "_").replace(".html", "").replace("?", "_")
                    page.screenshot(path=str(shots / f"{name}-{width}-{scheme}.png"), full_page=not focus)
                ctx.close()
        browser.close()


if __name__ == "__main__":
    flags = [a for a in sys.argv[1:] if a.startswith("--")]
    rest = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(rest[0], Path(rest[1]), rest[2:], "--focus" in flags)
