#!/usr/bin/env python3
"""Scores a seed ensemble: several models tag the same gold file, and an entity is kept when
more than half of them found it (same type, same boundaries).

    python3 bench/seed_vote.py [--recase lower|upper|title] [--ner BIN] GOLD MODEL MODEL MODEL...

Each model tags GOLD with `ner tag --input conll --format conll` (documents as the file's
-DOCSTART- lines delimit them, as `ner eval` reads them); the voted tags are written in IOB2 next
to the gold ones and scored by `ner eval --predictions`, whose report is printed, with
`--errors`. With an odd number of models the kept entities cannot overlap: two overlapping
entities each found by a majority would need one model to have found both. With --recase, every
token is recased first (as `ner eval --recase` does), the gold tags unchanged.

The ensemble costs as many taggings as it has models; it is measured here to know what it would
give, not shipped (issue 14, "seed ensembles").
"""
import argparse
import os
import subprocess
import sys
import tempfile


def recase(token, how):
    if how == "lower":
        return token.lower()
    if how == "upper":
        return token.upper()
    # title: the first cased letter upper case, the rest lower (Recasing.swift).
    for i, c in enumerate(token):
        if c.lower() != c.upper():
            return token[:i].lower() + c.upper() + token[i + 1:].lower()
    return token.lower()


def spans(tags):
    """Entities of one sentence's tags, read with conlleval's rules (IOB1, IOB2 or BIOES)."""
    found, start, kind = [], None, None
    for i, t in enumerate(tags + ["O"]):
        prefix, _, typ = t.partition("-")
        begins = prefix in ("B", "S") or (prefix in ("I", "E") and (kind is None or typ != kind))
        if start is not None and (prefix == "O" or begins):
            found.append((start, i, kind))
            start, kind = None, None
        if prefix != "O" and start is None:
            start, kind = i, typ
        if prefix in ("E", "S") and start is not None:
            found.append((start, i + 1, kind))
            start, kind = None, None
    return found


def sentences(lines):
    """Groups token lines into sentences; -DOCSTART- and blank lines are kept as separators."""
    out, cur = [], []
    for line in lines:
        if not line.strip() or line.startswith("-DOCSTART-"):
            if cur:
                out.append(cur)
                cur = []
            out.append(line)
        else:
            cur.append(line)
    if cur:
        out.append(cur)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--recase", choices=["lower", "upper", "title"])
    ap.add_argument("--ner", default=".build/release/ner")
    ap.add_argument("gold")
    ap.add_argument("models", nargs="+")
    a = ap.parse_args()

    with open(a.gold, encoding="utf-8") as f:
        gold_lines = [l.rstrip("\n") for l in f]
    if a.recase:
        gold_lines = [
            l if not l.strip() or l.startswith("-DOCSTART-")
            else " ".join([recase(l.split()[0], a.recase)] + l.split()[1:])
            for l in gold_lines
        ]
    with tempfile.TemporaryDirectory() as tmp:
        gold_path = os.path.join(tmp, "gold.txt")
        with open(gold_path, "w", encoding="utf-8") as f:
            f.write("\n".join(gold_lines) + "\n")
        predicted = []
        for m in a.models:
            out = subprocess.run([a.ner, "tag", "--model", m, "--input", "conll", "--format", "conll", gold_path],
                                 check=True, capture_output=True, text=True).stdout.split("\n")
            predicted.append([s for s in sentences(out) if isinstance(s, list)])
        gold = [s for s in sentences(gold_lines) if isinstance(s, list)]
        for p in predicted:
            if len(p) != len(gold) or any(len(x) != len(y) for x, y in zip(p, gold)):
                sys.exit("seed_vote.py: a model's output does not line up with the gold file")
        need = len(a.models) // 2 + 1
        rows = []
        for k, sentence in enumerate(gold):
            votes = {}
            for p in predicted:
                for s in spans([line.split()[-1] for line in p[k]]):
                    votes[s] = votes.get(s, 0) + 1
            tags = ["O"] * len(sentence)
            for (start, end, typ), n in votes.items():
                if n >= need:
                    tags[start] = "B-" + typ
                    for i in range(start + 1, end):
                        tags[i] = "I-" + typ
            for line, tag in zip(sentence, tags):
                cols = line.split()
                rows.append(f"{cols[0]} {cols[-1]} {tag}")
            rows.append("")
        voted = os.path.join(tmp, "voted.txt")
        with open(voted, "w", encoding="utf-8") as f:
            f.write("\n".join(rows) + "\n")
        subprocess.run([a.ner, "eval", "--errors", "--predictions", voted], check=True)


if __name__ == "__main__":
    main()
