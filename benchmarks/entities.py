"""Score `generator.detect` on a CoNLL-2003 file: P/R/F1 per type, micro, doc-level, docs/s.

Usage: python benchmarks/entities.py PATH/valid.txt [--limit N]

Documents are rebuilt into text exactly as shared/bench/ner_eval.py does (headline,
then each sentence as its own paragraph, tokens detokenised the way a news page prints
them), so offsets and scores agree with that harness.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.detect import detect

TYPES = ("PER", "LOC", "ORG")
KIND_TO_TYPE = {"person": "PER", "location": "LOC", "organisation": "ORG"}
_NO_SPACE_BEFORE = {",", ".", ";", ":", ")", "]", "}", "?", "!", "%", "...", "'", "n't", "N'T"}
_NO_SPACE_AFTER = {"(", "[", "{", "$"}
_CLITIC = re.compile(r"^'(?:[a-zA-Z]{1,2})$")
Span = tuple[int, int, str]


def detokenise(tokens: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """Join tokens as a news page prints them (same rules as ner_eval.py)."""
    out: list[str] = []
    offsets: list[tuple[int, int]] = []
    pos, quote_open, glue_next = 0, False, True
    for tok in tokens:
        glue, glue_next = glue_next, False
        if tok == '"':
            if quote_open:
                glue = True
            else:
                glue_next = True
            quote_open = not quote_open
        elif tok in _NO_SPACE_BEFORE or _CLITIC.match(tok):
            glue = True
        if tok in _NO_SPACE_AFTER:
            glue_next = True
        if not glue:
            out.append(" ")
            pos += 1
        offsets.append((pos, pos + len(tok)))
        out.append(tok)
        pos += len(tok)
    return "".join(out), offsets


def _bio(tags: list[str]) -> list[tuple[int, int, str]]:
    spans, start, typ = [], None, None
    for i, tag in enumerate(tags + ["O"]):
        if tag == "O" or tag.startswith("B-") or (tag.startswith("I-") and tag[2:] != typ):
            if start is not None:
                spans.append((start, i, typ))
            start, typ = (i, tag[2:]) if tag != "O" else (None, None)
    return spans  # type: ignore[return-value]


def read_documents(path: Path) -> list[tuple[str, list[Span]]]:
    """(text, gold PER/LOC/ORG character spans) per document."""
    docs: list[tuple[str, list[Span]]] = []
    sents: list[tuple[list[str], list[str]]] = []
    toks: list[str] = []
    tags: list[str] = []

    def end_doc() -> None:
        if toks:
            sents.append((toks[:], tags[:]))
        if not sents:
            return
        parts, gold, base = [], [], 0
        for k, (words, sent_tags) in enumerate(sents):
            if k:
                parts.append("\n\n")
                base += 2
            text, offs = detokenise(words)
            parts.append(text)
            for a, b, typ in _bio(sent_tags):
                if typ in TYPES:
                    gold.append((base + offs[a][0], base + offs[b - 1][1], typ))
            base += len(text)
        docs.append(("".join(parts), gold))
        sents.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        cols = line.split()
        if not cols:
            if toks:
                sents.append((toks[:], tags[:]))
            toks.clear()
            tags.clear()
        elif cols[0] == "-DOCSTART-":
            end_doc()
            toks.clear()
            tags.clear()
        else:
            toks.append(cols[0])
            tags.append(cols[-1])
    end_doc()
    return docs


def _prf(tp: int, npred: int, ngold: int) -> tuple[float, float, float]:
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("path", type=Path, help="a CoNLL-2003 file, e.g. shared/corpus/conll2003/valid.txt")
    ap.add_argument("--limit", type=int, default=0, help="score only the first N documents")
    ap.add_argument("--errors", type=int, default=0, help="print the first N wrong spans")
    ap.add_argument(
        "--repeat", type=int, default=1, help="time N runs and report the fastest (as timeit does)"
    )
    args = ap.parse_args(argv)
    if not args.path.is_file():
        print(f"entities.py: CoNLL file not found: {args.path}", file=sys.stderr)
        return 2
    docs = read_documents(args.path)[: args.limit or None]
    detect("Warm-up: load the model in London.")  # loading is not part of throughput
    elapsed = cpu = float("inf")
    for _ in range(max(1, args.repeat)):
        t0, c0 = time.perf_counter(), time.process_time()
        preds = [detect(text).mentions for text, _ in docs]
        elapsed = min(elapsed, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    exact = {t: [0, 0, 0] for t in TYPES}
    dset = {t: [0, 0, 0] for t in TYPES}
    shown = 0
    for (text, gold), mentions in zip(docs, preds):
        pred = {(m.start, m.end, KIND_TO_TYPE[m.kind]) for m in mentions}
        gset = set(gold)
        for t in TYPES:
            g = {s for s in gset if s[2] == t}
            p = {s for s in pred if s[2] == t}
            for i, v in enumerate((len(g & p), len(p), len(g))):
                exact[t][i] += v
            gs = {" ".join(text[a:b].split()).lower() for a, b, _ in g}
            ps = {" ".join(text[a:b].split()).lower() for a, b, _ in p}
            for i, v in enumerate((len(gs & ps), len(ps), len(gs))):
                dset[t][i] += v
        if shown < args.errors:
            for a, b, t in sorted(pred ^ gset):
                tag = "FP" if (a, b, t) in pred else "FN"
                print(f"{tag} {t} {text[a:b]!r} | {text[max(0, a - 40) : b + 40]!r}")
                shown += 1
    print(f"{'':24}{'P':>7}{'R':>7}{'F1':>7}{'tp':>7}{'pred':>7}{'gold':>7}")

    def row(name: str, c: list[int]) -> None:
        p, r, f = _prf(*c)
        print(f"{name:24}{100 * p:7.2f}{100 * r:7.2f}{100 * f:7.2f}{c[0]:7d}{c[1]:7d}{c[2]:7d}")

    row("mention exact micro", [sum(exact[t][i] for t in TYPES) for i in range(3)])
    for t in TYPES:
        row(f"  {t}", exact[t])
    row("doc entity-set micro", [sum(dset[t][i] for t in TYPES) for i in range(3)])
    for t in TYPES:
        row(f"  {t}", dset[t])
    print(
        f"documents {len(docs)}  wall {elapsed:.2f} s = {len(docs) / elapsed:.1f} docs/s; "
        f"cpu {cpu:.2f} s = {len(docs) / cpu:.1f} docs/s (in-process, one core; model loaded before timing)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
