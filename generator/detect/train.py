"""Train the tagger: CoNLL-2003 train.txt -> data/ner.json.gz (feature weights only).

Run `python -m generator.detect.train PATH/train.txt [--dev PATH/valid.txt] [--epochs N]`.
The shipped file holds averaged perceptron weights keyed by feature string; it holds
no corpus sentences.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from operator import add
from pathlib import Path

from generator.detect.model import MODEL_PATH, TAGS, spans_of, tag_document

Doc = tuple[list[list[str]], list[list[int]]]


def read_conll(path: Path) -> list[Doc]:
    """Documents of a CoNLL-2003 file as (sentences of words, sentences of tag indices)."""
    index = {t: i for i, t in enumerate(TAGS)}
    docs: list[Doc] = []
    words: list[list[str]] = []
    tags: list[list[int]] = []
    sw: list[str] = []
    st: list[int] = []

    def end_sentence() -> None:
        nonlocal sw, st
        if sw:
            words.append(sw)
            tags.append(st)
        sw, st = [], []

    for line in path.read_text(encoding="utf-8").splitlines():
        cols = line.split()
        if not cols:
            end_sentence()
        elif cols[0] == "-DOCSTART-":
            end_sentence()
            if words:
                docs.append((words, tags))
            words, tags = [], []
        else:
            tag = cols[-1]
            if tag.startswith("I-") and (not st or TAGS[st[-1]][2:] != tag[2:]):
                tag = "B-" + tag[2:]  # IOB1 -> IOB2
            sw.append(cols[0])
            st.append(index[tag])
    end_sentence()
    if words:
        docs.append((words, tags))
    return docs


class Perceptron:
    """Averaged perceptron over string features, nine BIO tags."""

    def __init__(self) -> None:
        self.weights: dict[str, list[float]] = {}
        self.totals: dict[str, list[float]] = {}
        self.stamps: dict[str, list[int]] = {}
        self.step = 0

    def score(self, feats: list[str]) -> list[float]:
        scores = [0.0] * len(TAGS)
        get = self.weights.get
        for f in feats:
            w = get(f)
            if w is not None:
                scores = list(map(add, scores, w))
        return scores

    def learn(self, feats: list[str], gold: int, guess: int) -> None:
        self.step += 1
        if gold == guess:
            return
        for f in feats:
            self._bump(f, gold, 1.0)
            self._bump(f, guess, -1.0)

    def _bump(self, f: str, t: int, v: float) -> None:
        w = self.weights.get(f)
        if w is None:
            w = self.weights[f] = [0.0] * len(TAGS)
            self.totals[f] = [0.0] * len(TAGS)
            self.stamps[f] = [0] * len(TAGS)
        self.totals[f][t] += (self.step - self.stamps[f][t]) * w[t]
        self.stamps[f][t] = self.step
        w[t] += v

    def averaged(self, threshold: float) -> dict[str, list[list[float]]]:
        out: dict[str, list[list[float]]] = {}
        for f, w in self.weights.items():
            tot, st = self.totals[f], self.stamps[f]
            pairs = []
            for t in range(len(TAGS)):
                avg = (tot[t] + (self.step - st[t]) * w[t]) / self.step
                if abs(avg) >= threshold:
                    pairs.append([t, round(avg, 2)])
            if pairs:
                out[f] = pairs
        return out


def evaluate(docs: list[Doc], score: object) -> dict[str, float]:
    """Token-sequence span F1 per type (exact spans), on CoNLL tokens."""
    counts: dict[str, list[int]] = {}
    for sents, gold in docs:
        pred = tag_document(sents, score)  # type: ignore[arg-type]
        for g, p in zip(gold, pred):
            gs, ps = set(spans_of(g)), set(spans_of(p))
            for typ in ("PER", "ORG", "LOC", "MISC"):
                c = counts.setdefault(typ, [0, 0, 0])
                gt = {s for s in gs if s[2] == typ}
                pt = {s for s in ps if s[2] == typ}
                c[0] += len(gt & pt)
                c[1] += len(pt)
                c[2] += len(gt)
    out = {}
    for typ, (tp, np_, ng) in counts.items():
        out[typ] = round(200 * tp / (np_ + ng), 2) if np_ + ng else 0.0
    tp = sum(counts[t][0] for t in ("PER", "ORG", "LOC"))
    np_ = sum(counts[t][1] for t in ("PER", "ORG", "LOC"))
    ng = sum(counts[t][2] for t in ("PER", "ORG", "LOC"))
    out["micro3"] = round(200 * tp / (np_ + ng), 2)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("train", type=Path)
    ap.add_argument("--dev", type=Path)
    ap.add_argument("--epochs", type=int, default=16)
    ap.add_argument("--threshold", type=float, default=0.6, help="drop averaged weights below this")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    args = ap.parse_args(argv)
    if not args.train.is_file():
        print(f"train: no such file: {args.train}", file=sys.stderr)
        return 2
    docs = read_conll(args.train)
    dev = read_conll(args.dev) if args.dev else []
    model = Perceptron()
    rng = random.Random(0)
    for epoch in range(args.epochs):
        t0 = time.time()
        rng.shuffle(docs)
        for sents, gold in docs:
            tag_document(sents, model.score, model.learn, gold)
        msg = f"epoch {epoch + 1}: {time.time() - t0:.0f}s, {len(model.weights)} features"
        print(msg, file=sys.stderr, flush=True)
    weights = model.averaged(args.threshold)
    payload = {
        "trained_on": "CoNLL-2003 English train.txt",
        "epochs": args.epochs,
        "threshold": args.threshold,
        "tags": list(TAGS),
        "weights": weights,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8")
    with gzip.GzipFile(args.out, "wb", compresslevel=9, mtime=0) as f:  # mtime 0: same bytes every run
        f.write(data)
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes, {len(weights)} features)", file=sys.stderr)
    if dev:
        from generator.detect.model import load_weights, sparse_scorer

        load_weights.cache_clear()
        print("dev (CoNLL tokens):", evaluate(dev, sparse_scorer(load_weights(args.out))), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
