#!/usr/bin/env python3
"""Writes a JSON-lines test corpus to stdout: a few hundred documents made from the sentences
of data/sample.conll and data/sample.txt (both written for this project), with ids, metadata
in every JSON shape, non-ASCII text and emoji, paragraphs, blank lines, and one malformed
record of every kind at known places. The same arguments always give the same bytes.

    python3 IntegrationTests/spark/make_corpus.py [--documents 400] [--seed 1] > corpus.jsonl

The malformed records have ids (or line contents) starting with "bad-"; run with --list-bad to
see which line each one is on."""

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

EXTRA = [
    "Zoë Brandt flew from Zürich to 東京 on Monday 🙂.",
    "Priya Natarajan 👩🏽‍💻 joined Quillon Systems in Port Adley.",
    "Café owner Tomas Reyvik met Elsa Brandt in São Paulo.",
]


def sentences():
    out, current = [], []
    for line in (ROOT / "data/sample.conll").read_text(encoding="utf-8").splitlines():
        cols = line.split()
        if not cols:
            if current:
                out.append(" ".join(current))
            current = []
        elif cols[0] != "-DOCSTART-":
            current.append(cols[0])
    if current:
        out.append(" ".join(current))
    out += [s for s in (ROOT / "data/sample.txt").read_text(encoding="utf-8").splitlines() if s.strip()]
    return out + EXTRA


def bad_records():
    """(name, bytes of the line) for every kind of record ner must refuse."""
    return [
        ("bad-json", b'{"id": "bad-json", "text": "Lakemoor voted" '),
        ("bad-missing-field", b'{"id": "bad-missing-field", "body": "Ingrid Holloway spoke."}'),
        ("bad-utf8", b'{"id": "bad-utf8", "text": "Ingrid Holloway \xff\xfe visited Lakemoor."}'),
        ("bad-not-string", b'{"id": "bad-not-string", "text": ["Lakemoor"]}'),
        ("bad-not-object", b'["bad-not-object", "Lakemoor"]'),
        ("bad-duplicate", b'{"id": "bad-duplicate", "text": "a", "text": "b"}'),
    ]


def lines(documents, seed):
    rng = random.Random(seed)
    pool = sentences()
    bad = bad_records()
    # Spread the malformed records over the corpus, away from the very start.
    bad_at = {documents * (k + 1) // (len(bad) + 1): b for k, b in enumerate(bad)}
    for i in range(documents):
        if i in bad_at:
            yield bad_at[i][1]
        if i % 37 == 5:
            yield b""  # blank lines travel through as blank lines
        if i % 53 == 7:
            yield b"   \t"
        n = rng.randint(1, 5)
        text = " ".join(rng.choice(pool) for _ in range(n))
        if i % 11 == 3:
            text = text + "\n\n" + rng.choice(pool)  # two paragraphs
        record = {"id": f"doc-{i:05d}", "text": text}
        shape = i % 6
        if shape == 1:
            record = {"meta": {"source": "sample", "n": [1, 2.5, None, True]}, **record}
        elif shape == 2:
            record["score"] = 0.1 * i
        elif shape == 3:
            record["entities"] = "from an earlier run"  # replaced by ner
        line = json.dumps(record, ensure_ascii=(i % 2 == 0))
        if shape == 4:
            line = line[:-1] + ', "exact": 1e400, "big": 123456789012345678901234567890}'  # kept byte for byte
        if shape == 5:
            line = "  " + line.replace(": ", ":") + "  "
        yield line.encode("utf-8")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--documents", type=int, default=400)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--list-bad", action="store_true")
    args = p.parse_args()
    out = sys.stdout.buffer
    for number, line in enumerate(lines(args.documents, args.seed), start=1):
        if args.list_bad:
            if line.startswith(b'{"id": "bad-') or line.startswith(b'["bad-'):
                out.write(b"%d %s\n" % (number, line.split(b'"')[3 if line.startswith(b"{") else 1]))
        else:
            out.write(line + b"\n")


if __name__ == "__main__":
    main()
