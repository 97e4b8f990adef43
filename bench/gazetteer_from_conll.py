#!/usr/bin/env python3
"""A gazetteer (LABEL<TAB>phrase lines, the format of `ner train --lexicon FILE` and of
`--patterns`) made of the entities of a CoNLL file in IOB1, IOB2 or BIOES: every distinct
(type, token sequence) once, the tokens joined by spaces, in order of first appearance.

    python3 bench/gazetteer_from_conll.py ../shared/data/conll2003/train.txt > /tmp/train-gazetteer.tsv

Issue 33's measured option: the gazetteer as a training feature, built from train.txt's entities
only (never from dev or test), compared on dev (bench/gazetteer_feature.sh).
"""
import sys


def entities(path):
    tokens, tags = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.split()
            if not cols or cols[0] == "-DOCSTART-":
                yield from spans(tokens, tags)
                tokens, tags = [], []
                continue
            tokens.append(cols[0])
            tags.append(cols[-1])
    yield from spans(tokens, tags)


def spans(tokens, tags):
    start, kind = None, None
    for i, tag in enumerate(tags + ["O"]):
        prefix, _, t = tag.partition("-")
        begins = prefix in ("B", "S") or (prefix == "I" and t != kind) or (prefix == "E" and t != kind)
        if start is not None and (prefix == "O" or begins):
            yield kind, " ".join(tokens[start:i])
            start, kind = None, None
        if prefix != "O" and start is None:
            start, kind = i, t
        if prefix in ("E", "S") and start is not None:
            yield kind, " ".join(tokens[start:i + 1])
            start, kind = None, None


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gazetteer_from_conll.py FILE.conll > gazetteer.tsv")
    seen = set()
    out = sys.stdout
    for kind, phrase in entities(sys.argv[1]):
        if (kind, phrase) in seen or "\t" in phrase:
            continue
        seen.add((kind, phrase))
        out.write(f"{kind}\t{phrase}\n")


if __name__ == "__main__":
    main()
