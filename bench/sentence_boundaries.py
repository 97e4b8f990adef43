#!/usr/bin/env python3
"""How many of the sentence boundaries `ner tokenize` finds in cased text it still finds when the
same text is lowercased, uppercased or title-cased.

Each CoNLL document (between -DOCSTART- lines) is rebuilt as one paragraph: its tokens joined by
single spaces. The paragraphs are recased token by token as `ner eval --recase` does (Python's
str.lower/upper and first-letter title case), split by `ner tokenize --format conll --offsets`,
and the scalar offsets where a sentence ends are compared with those of the cased text.

    python3 bench/sentence_boundaries.py ../shared/data/conll2003/test.txt [path/to/ner]
"""
import subprocess
import sys


def documents(path):
    docs, doc, sentence = [], [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.split()
            if not cols:
                if sentence:
                    doc.append(sentence)
                    sentence = []
                continue
            if cols[0] == "-DOCSTART-":
                if sentence:
                    doc.append(sentence)
                    sentence = []
                if doc:
                    docs.append(doc)
                doc = []
                continue
            sentence.append(cols[0])
    if sentence:
        doc.append(sentence)
    if doc:
        docs.append(doc)
    return docs


def title(token):
    for i, ch in enumerate(token):
        if ch.lower() != ch.upper():
            return token[:i].lower() + ch.upper() + token[i + 1:].lower()
    return token.lower()


RECASINGS = {"cased": lambda t: t, "lower": str.lower, "upper": str.upper, "title": title}


def boundaries(ner, paragraphs):
    """Per paragraph, the set of scalar offsets at which a sentence ends."""
    text = "\n\n".join(paragraphs) + "\n"
    out = subprocess.run([ner, "tokenize", "--format", "conll", "--offsets"], input=text.encode(),
                         capture_output=True, check=True).stdout.decode()
    starts, acc = [], 0
    for p in paragraphs:
        starts.append(acc)
        acc += len(p) + 2
    result = [set() for _ in paragraphs]
    last_end, para = None, 0
    for line in out.split("\n"):
        if not line:
            if last_end is not None:
                while para + 1 < len(starts) and last_end > starts[para + 1]:
                    para += 1
                result[para].add(last_end - starts[para])
            last_end = None
            continue
        last_end = int(line.split("\t")[2])
    return result


def main():
    path = sys.argv[1]
    ner = sys.argv[2] if len(sys.argv) > 2 else ".build/release/ner"
    docs = documents(path)
    cased = [" ".join(" ".join(s) for s in d) for d in docs]
    gold_ends = 0
    reference = boundaries(ner, cased)
    # Boundaries inside a paragraph (its final end is trivially found).
    ref = [b - {len(p)} for b, p in zip(reference, cased)]
    total = sum(len(b) for b in ref)
    gold_ends = sum(len(d) - 1 for d in docs)
    print(f"{len(docs)} documents, {gold_ends} gold sentence ends inside paragraphs, "
          f"{total} found in the cased text")
    for name, fn in RECASINGS.items():
        paragraphs = [" ".join(" ".join(fn(t) for t in s) for s in d) for d in docs]
        assert all(len(a) == len(b) for a, b in zip(paragraphs, cased)), "recasing changed lengths"
        found = boundaries(ner, paragraphs)
        found = [b - {len(p)} for b, p in zip(found, paragraphs)]
        kept = sum(len(f & r) for f, r in zip(found, ref))
        extra = sum(len(f - r) for f, r in zip(found, ref))
        print(f"{name:6s} {kept:6d} of {total} cased boundaries found ({100 * kept / total:.1f}%), "
              f"{extra} boundaries the cased text does not have")


if __name__ == "__main__":
    main()
