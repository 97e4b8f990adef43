#!/usr/bin/env python3
"""Lists a model's ORG<->LOC confusions on a gold file, and how many of them the gold itself
makes possible: the entity has the right boundaries and the wrong one of ORG and LOC, and the
gold tags the same name (case-folded) with the predicted type elsewhere in the same document.
Document context cannot get all the mentions of such a name right (issue 14).

    python3 bench/org_loc_confusions.py [--ner BIN] [--top N] GOLD MODEL

The model tags GOLD with `ner tag --input conll --format conll` (documents as the file's
-DOCSTART- lines delimit them). Counted here are entities with exact boundaries; `ner eval
--errors`'s confusion table also counts entities whose boundaries overlap.
"""
import argparse
import collections
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from seed_vote import sentences, spans  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ner", default=".build/release/ner")
    ap.add_argument("--top", type=int, default=20, help="how many of the confused names to list")
    ap.add_argument("gold")
    ap.add_argument("model")
    a = ap.parse_args()

    with open(a.gold, encoding="utf-8") as f:
        gold_lines = [l.rstrip("\n") for l in f]
    out = subprocess.run([a.ner, "tag", "--model", a.model, "--input", "conll", "--format", "conll", a.gold],
                         check=True, capture_output=True, text=True).stdout.split("\n")
    predicted = [s for s in sentences(out) if isinstance(s, list)]
    gold, document_of, document = [], [], -1
    for s in sentences(gold_lines):
        if isinstance(s, list):
            gold.append(s)
            document_of.append(document)
        elif s.startswith("-DOCSTART-"):
            document += 1
    if len(predicted) != len(gold) or any(len(p) != len(g) for p, g in zip(predicted, gold)):
        sys.exit("org_loc_confusions.py: the model's output does not line up with the gold file")

    def name(sentence, start, end):
        return " ".join(line.split()[0].lower() for line in sentence[start:end])

    gold_types = collections.defaultdict(collections.Counter)  # (document, name) -> types
    for sentence, d in zip(gold, document_of):
        for start, end, kind in spans([line.split()[-1] for line in sentence]):
            gold_types[(d, name(sentence, start, end))][kind] += 1

    confused, both_ways = collections.Counter(), 0
    for sentence, p, d in zip(gold, predicted, document_of):
        found = {(s, e): t for s, e, t in spans([line.split()[-1] for line in p])}
        for start, end, kind in spans([line.split()[-1] for line in sentence]):
            guess = found.get((start, end))
            if guess is None or {kind, guess} != {"ORG", "LOC"}:
                continue
            n = name(sentence, start, end)
            confused[(n, kind, guess)] += 1
            if gold_types[(d, n)][guess] > 0:
                both_ways += 1
    total = sum(confused.values())
    print(f"ORG<->LOC confusions with exact boundaries: {total} "
          f"(gold ORG tagged LOC {sum(v for k, v in confused.items() if k[1] == 'ORG')}, "
          f"gold LOC tagged ORG {sum(v for k, v in confused.items() if k[1] == 'LOC')})")
    print(f"of them, the gold tags the same name with the predicted type elsewhere in its document: {both_ways}")
    for (n, kind, guess), count in confused.most_common(a.top):
        print(f"  {count:3d}  {n}  gold {kind}, tagged {guess}")


if __name__ == "__main__":
    main()
