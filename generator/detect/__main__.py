"""`python -m generator.detect FILE... [--format json|text]`: what `newsgloss entities` prints.

The reading and formatting live in `generator.detect.listing` for the main CLI to reuse.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from generator.detect import detect
from generator.detect.listing import format_mentions, read_text
from generator.detect.types import Mention


def main(argv: Sequence[str] | None = None) -> int:
    """Detect entities in each FILE and print them."""
    ap = argparse.ArgumentParser(prog="python -m generator.detect", description=__doc__)
    ap.add_argument("files", nargs="+", type=Path, metavar="FILE")
    ap.add_argument("--format", choices=("json", "text"), default="text")
    args = ap.parse_args(argv)
    results: list[tuple[str, Sequence[Mention]]] = []
    for path in args.files:
        try:
            text = read_text(path)
        except (OSError, UnicodeDecodeError) as e:
            print(f"{path}: {e}", file=sys.stderr)
            return 1
        results.append((str(path), detect(text).mentions))
    print(format_mentions(results, args.format))
    return 0


if __name__ == "__main__":
    sys.exit(main())
