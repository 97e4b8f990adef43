#!/usr/bin/env python3
"""Stands in for `ner tag --input lines` in IntegrationTests/challenge/run_challenge_test.sh: every run of
capitalised words is a PER entity, so the scores of IntegrationTests/challenge/fixture.tsv are known."""
import json
import re
import sys

for n, line in enumerate(sys.stdin.read().splitlines(), 1):
    entities = [{"label": "PER", "text": m.group(), "start": m.start(), "end": m.end()}
                for m in re.finditer(r"[A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*)*", line)]
    print(json.dumps({"line": n, "entities": entities}))
