#!/usr/bin/env python3
"""Builds the benchmark corpus of bench/jsonl_bench.sh from CoNLL-2003 (licensed text: written
to a scratch directory, never to the repository):

    python3 bench/jsonl_corpus.py CONLL_DIR OUT_DIR [--min-tokens 1000000]

Every -DOCSTART- document of train, valid and test becomes one record, its sentences' tokens
joined by spaces and the sentences by line breaks; the documents are repeated until there are at
least --min-tokens tokens, each copy with its own id. Writes OUT_DIR/corpus.jsonl (one
{"id", "split", "text"} object per line) and OUT_DIR/corpus.txt (the same texts separated by
blank lines, for `ner tag --input text`), and prints records and tokens."""

import argparse
import json
from pathlib import Path


def documents(path):
    doc, sentence = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        cols = line.split()
        if cols and cols[0] == "-DOCSTART-":
            if sentence:
                doc.append(sentence)
            if doc:
                yield doc
            doc, sentence = [], []
        elif not cols:
            if sentence:
                doc.append(sentence)
            sentence = []
        else:
            sentence.append(cols[0])
    if sentence:
        doc.append(sentence)
    if doc:
        yield doc


def main():
    p = argparse.ArgumentParser()
    p.add_argument("conll_dir", type=Path)
    p.add_argument("out_dir", type=Path)
    p.add_argument("--min-tokens", type=int, default=1_000_000)
    args = p.parse_args()
    docs = []
    for split in ("train", "valid", "test"):
        for k, doc in enumerate(documents(args.conll_dir / f"{split}.txt")):
            docs.append((f"{split}-{k:04d}", split, "\n".join(" ".join(s) for s in doc), sum(map(len, doc))))
    args.out_dir.mkdir(parents=True, exist_ok=True)
    records = tokens = 0
    with open(args.out_dir / "corpus.jsonl", "w", encoding="utf-8") as jsonl, \
         open(args.out_dir / "corpus.txt", "w", encoding="utf-8") as text:
        copy = 0
        while tokens < args.min_tokens:
            for doc_id, split, body, n in docs:
                jsonl.write(json.dumps({"id": f"{doc_id}-copy{copy}", "split": split, "text": body}, ensure_ascii=False) + "\n")
                text.write(body + "\n\n")
                records += 1
                tokens += n
            copy += 1
    print(records, tokens)


if __name__ == "__main__":
    main()
