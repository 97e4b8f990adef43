#!/usr/bin/env python3
"""The challenge set (data/challenge.tsv): validation and scoring.

  challenge.py --check [FILE]                      validate the file, print its counts
  challenge.py [-v] [--test] --ner BIN MODEL...    score models (bench/challenge.sh runs this)

A sentence's target is right when the expected entity is found with the right label and
boundaries, or, when "-" is expected, when no entity the model finds overlaps the target.
Entity F1 is exact-match (label, start, end) micro F1 over every listed entity, as conlleval.
Without --test only the dev half is scored: choose on dev, report test once per configuration.
"""
import argparse
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict

LABELS = {"PER", "LOC", "ORG", "MISC"}
CASINGS = [("written", lambda s: s), ("lower", str.lower), ("upper", str.upper)]
DEV_ONLY_FAMILIES = {"name-pairs"}  # data/name-pairs.tsv, used for choices before the split


class Sentence:
    def __init__(self, lineno, pair, family, split, target, expected, text, entities):
        self.lineno, self.pair, self.family, self.split = lineno, pair, family, split
        self.target, self.expected, self.text, self.entities = target, expected, text, entities
        self.target_span = None  # (start, end)
        self.expected_span = None  # (label, start, end) or None for "-"
        self.gold = []  # [(label, start, end)]

    @property
    def position(self):
        return "initial" if self.target_span[0] == 0 else "mid"


def whole_word(text, word, start=0):
    """Start offsets of `word` in `text` at or after `start`, not inside a longer word."""
    pattern = r"(?<![A-Za-z0-9])" + re.escape(word) + r"(?![A-Za-z0-9])"
    return [start + m.start() for m in re.finditer(pattern, text[start:])]


def parse_entity(field):
    label, sep, text = field.partition(":")
    if not sep or label not in LABELS or not text or text != text.strip():
        raise ValueError(f"entity {field!r} is not LABEL:text with a label of {sorted(LABELS)}")
    return label, text


def load(path, allow_unsplit=False):
    """Reads and validates the file; returns the sentences or exits naming every bad line."""
    errors, sentences = [], []
    try:
        lines = open(path, encoding="utf-8").read().split("\n")
    except (OSError, UnicodeDecodeError) as error:
        sys.exit(f"{path}: cannot read: {error}")
    if lines and lines[-1] == "":
        lines.pop()
    for lineno, line in enumerate(lines, 1):
        if line.startswith("#"):
            continue
        where = f"{path}:{lineno}"
        cols = line.split("\t")
        if len(cols) != 7:
            errors.append(f"{where}: {len(cols)} tab-separated columns, expected 7")
            continue
        pair, family, split, target, expected, text, entities = cols
        s = Sentence(lineno, pair, family, split, target, expected, text, entities)
        if not text.isascii() or not text.isprintable():
            errors.append(f"{where}: the sentence is not printable ASCII")
        if not re.fullmatch(r"[a-z]+(-[a-z]+)*-[0-9]{2}", pair) or pair.rsplit("-", 1)[0] != family:
            errors.append(f"{where}: pair id {pair!r} is not <family>-<NN> of family {family!r}")
        if split not in ("dev", "test") and not (allow_unsplit and split == "?"):
            errors.append(f"{where}: split {split!r} is neither dev nor test")
        starts = whole_word(text, target) if target else []
        if len(starts) != 1:
            errors.append(f"{where}: target {target!r} occurs {len(starts)} times as a whole word, expected once")
        else:
            s.target_span = (starts[0], starts[0] + len(target))
        # Every listed entity, in sentence order: each is found at or after the previous one.
        if entities != "-":
            cursor = 0
            for field in entities.split("|"):
                try:
                    label, etext = parse_entity(field)
                except ValueError as error:
                    errors.append(f"{where}: {error}")
                    continue
                found = whole_word(text, etext, cursor)
                if not found:
                    errors.append(f"{where}: entity {etext!r} does not occur (after the previous entity)")
                    continue
                s.gold.append((label, found[0], found[0] + len(etext)))
                cursor = found[0] + len(etext)
        if expected != "-":
            try:
                label, etext = parse_entity(expected)
            except ValueError as error:
                errors.append(f"{where}: expected: {error}")
            else:
                covering = [g for g in s.gold if s.target_span and g[1] <= s.target_span[0] and s.target_span[1] <= g[2]]
                if len(covering) != 1 or covering[0][0] != label or text[covering[0][1]:covering[0][2]] != etext:
                    errors.append(f"{where}: expected {expected!r} is not the listed entity that contains the target")
                else:
                    s.expected_span = covering[0]
        elif s.target_span and any(g[1] < s.target_span[1] and s.target_span[0] < g[2] for g in s.gold):
            errors.append(f"{where}: expected '-' but a listed entity contains the target")
        sentences.append(s)
    # Pairs: two sentences, one family and split, the same word, two different readings.
    pairs = defaultdict(list)
    for s in sentences:
        pairs[s.pair].append(s)
    for pair, members in pairs.items():
        where = f"{path}:{members[0].lineno}"
        if len(members) != 2:
            errors.append(f"{where}: pair {pair} has {len(members)} sentences, expected 2")
            continue
        a, b = members
        if a.split != b.split:
            errors.append(f"{where}: pair {pair} is split across {a.split} and {b.split}")
        if a.target.lower() != b.target.lower():
            errors.append(f"{where}: pair {pair} has two targets, {a.target!r} and {b.target!r}")
        if a.expected.partition(":")[0] == b.expected.partition(":")[0]:
            errors.append(f"{where}: both sentences of pair {pair} expect the same label ({a.expected.partition(':')[0]})")
    # Splits: name-pairs is all dev; every other family's pairs are split in halves (+-1).
    counts = defaultdict(Counter)
    for pair, members in pairs.items():
        counts[members[0].family][members[0].split] += 1
    for family, count in counts.items():
        if family in DEV_ONLY_FAMILIES:
            if set(count) - {"dev"}:
                errors.append(f"{path}: family {family} must be all dev, has {dict(count)}")
        elif not allow_unsplit and abs(count["dev"] - count["test"]) > 1:
            errors.append(f"{path}: family {family} is not split in halves: {dict(count)}")
    if errors:
        print("\n".join(errors), file=sys.stderr)
        sys.exit(f"{path}: {len(errors)} error(s)")
    return sentences


def table(sentences, pair_split=True):
    """Pairs and sentences per family and split, as a Markdown table."""
    rows = defaultdict(Counter)
    for s in sentences:
        rows[s.family][s.split] += 1
        rows[s.family][s.position] += 1
    out = ["| family | dev pairs | test pairs | sentences | target sentence-initial |",
           "| --- | ---: | ---: | ---: | ---: |"]
    total = Counter()
    for family in sorted(rows, key=lambda f: (f in DEV_ONLY_FAMILIES, f)):
        c = rows[family]
        out.append(f"| {family} | {c['dev'] // 2} | {c['test'] // 2} | {c['dev'] + c['test']} | {c['initial']} |")
        total.update(c)
    out.append(f"| all | {total['dev'] // 2} | {total['test'] // 2} | {total['dev'] + total['test']} | {total['initial']} |")
    return "\n".join(out)


def tag(ner, model, texts):
    """Entities per text as [(label, start, end, text)], one `ner tag --input lines` run."""
    try:
        run = subprocess.run([ner, "tag", "--model", model, "--input", "lines"],
                             input=("\n".join(texts) + "\n").encode(), capture_output=True)
    except OSError as error:
        sys.exit(f"{ner}: cannot run: {error} (build it with swift build -c release --product ner, or set NER)")
    if run.returncode != 0:
        sys.exit(f"{ner} tag --model {model} failed ({run.returncode}): {run.stderr.decode().strip()}")
    out = run.stdout.decode().splitlines()
    if len(out) != len(texts):
        sys.exit(f"{ner} tag: {len(out)} output lines for {len(texts)} sentences")
    return [[(e["label"], e["start"], e["end"], e["text"]) for e in json.loads(line)["entities"]] for line in out]


def target_right(s, predicted):
    if s.expected_span is None:
        return not any(p[1] < s.target_span[1] and s.target_span[0] < p[2] for p in predicted)
    return any(p[:3] == s.expected_span for p in predicted)


def got(s, predicted):
    """What the model made of the target: the entity overlapping it, or '-'."""
    over = [f"{p[0]}:{p[3]}" for p in predicted if p[1] < s.target_span[1] and s.target_span[0] < p[2]]
    return ", ".join(over) or "-"


def score(args, sentences):
    splits = ["dev", "test"] if args.test else ["dev"]
    chosen = [s for s in sentences if s.split in splits]
    rows = []  # (model, split, casing index, row)
    families = defaultdict(lambda: defaultdict(Counter))  # model -> (split, family) -> casing counts
    positions = defaultdict(lambda: defaultdict(Counter))  # model -> (split, position) -> casing counts
    wrong = []
    for model in args.models:
        for c, (casing, recase) in enumerate(CASINGS):
            predicted = tag(args.ner, model, [recase(s.text) for s in chosen])
            for split in splits:
                right = n = tp = n_gold = n_pred = 0
                for s, pred in zip(chosen, predicted):
                    if s.split != split:
                        continue
                    ok = target_right(s, pred)
                    n += 1
                    right += ok
                    spans = {p[:3] for p in pred}
                    tp += len(spans & set(s.gold))
                    n_gold += len(s.gold)
                    n_pred += len(spans)
                    families[model][(split, s.family)][casing] += ok
                    families[model][(split, s.family)]["n"] += casing == "written"
                    positions[model][(split, s.position)][casing] += ok
                    positions[model][(split, s.position)]["n"] += casing == "written"
                    if not ok:
                        wrong.append(f"  {model} {split} {casing} {s.pair}: {recase(s.text)!r} "
                                     f"target {recase(s.target)!r} expected {recase(s.expected)!r}, got {recase(got(s, pred))!r}")
                p = tp / n_pred if n_pred else 0.0
                r = tp / n_gold if n_gold else 0.0
                f = 2 * p * r / (p + r) if p + r else 0.0
                rows.append((model, splits.index(split), c, f"| `{model}` | {split} | {casing} | {n} | {right} | "
                             f"{100 * right / n:.1f} | {100 * p:.2f} | {100 * r:.2f} | {100 * f:.2f} |"))
    print("| model | split | casing | sentences | target right | % | entity P | R | F1 |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in sorted(rows, key=lambda r: (args.models.index(r[0]), r[1], r[2])):
        print(row[3])
    print()
    print("| model | split | target | sentences | target right (written / lower / upper) |")
    print("| --- | --- | --- | ---: | --- |")
    for model in args.models:
        for (split, position), c in sorted(positions[model].items(), key=lambda kv: (splits.index(kv[0][0]), kv[0][1])):
            print(f"| `{model}` | {split} | {position} | {c['n']} | {c['written']} / {c['lower']} / {c['upper']} |")
    print()
    print("| model | split | family | sentences | target right (written / lower / upper) |")
    print("| --- | --- | --- | ---: | --- |")
    for model in args.models:
        for (split, family), c in sorted(families[model].items(), key=lambda kv: (splits.index(kv[0][0]), kv[0][1])):
            print(f"| `{model}` | {split} | {family} | {c['n']} | {c['written']} / {c['lower']} / {c['upper']} |")
    if args.verbose and wrong:
        print("\nwrong:", file=sys.stderr)
        print("\n".join(wrong), file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", default="data/challenge.tsv")
    parser.add_argument("--check", action="store_true", help="validate the file and print its counts")
    parser.add_argument("--test", action="store_true", help="also score (and with -v list) the test half")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the sentences whose target is wrong")
    parser.add_argument("--ner", default=".build/release/ner")
    parser.add_argument("models", nargs="*")
    args = parser.parse_args()
    sentences = load(args.file)
    if args.check:
        print(f"{args.file}: {len(sentences)} sentences, {len(sentences) // 2} pairs, valid")
        print(table(sentences))
        return
    if not args.models:
        parser.error("give one or more model files")
    score(args, sentences)


if __name__ == "__main__":
    main()
