#!/usr/bin/env python3
"""Lists the public declarations of NERKit that have no doc comment, and exits 1 if there is any.

NERKit is the library others build on: every declaration they can see has a `///` comment (or a
`/** */` block) right above it, attributes such as `@discardableResult` in between allowed.
DocC (`make docs`) does not check this: it warns about broken links, not missing comments.

A declaration is public when it says `public` or `open`, when it is a `case` of a public enum,
or when it is a member of a public protocol or of a `public extension` (public without saying
so). `public extension` blocks themselves need no comment (DocC shows their members under the
type).

How it reads Swift (a textual approximation; it runs no compiler): comments and the text of
string literals are removed (scripts/check_layers.py's `strip_code`) before it looks for
declarations and counts braces, so a `{` or `public` in a string or comment does not count; it
expects one declaration to start a line, as the code base writes them.

Usage: scripts/check_public_docs.py [--root Sources/NERKit]
It first checks itself on a small file with known answers (self_test).
"""

import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_layers import strip_code  # noqa: E402

MODIFIERS = (r"(?:(?:public|open|package|internal|fileprivate|private|static|class|final|mutating|"
             r"nonmutating|nonisolated|override|convenience|required|indirect|lazy|weak|unowned|"
             r"dynamic|isolated|consuming|borrowing)\s+)*")
ATTRIBUTES = r"(?:@\w+(?:\([^)]*\))?\s+)*"
KIND = r"(func|var|let|init\??!?|subscript|struct|class|enum|protocol|actor|typealias|case|extension|associatedtype|deinit)\b"
DECL = re.compile(r"^\s*" + ATTRIBUTES + r"(" + MODIFIERS + r")" + KIND)
NAME = re.compile(r"\b(?:func|var|let|struct|class|enum|protocol|actor|typealias|case|associatedtype|extension)\s+"
                  r"([A-Za-z_`][A-Za-z0-9_.`]*)|\b(init\??|subscript)")
ATTRIBUTE_LINE = re.compile(r"^\s*@\w+(?:\([^)]*\))?\s*$")


def missing_docs(path, text):
    """The public declarations of one file without a doc comment, as `path:line: declaration`."""
    raw = text.split("\n")
    code = strip_code(text).split("\n")
    problems = []
    # Open braces: for each, the kind of body it opened ("public-enum", "public-protocol",
    # "public-extension" or "other").
    stack = []
    pending = None  # the kind of body the next `{` opens, set by a declaration line
    for i, line in enumerate(code):
        m = DECL.match(line)
        if m:
            modifiers, kind = m.group(1), m.group(2)
            inside = stack[-1] if stack else None
            said_public = re.search(r"\b(public|open)\b", modifiers) is not None
            said_other = re.search(r"\b(package|internal|fileprivate|private)\b", modifiers) is not None
            implicitly_public = (inside in ("public-protocol", "public-extension") and not said_other) or \
                (inside == "public-enum" and kind == "case")
            public = said_public or implicitly_public
            if kind == "extension":
                pending = "public-extension" if said_public else "other"
            elif kind in ("enum", "protocol") and public:
                pending = "public-" + kind
            else:
                pending = "other"
            if public and kind != "extension" and not documented(raw, i):
                name = NAME.search(line)
                shown = name.group(1) if name and name.group(1) else ""
                problems.append(f"{path}:{i + 1}: {kind} {shown}".rstrip())
        for c in line:
            if c == "{":
                stack.append(pending or "other")
                pending = None
            elif c == "}" and stack:
                stack.pop()
    return problems


def documented(raw, i):
    """Whether the declaration at line `i` has a doc comment above it (attributes in between)."""
    j = i - 1
    while j >= 0 and ATTRIBUTE_LINE.match(raw[j]):
        j -= 1
    if j < 0:
        return False
    above = raw[j].strip()
    return above.startswith("///") or (above.endswith("*/") and doc_block_opens(raw, j))


def doc_block_opens(raw, j):
    while j >= 0:
        if "/*" in raw[j]:
            return "/**" in raw[j]
        j -= 1
    return False


def check(root):
    problems = []
    for dirpath, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            if name.endswith(".swift"):
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8") as f:
                    problems += missing_docs(os.path.relpath(path), f.read())
    return problems


def self_test():
    """Finds exactly the undocumented public declarations of a known file; exits 1 if not."""
    text = '''/// Documented.
public struct A {
    public var x: Int
    /// Documented.
    public var y: Int
    var z = "public var notADeclaration: Int {"
    /** Documented in a block. */
    public init() {}
    @discardableResult
    public func f() -> Int { 1 }
}

/// Documented.
public enum E {
    case one
    /// Documented.
    case two
    package static func hidden() {}
}

enum Internal {
    case notPublic
}

public extension A {
    func g() {}
    private func h() {}
}

// Not a doc comment.
public protocol P {
    func p()
}
'''
    got = missing_docs("T.swift", text)
    expected = ["T.swift:3: var x", "T.swift:10: func f", "T.swift:15: case one", "T.swift:26: func g",
                "T.swift:31: protocol P", "T.swift:32: func p"]
    if got != expected:
        print("check_public_docs.py self-test failed:\n  got      " + "\n           ".join(got) +
              "\n  expected " + "\n           ".join(expected))
        return 1
    return 0


def main():
    ap = argparse.ArgumentParser(description="public declarations of NERKit without a doc comment")
    ap.add_argument("--root", default=os.path.join(os.path.dirname(__file__), "..", "Sources", "NERKit"))
    args = ap.parse_args()
    if self_test():
        return 1
    problems = check(os.path.normpath(args.root))
    if problems:
        print("Public declarations without a doc comment (///):")
        for p in problems:
            print("  " + p)
        print(f"\n{len(problems)} undocumented public declaration(s).")
        return 1
    print("Every public declaration of NERKit has a doc comment.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
