#!/usr/bin/env python3
"""Checks `ner tag --input jsonl` output against its input, line by line:
    python3 IntegrationTests/spark/check_output.py INPUT OUTPUT BAD_LIST
BAD_LIST is make_corpus.py --list-bad output ("LINE NAME" per malformed record). Checks one output
line per input line; blank lines blank; an error line (with the right line number) exactly for
each malformed record; every other record is the input object byte for byte with "entities"
added (or an old "entities" value replaced in place) and its entities' offsets slice the record's
text. Exits 1 with the problems listed."""

import json
import sys


def main(input_path, output_path, bad_path):
    inputs = open(input_path, "rb").read().split(b"\n")
    outputs = open(output_path, "rb").read().split(b"\n")
    bad = {int(n): name for n, name in (line.split() for line in open(bad_path))}
    problems = []
    if inputs[-1] != b"" or outputs[-1] != b"":
        problems.append("input or output does not end with a newline")
    inputs, outputs = inputs[:-1], outputs[:-1]
    if len(inputs) != len(outputs):
        problems.append(f"{len(inputs)} input lines but {len(outputs)} output lines")
    entities = 0
    for number, (line, out) in enumerate(zip(inputs, outputs), start=1):
        def problem(message):
            problems.append(f"line {number}: {message}: {out[:200]!r}")

        if not line.strip():
            if out != b"":
                problem("blank input, output not blank")
            continue
        record = json.loads(out.decode("utf-8"))
        if number in bad:
            if set(record) - {"file", "line", "error", "record"} or record.get("line") != number or "error" not in record:
                problem(f"expected an error line for {bad[number]}")
            continue
        if "error" in record and "entities" not in record:
            problem("unexpected error line")
            continue
        original = line.strip()
        spliced = out[: len(original) - 1]
        if b'"entities": "from an earlier run"' in original:
            before, after = original.split(b'"entities": "from an earlier run"')
            if not (out.startswith(before + b'"entities": [') and out.endswith(after)):
                problem("old entities not replaced in place")
        elif not (spliced == original[:-1] and out.startswith(original[:-1] + b', "entities": [') and out.endswith(b"]}")):
            problem("not the input object with entities appended")
        text = record["text"]
        for e in record["entities"]:
            entities += 1
            if text[e["start"]:e["end"]] != e["text"] or not 0 < e["score"] <= 1 or e["label"] not in ("PER", "LOC", "ORG", "MISC"):
                problem(f"bad entity {e}")
    if entities < 500:
        problems.append(f"only {entities} entities found")
    for p in problems[:20]:
        print(p)
    print(f"{len(outputs)} lines, {len(bad)} error lines, {entities} entities, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
