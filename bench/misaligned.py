#!/usr/bin/env python3
"""The realistic case for `--misaligned` (issue 31): CoNLL-2003 as an annotation tool exports it.

  misaligned.py export CONLL OUT.jsonl
      One doccano record per sentence: the sentence written as running text (no space before
      closing punctuation or after opening brackets, "Clinton's", paired double quotes), its
      entities as character spans, no tokens, so `ner` tokenises the text itself. Where a
      single-token entity is a name joined to a lowercase word ("German-born", "U.S.-based"),
      the span covers the name only, as an annotator marking the text would draw it and as the
      issue's example has it ("US" inside "US-based"); such spans fall inside one of `ner`'s
      tokens. Prints how many spans there are and how many of them were drawn that way.

  misaligned.py score GOLD.jsonl PREDICTED.jsonl
      Character-span F1 against the spans as drawn: exact (start, end and label those of a
      gold span of the same record) and overlap (a predicted entity counts when it overlaps a
      gold span of its label, a gold span is found when a predicted one of its label overlaps
      it). PREDICTED is `ner tag --input jsonl` of GOLD. Prints "exact-F1 overlap-F1 gold
      predicted exact-correct"; with the listing of
      `ner inspect --misaligned split GOLD.jsonl` (its standard error) as a third argument, the same over those spans only: how
      many of them were found exactly and overlapped. Scoring on characters leaves the gold
      alone whatever the training policy did with it.
"""
import json
import re
import sys

NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "'s", "'S", "n't", "'", "'re", "'ve", "'ll", "'d", "'m"}
NO_SPACE_AFTER = {"(", "[", "{", "$"}
COMPOUND = re.compile(r"^([A-Z][A-Za-z.]*)-[a-z]+$")


def sentences(path):
    tokens, tags = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            fields = line.split()
            if not fields:
                if tokens:
                    yield tokens, tags
                tokens, tags = [], []
                continue
            if fields[0] == "-DOCSTART-":
                continue
            tokens.append(fields[0])
            tags.append(fields[-1])
    if tokens:
        yield tokens, tags


def export(conll, out):
    n_spans = n_inside = n_records = 0
    with open(out, "w", encoding="utf-8") as w:
        for tokens, tags in sentences(conll):
            text, starts, quote_open = "", [], False
            for i, tok in enumerate(tokens):
                space = i > 0
                if tok in NO_SPACE_BEFORE:
                    space = False
                if i > 0 and tokens[i - 1] in NO_SPACE_AFTER:
                    space = False
                if tok == '"':
                    if quote_open:
                        space = False
                    quote_open = not quote_open
                elif i > 0 and tokens[i - 1] == '"' and quote_open:
                    space = False
                if space:
                    text += " "
                starts.append(len(text))
                text += tok
            spans, i = [], 0
            while i < len(tokens):
                if tags[i] == "O":
                    i += 1
                    continue
                label = tags[i][2:]
                j = i + 1
                while j < len(tokens) and tags[j] == "I-" + label:
                    j += 1
                start, end = starts[i], starts[j - 1] + len(tokens[j - 1])
                m = COMPOUND.match(tokens[i])
                if j == i + 1 and m:
                    end = start + len(m.group(1))
                    n_inside += 1
                spans.append([start, end, label])
                i = j
            n_spans += len(spans)
            n_records += 1
            w.write(json.dumps({"text": text, "label": spans}, ensure_ascii=False) + "\n")
    print(f"{out}: {n_records} records, {n_spans} spans, {n_inside} drawn on the name inside a compound")


def entity_sets(path, key):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if key == "label":
                out.append({(s, e, l) for s, e, l in r["label"]})
            else:
                out.append({(e["start"], e["end"], e["label"]) for e in r.get("entities", [])})
    return out


def f1(correct_p, predicted, correct_g, gold):
    prec = correct_p / predicted if predicted else 0.0
    rec = correct_g / gold if gold else 0.0
    return 100 * 2 * prec * rec / (prec + rec) if prec + rec else 0.0


def overlaps(span, spans):
    s, e, l = span
    return any(l == l2 and s < e2 and s2 < e for s2, e2, l2 in spans)


def score(gold_path, pred_path):
    gold, pred = entity_sets(gold_path, "label"), entity_sets(pred_path, "entities")
    if len(gold) != len(pred):
        sys.exit(f"{pred_path}: {len(pred)} records, {gold_path} has {len(gold)}")
    g = sum(len(x) for x in gold)
    p = sum(len(x) for x in pred)
    exact = sum(len(a & b) for a, b in zip(gold, pred))
    over_p = sum(overlaps(x, a) for a, b in zip(gold, pred) for x in b)
    over_g = sum(overlaps(x, b) for a, b in zip(gold, pred) for x in a)
    print(f"{f1(exact, p, exact, g):.2f} {f1(over_p, p, over_g, g):.2f} {g} {p} {exact}")
    # The spans that fall inside a token of `ner`'s (a name drawn inside a compound, or cut by
    # the running text): found exactly, overlapped.
    inside = [(i, x) for i, a in enumerate(gold) for x in a if x in INSIDE.get(i, ())]
    if inside:
        ex = sum(x in pred[i] for i, x in inside)
        ov = sum(overlaps(x, pred[i]) for i, x in inside)
        print(f"inside a token: {len(inside)} spans, {ex} found exactly, {ov} overlapped")


INSIDE = {}


def read_inside(listing):
    """`ner inspect --misaligned split` warnings: 'record N: span [S, E) LABEL: split a token'."""
    pat = re.compile(r"record (\d+): span \[(\d+), (\d+)\) (\S+): split a token")
    with open(listing, encoding="utf-8") as f:
        for line in f:
            m = pat.search(line)
            if m:
                INSIDE.setdefault(int(m.group(1)) - 1, set()).add((int(m.group(2)), int(m.group(3)), m.group(4)))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "export":
        export(sys.argv[2], sys.argv[3])
    elif len(sys.argv) in (4, 5) and sys.argv[1] == "score":
        if len(sys.argv) == 5:
            read_inside(sys.argv[4])
        score(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
