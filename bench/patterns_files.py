#!/usr/bin/env python3
"""Synthetic patterns files for bench/patterns_bench.sh (never committed; written to a scratch dir).

    patterns_files.py CONLL_TRAIN OUT_DIR [--phrases N] [--token-patterns M]

phrases.jsonl: N phrase patterns of 1 to 4 tokens, half made of words of the CoNLL training file
(so the trie is walked, and some phrases match, in the tagged text) and half of made-up words,
labels cycling over four types, one in ten with an "id", one in ten with "lower": true.
tokens.jsonl: M token patterns, each starting with a "lower" of a training word (indexed, tried
only where that word is) followed by optional and repeated elements ("?", "*", "+", shape,
is_digit, is_title, IN); ten of them start with a flag or a shape instead, and so are tried at
every token. Seeded, so every run writes the same files.
"""
import argparse
import json
import random


def main():
    p = argparse.ArgumentParser()
    p.add_argument("train")
    p.add_argument("out")
    p.add_argument("--phrases", type=int, default=1_000_000)
    p.add_argument("--token-patterns", type=int, default=10_000)
    args = p.parse_args()
    rng = random.Random(33)
    words = []
    seen = set()
    with open(args.train, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if parts and parts[0] != "-DOCSTART-" and parts[0] not in seen:
                seen.add(parts[0])
                words.append(parts[0])
    labels = ["PRODUCT", "ORG", "LOC", "DRUG"]
    letters = "abcdefghijklmnopqrstuvwxyz"

    def made_up():
        return "".join(rng.choice(letters) for _ in range(rng.randint(4, 10))).capitalize()

    with open(f"{args.out}/phrases.jsonl", "w", encoding="utf-8") as f:
        for i in range(args.phrases):
            n = rng.randint(1, 4)
            if i % 2 == 0:
                tokens = [rng.choice(words) for _ in range(n)]
            else:
                tokens = [made_up() for _ in range(n)]
            rule = {"label": labels[i % 4], "pattern": " ".join(tokens)}
            if i % 10 == 3:
                rule["id"] = f"E{i}"
            if i % 10 == 7:
                rule["lower"] = True
            f.write(json.dumps(rule) + "\n")

    lowered = sorted({w.lower() for w in words if w.isalpha()})
    with open(f"{args.out}/tokens.jsonl", "w", encoding="utf-8") as f:
        for i in range(args.token_patterns):
            if i < 10:
                first = [{"IS_TITLE": True}, {"SHAPE": "dddd"}][i % 2]
            else:
                first = {"LOWER": rng.choice(lowered)}
            rest = rng.choice([
                [{"LOWER": rng.choice(lowered), "OP": "?"}, {"IS_TITLE": True, "OP": "+"}],
                [{"IS_DIGIT": True, "OP": "*"}, {"LOWER": {"IN": [rng.choice(lowered) for _ in range(3)]}}],
                [{"SHAPE": "Xxxxx", "OP": "?"}, {"LOWER": rng.choice(lowered)}],
                [{"OP": "*"}, {"ORTH": "."}],
            ])
            f.write(json.dumps({"label": labels[i % 4], "pattern": [first] + rest}) + "\n")


if __name__ == "__main__":
    main()
