#!/usr/bin/env python3
"""Keeps the documentation true: runs the commands shown in README.md and docs/guide/*.md and
compares their output with the output shown.

    python3 scripts/check_docs.py [-v] NER_BINARY [FILE.md...]   (make check-docs; part of make test)

-v lists every command shown and whether it was run or only checked.

The convention, in an indented (4-space) code block:

    $ command                   a command; a line ending in a backslash continues on the next
    output line                 what it prints (standard output, then standard error), up to the
    ...                         next "$ " line or the end of the block. A line "..." stands for any
                                number of lines, and "..." inside a line for any text there.

A block whose first command is `ner serve [OPTIONS] &` starts `ner serve OPTIONS --port 0` and runs
its curl commands against it (localhost:8080 meaning the port it got). Otherwise a command is
run, from the repository root with `ner`, `.build/release/ner` and $NER meaning
NER_BINARY, when it needs nothing outside the repository and is quick: it does not read
../shared (CoNLL-2003, GloVe), start a server, call curl, make, swift, python, Spark or a
benchmark. Every other command, and every line of a block without "$ " that starts with
`ner SUBCOMMAND` or `make TARGET`, is checked for what can be checked without running it: the subcommand exists,
each --option is in `ner SUBCOMMAND --help`, `make TARGET` is a target of the Makefile, and the
repository files it names (bench/..., scripts/..., data/..., ...) exist. Without FILE arguments it
also checks that every relative link of README.md, CONTRIBUTING.md, models/README.md and docs/
points at a file, and at a heading of it when it names one. The commands of one
block that are run run in one shell, in order, so `echo $?` works. Exit status 1 when anything is stale.

The outputs shown were recorded on the project's machines (x86-64 with AVX-512 and AVX512_BF16, so
tagging in bfloat16 by default); on a CPU without them (an AMD Zen 3: float32) an entity's score
differs in its last digits, so a number of 3 or more decimals below 1 matches within 0.002;
training losses may differ with another OpenBLAS kernel.
"""
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOT_RUN = ["../shared", "curl ", "make ", "swift ", "python", "spark", ".venv", "bench/peers",
           "bench/serve", "bench/jsonl", "bench/million", "ner serve", "ner bench", "cd ", "/tmp/corpus",
           "/tmp/tagged", "/tmp/cluster", "all.tok", "all.txt", "all.conll", "M.ner", "model.ner",
           "parallel "]
REPO_DIRS = ("bench/", "scripts/", "data/", "models/", "docs/", "Examples/", "IntegrationTests/", "fuzz/")

help_cache = {}
verbose = False


def options_of(ner, sub):
    """The --options of `ner SUB --help`, or None if SUB is not a subcommand."""
    if "" not in help_cache:
        top = subprocess.run([ner, "--help"], capture_output=True, text=True).stdout
        help_cache[""] = set(re.findall(r"^  ([a-z]+) ", top.split("SUBCOMMANDS:")[-1], re.M))
    if sub not in help_cache[""]:
        return None
    if sub not in help_cache:
        r = subprocess.run([ner, sub, "--help"], capture_output=True, text=True)
        help_cache[sub] = set(re.findall(r"--[a-z0-9][a-z0-9-]*", r.stdout)) if r.returncode == 0 else None
    return help_cache[sub]


def blocks(path):
    """Indented code blocks of a Markdown file: lists of (line number, text without the indent)."""
    out, cur, fenced = [], [], False
    for n, line in enumerate(path.read_text().split("\n"), 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if not fenced and line.startswith("    "):
            cur.append((n, line[4:]))
            continue
        if not fenced and line.strip() == "" and cur:
            cur.append((n, ""))
            continue
        if cur:
            out.append(cur)
        cur = []
    if cur:
        out.append(cur)
    # trailing blank lines belong to no output
    return [[x for x in b] for b in out]


def commands(block):
    """(line, command, expected output lines) for each `$ ` command of a block."""
    result, i = [], 0
    while i < len(block):
        n, text = block[i]
        if not text.startswith("$ "):
            i += 1
            continue
        cmd = text[2:]
        while cmd.endswith("\\") and i + 1 < len(block):
            i += 1
            cmd = cmd[:-1] + " " + block[i][1].strip()
        i += 1
        expected = []
        while i < len(block) and not block[i][1].startswith("$ "):
            expected.append(block[i][1])
            i += 1
        while expected and expected[-1].strip() == "":
            expected.pop()
        # a blank line ends a command's output unless the output shown goes on after it
        result.append((n, cmd, expected))
    return result


def strip_comment(cmd):
    # "make demo     # comment": drop a shell comment that follows two spaces
    return re.split(r"\s{2,}#", cmd)[0]


def ner_invocations(cmd):
    """(subcommand, [options]) for every `ner SUB ...` in a command line."""
    found = []
    for seg in re.split(r"\||&&|;|\$\(|<\(|'", cmd):
        words = seg.split()
        for k, w in enumerate(words):
            if (w == "ner" or w.endswith("/ner")) and k + 1 < len(words):
                sub = words[k + 1]
                if not re.fullmatch(r"[a-z]+", sub):
                    break
                opts = [x.split("=")[0] for x in words[k + 2:] if x.startswith("--")]
                found.append((sub, opts))
                break
    return found


def static_check(ner, cmd, where, problems, strict):
    cmd = strip_comment(cmd)
    for sub, opts in ner_invocations(cmd):
        known = options_of(ner, sub)
        if known is None:
            if strict:
                problems.append(f"{where}: `ner {sub}` is not a subcommand of ner")
            continue
        for o in opts:
            if o not in known:
                problems.append(f"{where}: `ner {sub}` has no option {o}")
    m = re.match(r"\s*make\s+([a-z][a-z-]*)", cmd)
    if m:
        targets = re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(), re.M)
        if m.group(1) not in targets:
            problems.append(f"{where}: `make {m.group(1)}` is not a target of the Makefile")
    for w in re.findall(r"[A-Za-z0-9_./-]+", cmd):
        if w.startswith(REPO_DIRS) and not w.endswith("/") and not any(c in w for c in "*?"):
            if not (ROOT / w).exists():
                problems.append(f"{where}: {w} does not exist")


def heading_anchors(path):
    """GitHub's anchors of a Markdown file's headings."""
    return {re.sub(r"[^\w\- ]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
            for line in path.read_text().split("\n") if line.startswith("#")}


def check_links(problems):
    """Every relative link of the Markdown files points at a file (and heading) that exists."""
    files = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / "models" / "README.md"] + sorted((ROOT / "docs").rglob("*.md"))
    count = 0
    for f in files:
        for n, line in enumerate(f.read_text().split("\n"), 1):
            for link in re.findall(r"\]\(([^)\s]+)\)", line):
                if re.match(r"[a-z]+:", link):
                    continue
                count += 1
                path, _, frag = link.partition("#")
                target = (f.parent / path) if path else f
                where = f"{f.relative_to(ROOT)}:{n}"
                if not target.exists():
                    problems.append(f"{where}: the link {link} points at nothing")
                elif frag and target.suffix == ".md" and frag not in heading_anchors(target):
                    problems.append(f"{where}: the link {link} names no heading of {path or f.name}")
    return count


# A score or probability shown with 3 or more decimals (0.7251): it depends in its last digits on
# the CPU's arithmetic (bfloat16 recurrent products where the CPU has them, float32 elsewhere,
# both correct), so it matches an actual value within SCORE_TOLERANCE. Measured between the two:
# at most 0.0007 on the outputs shown in the docs.
SCORE = re.compile(r"(?<![\d.])0\.\d{3,}(?!\d)")
SCORE_TOLERANCE = 0.002


def line_pattern(e):
    """A shown line as a regex ("..." any text; each score a group) and the scores shown."""
    parts, scores = [], []
    for k, chunk in enumerate(e.split("...")):
        if k:
            parts.append(".*")
        at = 0
        for m in SCORE.finditer(chunk):
            parts.append(re.escape(chunk[at:m.start()]) + r"(\d+\.\d+)")
            scores.append(float(m.group()))
            at = m.end()
        parts.append(re.escape(chunk[at:]))
    return re.compile("".join(parts) + r"\Z", re.S), scores


def line_matches(pattern, actual):
    regex, scores = pattern
    m = regex.match(actual)
    return m is not None and all(abs(float(g) - v) <= SCORE_TOLERANCE for g, v in zip(m.groups(), scores))


def matches(expected, actual):
    """Whether the actual lines match the shown lines ("..." as a wildcard line or text; scores
    within SCORE_TOLERANCE)."""
    pats = []
    for e in expected:
        e = e.rstrip()
        if e.strip() == "...":
            pats.append(None)
        else:
            pats.append(line_pattern(e))
    actual = [a.rstrip() for a in actual]
    while actual and actual[-1] == "":
        actual.pop()

    def go(i, j):
        if i == len(pats):
            return j == len(actual)
        if pats[i] is None:
            return any(go(i + 1, k) for k in range(j, len(actual) + 1))
        return j < len(actual) and line_matches(pats[i], actual[j]) and go(i + 1, j + 1)
    return go(0, 0)


def run_block(ner, cmds, bindir):
    """Runs the commands of one block in one shell; the output of each (stdout, then stderr)."""
    work = Path(tempfile.mkdtemp(prefix="ner-docs."))
    script = ["cd " + sh_quote(str(ROOT))]
    for k, (_, cmd, _) in enumerate(cmds):
        cmd = cmd.replace(".build/release/ner", sh_quote(ner))
        script.append(f"{{ {cmd}\n}} > {work}/{k}.out 2> {work}/{k}.err < /dev/null")
    env = dict(os.environ, PATH=f"{bindir}:{os.environ['PATH']}", NER=ner)
    subprocess.run(["bash", "-c", "\n".join(script)], env=env, timeout=300)
    outs = []
    for k in range(len(cmds)):
        text = (work / f"{k}.out").read_text(errors="replace") + (work / f"{k}.err").read_text(errors="replace")
        outs.append(text.split("\n")[:-1] if text.endswith("\n") else text.split("\n") if text else [])
    subprocess.run(["rm", "-rf", str(work)])
    return outs


SERVE = re.compile(r"^(?:ner|\.build/release/ner) serve((?: [^&]*)?)&\s*$")


class Server:
    """`ner serve --port 0` for a block that starts one: its port, and a stop."""

    def __init__(self, ner, options):
        self.proc = subprocess.Popen([ner, "serve", *options.split(), "--port", "0"], cwd=ROOT,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.port = None
        deadline = time.time() + 60
        for line in self.proc.stderr:
            m = re.search(r'"listening".*"port": (\d+)', line)
            if m:
                self.port = int(m.group(1))
                break
            if time.time() > deadline:
                break
        threading.Thread(target=lambda: [None for _ in self.proc.stderr], daemon=True).start()
        while self.port and time.time() < deadline:
            try:
                if urllib.request.urlopen(f"http://127.0.0.1:{self.port}/ready", timeout=5).status == 200:
                    return
            except Exception:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("ner serve did not get ready within 60 s")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def sh_quote(s):
    return "'" + s.replace("'", "'\\''") + "'"


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 64
    global verbose
    verbose = argv[0] == "-v"
    if verbose:
        argv = argv[1:]
    ner = os.path.abspath(argv[0])
    if not os.access(ner, os.X_OK):
        print(f"check_docs: {argv[0]}: not an executable (build it: swift build -c release --product ner)", file=sys.stderr)
        return 1
    files = [Path(f) for f in argv[1:]] or [ROOT / "README.md"] + sorted((ROOT / "docs" / "guide").glob("*.md"))
    bindir = tempfile.mkdtemp(prefix="ner-docs-bin.")
    os.symlink(ner, os.path.join(bindir, "ner"))
    start = time.time()
    problems, ran, checked = [], 0, 0
    for f in files:
        rel = f.resolve().relative_to(ROOT)
        for block in blocks(f):
            cmds = commands(block)
            for n, text in block:
                if not text.startswith("$ ") and re.match(r"(ner|\.build/release/ner) [a-z]+ |make [a-z]", text):
                    static_check(ner, text, f"{rel}:{n}", problems, strict=False)
                    checked += 1
            if not cmds:
                continue
            for n, cmd, _ in cmds:
                static_check(ner, cmd, f"{rel}:{n}", problems, strict=True)
            serve = [SERVE.match(c[1]) for c in cmds]
            if serve[0]:
                # a block that starts a server: run its curl commands against one on a free port
                runnable = [c for c in cmds[1:] if c[1].startswith("curl ") and "../shared" not in c[1]]
            else:
                runnable = [c for c in cmds if not any(x in c[1] for x in NOT_RUN) and not c[1].rstrip().endswith("&")]
            checked += len(cmds) - len(runnable)
            if verbose:
                for n, cmd, _ in cmds:
                    print(f"{rel}:{n}: {'run    ' if (n, cmd, _) in runnable else 'checked'} {cmd}")
            if not runnable:
                continue
            server = Server(ner, serve[0].group(1)) if serve[0] else None
            try:
                if server:
                    runnable = [(n, c.replace("localhost:8080", f"localhost:{server.port}"), e) for n, c, e in runnable]
                outputs = run_block(ner, runnable, bindir)
            finally:
                if server:
                    server.stop()
            for (n, cmd, expected), actual in zip(runnable, outputs):
                ran += 1
                if not matches(expected, actual):
                    problems.append(f"{rel}:{n}: the output of `{cmd}` is not the one shown:\n"
                                    + "\n".join("    shown:  " + e for e in expected[:12]) + "\n"
                                    + "\n".join("    actual: " + a for a in actual[:12]))
    subprocess.run(["rm", "-rf", bindir])
    links = check_links(problems) if not argv[1:] else 0
    for p in problems:
        print(p, file=sys.stderr)
    print(f"check_docs: {len(files)} files, {ran} commands run and their output compared, "
          f"{checked} checked for subcommands, options and files, {links} links, {len(problems)} problems, "
          f"{time.time() - start:.1f} s")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
