#!/usr/bin/env python3
"""Checks that the folders of NERKit and of NERCommandSupport depend on each other one way only.

For every folder of a target (Sources/NERKit, Sources/NERCommandSupport) it finds the names the
folder declares and which other folders of the same target use them, prints the folder
dependency graph, and exits 1 when an edge runs against the target's layer order below or when
the graph has a cycle. (Which target may use which is Package.swift's business: NERKit cannot
import NERCommandSupport.)

NERKit's layer order (a folder may use only folders listed before it):

    Math, IO              lower utilities: numbers and bytes, no knowledge of NER
    Text                  tokens, sentences, casing
    Corpus                CoNLL sentences, tags, tag schemes, entity spans
    Rules                 patterns files (`--patterns`): phrase and token rules matched over
                          a sentence's tokens; Tagging combines their matches with the model's
    Configuration         the model's and the training's settings (they name a TagScheme,
                          a Recasing), read by Vocabulary, Model and Training
    Vocabulary -> Model
    Evaluation            conlleval's span scoring and its reports (needs only Corpus)
    Persistence           model files (a TaggerModel with its vocabulary, config and scheme)
    Training              the trainer scores dev every epoch (Evaluation) and writes
                          checkpoints and the model (Persistence), so it sits above both
    Tagging               loads a model (Persistence) and tags; it does not use Training

This is the guide's data flow (Text -> Corpus -> Vocabulary -> Model -> Training ->
Evaluation -> Persistence -> Tagging) read as "who may use whom", with one change: the
guide lists a run's stages in the order a model passes through them, but the code of the
training stage calls the scorer and the model file, so Training comes after them here.

Files directly in Sources/NERKit (NERError, Version) are the root: every folder may use them,
they use no folder.

NERCommandSupport's layer order (what `ner` and NERServer share on top of NERKit):

    Input                 `ner tag`'s input readers (text, token lines, column files, records)
    Output                its output formats; they write what Input read (a record's object)
    Pipeline              the threaded tag streams: read (Input), tag, write (Output)
    Report, Benchmark     `ner report`'s HTML page and `ner bench`: they use no other folder

How it reads Swift (a textual approximation; it runs no compiler):
- A folder declares the types (class, struct, enum, protocol, actor, typealias) at column 0
  (a nested type is reached through its outer type's name), the functions, `let`s and `var`s at column 0, and the functions, static
  members and computed properties that its files add in `extension T` blocks to a type T
  declared in another folder (only names of five or more characters that no other folder
  declares, so that `count` or `run` does not make an edge of every use).
- A folder uses a name when the name appears as a whole word in its code after comments and
  the text of string literals are removed (interpolations are kept). For extension members
  the word must follow a `.`.
Its limits: it does not resolve overloads, shadowing or nested scopes, so a local variable
named like another folder's type counts as a use (rename it or the type); a member that an
extension in one folder adds and that shares its name with a member elsewhere is not seen;
a use by type inference alone (`.someCase` of another folder's enum, an initializer called
through `.init`) is not seen.

Usage: scripts/check_layers.py [--target NERKit|NERCommandSupport] [--why]
  (without --target, both)
  --why  prints, for each edge, the names that make it (with one file that uses each).
It first checks itself on a small tree with a known cycle (self_test).
"""

import argparse
import os
import re
import sys
from collections import defaultdict

NERKIT_ORDER = [
    ["Math", "IO"],
    ["Text"],
    ["Corpus"],
    ["Rules"],
    ["Configuration"],
    ["Vocabulary"],
    ["Model"],
    ["Evaluation"],
    ["Persistence"],
    ["Training"],
    ["Tagging"],
]
COMMAND_SUPPORT_ORDER = [
    ["Input"],
    ["Output"],
    ["Pipeline"],
    ["Report", "Benchmark"],
]
# Each checked target: its folder below Sources/ and its layer order.
TARGETS = {"NERKit": NERKIT_ORDER, "NERCommandSupport": COMMAND_SUPPORT_ORDER}
ROOT_FOLDER = "(root)"

TYPE_DECL = re.compile(r"\b(?:class|struct|enum|protocol|actor|typealias)\s+([A-Za-z_][A-Za-z0-9_]*)")
TOP_DECL = re.compile(
    r"^(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|package|internal|fileprivate|private|final|nonisolated)\s+)*"
    r"(?:func|let|var)\s+([A-Za-z_][A-Za-z0-9_]*)")
MEMBER_DECL = re.compile(
    r"^\s+(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|package|internal|fileprivate|private|static|final|"
    r"mutating|nonisolated|override|convenience)\s+)*(?:func|var|let)\s+([A-Za-z_][A-Za-z0-9_]*)")
EXTENSION = re.compile(r"^(?:(?:public|package|internal|fileprivate|private)\s+)?extension\s+([A-Za-z_][A-Za-z0-9_.]*)")
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def strip_code(text):
    """The text with comments removed and string literals' text blanked (interpolations kept)."""
    out = []
    i, n = 0, len(text)
    # stack of states: "code", "string", "multi" (multi-line string); interpolation depth per level
    stack = [["code", 0]]
    while i < n:
        state = stack[-1]
        c = text[i]
        if state[0] == "code":
            if text.startswith("//", i):
                j = text.find("\n", i)
                i = n if j < 0 else j
                continue
            if text.startswith("/*", i):
                depth, i = 1, i + 2
                while i < n and depth:
                    if text.startswith("/*", i):
                        depth, i = depth + 1, i + 2
                    elif text.startswith("*/", i):
                        depth, i = depth - 1, i + 2
                    else:
                        if text[i] == "\n":
                            out.append("\n")
                        i += 1
                continue
            if text.startswith('"""', i):
                stack.append(["multi", 0])
                out.append('""')
                i += 3
                continue
            if c == '"':
                stack.append(["string", 0])
                out.append('""')
                i += 1
                continue
            if c == "(" and len(stack) > 1:
                state[1] += 1
            elif c == ")" and len(stack) > 1:
                if state[1] == 0:
                    stack.pop()  # end of an interpolation: back in the string
                    i += 1
                    continue
                state[1] -= 1
            out.append(c)
            i += 1
        else:
            if c == "\\" and i + 1 < n:
                if text[i + 1] == "(":
                    stack.append(["code", 0])
                    out.append(" ")
                    i += 2
                    continue
                i += 2
                continue
            if state[0] == "multi" and text.startswith('"""', i):
                stack.pop()
                i += 3
                continue
            if state[0] == "string" and (c == '"' or c == "\n"):
                stack.pop()
                i += 1
                continue
            if c == "\n":
                out.append("\n")
            i += 1
    return "".join(out)


def folder_of(root, path):
    rel = os.path.relpath(path, root)
    parts = rel.split(os.sep)
    return parts[0] if len(parts) > 1 else ROOT_FOLDER


def analyse(root, order, why=False, out=print):
    """Prints the graph of the folders below `root` (layer order `order`); returns the problems."""
    files = {}
    for dirpath, _, names in os.walk(root):
        for name in sorted(names):
            if name.endswith(".swift"):
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8") as f:
                    files[path] = strip_code(f.read())

    # Names declared per folder.
    types = defaultdict(set)       # folder -> type and top-level names
    type_home = {}
    for path, code in files.items():
        folder = folder_of(root, path)
        for line in code.split("\n"):
            if line and not line[0].isspace():
                for m in TYPE_DECL.finditer(line):
                    types[folder].add(m.group(1))
            m = TOP_DECL.match(line)
            if m:
                types[folder].add(m.group(1))
    for folder, names in types.items():
        for name in names:
            type_home.setdefault(name, set()).add(folder)

    # Members added by extensions to another folder's types.
    member_folders = defaultdict(set)
    for path, code in files.items():
        folder = folder_of(root, path)
        extending_other = False
        for line in code.split("\n"):
            m = EXTENSION.match(line)
            if m:
                base = m.group(1).split(".")[0]
                homes = type_home.get(base, set())
                extending_other = bool(homes) and folder not in homes
                continue
            if line and not line[0].isspace() and not line.startswith("}"):
                extending_other = False
            if extending_other:
                m = MEMBER_DECL.match(line)
                if m and len(m.group(1)) >= 5:
                    member_folders[m.group(1)].add(folder)
    # Members declared in any folder (in types or extensions), to drop ambiguous names.
    all_members = defaultdict(set)
    for path, code in files.items():
        folder = folder_of(root, path)
        for line in code.split("\n"):
            m = MEMBER_DECL.match(line)
            if m:
                all_members[m.group(1)].add(folder)
    members = {}
    for name, folders in member_folders.items():
        if len(folders) == 1 and all_members[name] == folders and name not in type_home:
            members[name] = next(iter(folders))

    # Uses.
    edges = defaultdict(dict)  # user -> used -> {name: file}
    for path, code in files.items():
        folder = folder_of(root, path)
        words = set(WORD.findall(code))
        dotted = set(re.findall(r"\.([A-Za-z_][A-Za-z0-9_]*)", code))
        for word in words:
            for home in type_home.get(word, ()):
                if home != folder and folder not in type_home[word]:
                    edges[folder].setdefault(home, {}).setdefault(word, os.path.relpath(path, root))
        for word in dotted:
            home = members.get(word)
            if home and home != folder:
                edges[folder].setdefault(home, {}).setdefault("." + word, os.path.relpath(path, root))

    rank = {ROOT_FOLDER: -1}
    for level, group in enumerate(order):
        for name in group:
            rank[name] = level
    folders = sorted(set(folder_of(root, p) for p in files), key=lambda f: (rank.get(f, 99), f))

    problems = []
    for f in folders:
        if f not in rank:
            problems.append(f"{os.path.basename(root)}/{f}: a folder that has no place in the layer order (add it to TARGETS)")

    out(f"{os.path.basename(root)} folder dependencies (a folder -> the folders it uses):")
    for f in folders:
        used = sorted(edges.get(f, {}), key=lambda u: (rank.get(u, 99), u))
        out(f"  {f:<14} -> {', '.join(used) if used else '(none)'}")
        for u in used:
            names = edges[f][u]
            if rank.get(u, 99) > rank.get(f, 99):
                problems.append(f"{f} -> {u} runs against the data flow: " +
                                ", ".join(f"{n} ({p})" for n, p in sorted(names.items())))
            if why:
                out(f"      {u}: " + ", ".join(f"{n} ({p})" for n, p in sorted(names.items())))

    # Cycles (Tarjan's strongly connected components).
    index, low, on, stack, sccs = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted(comp))

    for f in folders:
        if f not in index:
            visit(f)
    for comp in sccs:
        problems.append("cycle between " + ", ".join(comp))
    return problems


def self_test():
    """The checker finds an edge against the order and a cycle, and is not fooled by names in
    comments or strings; exits 1 if not."""
    import tempfile
    cases = {
        # Text uses Corpus (against the order) and Corpus uses Text: a cycle.
        "Text/A.swift": "struct Token { let s: Sentence }\nfunc tokenize() {}\n",
        "Corpus/B.swift": "struct Sentence { let t = Token() }\n",
        # Names in comments and strings are not uses; interpolations are.
        "IO/C.swift": "/// A Sentence\n// Token\nlet x = \"Sentence\"\nstruct Bytes {}\n",
        "Math/D.swift": "let y = \"\\(tokenize())\"\n",
    }
    with tempfile.TemporaryDirectory() as root:
        for name, text in cases.items():
            os.makedirs(os.path.join(root, os.path.dirname(name)), exist_ok=True)
            with open(os.path.join(root, name), "w", encoding="utf-8") as f:
                f.write(text)
        problems = analyse(root, NERKIT_ORDER, out=lambda *_: None)
    expected = [
        "Math -> Text runs against the data flow: tokenize (Math/D.swift)",
        "Text -> Corpus runs against the data flow: Sentence (Text/A.swift)",
        "cycle between Corpus, Text",
    ]
    if sorted(problems) != expected:
        print("check_layers.py self-test failed:\n  got " + "\n      ".join(sorted(problems)))
        return 1
    return 0


def main():
    ap = argparse.ArgumentParser(description="folder dependency check of NERKit and NERCommandSupport")
    ap.add_argument("--target", choices=sorted(TARGETS), action="append",
                    help="the target to check (repeatable; default: every one)")
    ap.add_argument("--why", action="store_true", help="print the names behind each edge")
    args = ap.parse_args()
    if self_test():
        return 1
    sources = os.path.join(os.path.dirname(__file__), "..", "Sources")
    problems = []
    for i, target in enumerate(args.target or TARGETS):
        if i:
            print()
        problems += analyse(os.path.normpath(os.path.join(sources, target)), TARGETS[target], args.why)
    if problems:
        print("\nProblems:")
        for p in problems:
            print("  " + p)
        return 1
    print("\nNo edge against the layer order, no cycle.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
