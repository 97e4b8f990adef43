#!/usr/bin/env python3
"""Splits data/challenge.tsv into dev and test halves by pair, once; --check re-derives it.

Within each family the pairs are ordered by the SHA-256 of "challenge-split:" + pair id and
dealt alternately to dev and test, dev first (so a family with an odd number of pairs has one
more dev pair). Both sentences of a pair get the pair's split. The family name-pairs (the
sentences of data/name-pairs.tsv, used for choices before this set existed) is dev by decision.

  challenge_split.py [FILE]          fill in the split column where it is "?" (run once)
  challenge_split.py --check [FILE]  verify that the recorded split is the one this rule gives
"""
import hashlib
import sys
from collections import defaultdict

sys.path.insert(0, __import__("os").path.dirname(__file__))
import challenge  # noqa: E402


def rule(sentences):
    by_family = defaultdict(set)
    for s in sentences:
        by_family[s.family].add(s.pair)
    split = {}
    for family, pairs in by_family.items():
        ordered = sorted(pairs, key=lambda p: hashlib.sha256(f"challenge-split:{p}".encode()).hexdigest())
        for i, pair in enumerate(ordered):
            split[pair] = "dev" if family in challenge.DEV_ONLY_FAMILIES or i % 2 == 0 else "test"
    return split


def main():
    args = sys.argv[1:]
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    path = args[0] if args else "data/challenge.tsv"
    sentences = challenge.load(path, allow_unsplit=not check)
    split = rule(sentences)
    if check:
        bad = [s for s in sentences if s.split != split[s.pair]]
        for s in bad:
            print(f"{path}:{s.lineno}: pair {s.pair} is {s.split}, the rule says {split[s.pair]}", file=sys.stderr)
        if bad:
            sys.exit(1)
        print(f"{path}: the split is the rule's")
        return
    lines = open(path, encoding="utf-8").read().split("\n")
    for s in sentences:
        cols = lines[s.lineno - 1].split("\t")
        if cols[2] == "?":
            cols[2] = split[s.pair]
        elif cols[2] != split[s.pair]:
            sys.exit(f"{path}:{s.lineno}: already split as {cols[2]}, the rule says {split[s.pair]}")
        lines[s.lineno - 1] = "\t".join(cols)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    __import__("os").replace(tmp, path)
    print(f"{path}: split")


if __name__ == "__main__":
    main()
