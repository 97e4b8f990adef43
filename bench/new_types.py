#!/usr/bin/env python3
"""Data and scores for bench/new_types.sh (adding an entity type to a trained model).

  new_types.py strip TYPE IN OUT            IN with every TYPE tag set to O
  new_types.py only TYPE IN N SEED OUT      N sentences of IN drawn with SEED, only TYPE kept
  new_types.py silver GOLD PRED TYPE OUT    GOLD's TYPE entities, PRED's (ner tag --input conll
                                            output: the prediction is the last column) others
                                            where they do not overlap them
  new_types.py score JSON TYPE...           micro P/R/F1 over the TYPEs of an `ner eval --format
                                            json` report, then the F1 of every type

Tags are IOB2 (CoNLL-2003 as distributed here) or IOB1; entities are read as conlleval does.
"""
import json
import random
import sys


def sentences(path):
    """Blocks of token lines; -DOCSTART- lines dropped."""
    block = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                if block:
                    yield block
                block = []
            elif line.startswith("-DOCSTART-"):
                continue
            else:
                block.append(line.split(" "))
    if block:
        yield block


def spans(tags):
    """(type, start, end) of each entity, conlleval's reading of IOB1/IOB2."""
    out, open_ = [], None
    for i, t in enumerate(tags + ["O"]):
        prefix, _, typ = t.partition("-")
        continues = open_ is not None and prefix == "I" and typ == open_[0]
        if open_ is not None and not continues:
            out.append((open_[0], open_[1], i))
            open_ = None
        if prefix in ("B", "I") and not continues:
            open_ = (typ, i)
    return out


def write_iob2(f, tokens, columns, ents):
    tags = ["O"] * len(tokens)
    for typ, s, e in ents:
        tags[s] = "B-" + typ
        for k in range(s + 1, e):
            tags[k] = "I-" + typ
    for cols, tag in zip(columns, tags):
        f.write(" ".join(cols[:-1] + [tag]) + "\n")
    f.write("\n")


def main():
    cmd = sys.argv[1]
    if cmd == "strip":
        typ, src, dst = sys.argv[2:5]
        with open(dst, "w", encoding="utf-8") as f:
            for s in sentences(src):
                ents = [e for e in spans([c[-1] for c in s]) if e[0] != typ]
                write_iob2(f, [c[0] for c in s], s, ents)
    elif cmd == "only":
        typ, src, n, seed, dst = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
        all_ = list(sentences(src))
        chosen = sorted(random.Random(seed).sample(range(len(all_)), n))
        with open(dst, "w", encoding="utf-8") as f:
            for i in chosen:
                s = all_[i]
                write_iob2(f, [c[0] for c in s], s, [e for e in spans([c[-1] for c in s]) if e[0] == typ])
    elif cmd == "silver":
        gold, pred, typ, dst = sys.argv[2:6]
        with open(dst, "w", encoding="utf-8") as f:
            for g, p in zip(sentences(gold), sentences(pred)):
                assert [c[0] for c in g] == [c[0] for c in p], "gold and predictions differ in tokens"
                kept = [e for e in spans([c[-1] for c in g]) if e[0] == typ]
                taken = set(k for _, s, e in kept for k in range(s, e))
                for e in spans([c[-1] for c in p]):
                    if e[0] != typ and not any(k in taken for k in range(e[1], e[2])):
                        kept.append(e)
                write_iob2(f, [c[0] for c in g], g, sorted(kept, key=lambda e: e[1]))
    elif cmd == "score":
        report = json.load(open(sys.argv[2]))
        types = sys.argv[3:]
        per = report["per_type"]
        found = sum(per.get(t, {}).get("found", 0) for t in types)
        correct = sum(per.get(t, {}).get("correct", 0) for t in types)
        gold = sum(per.get(t, {}).get("gold", 0) for t in types)
        p = 100 * correct / found if found else 0
        r = 100 * correct / gold if gold else 0
        f1 = 2 * p * r / (p + r) if p + r else 0
        print(f"{f1:.2f}", " ".join(f"{t}={per.get(t, {}).get('f1', 0):.2f}" for t in sorted(per)))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
