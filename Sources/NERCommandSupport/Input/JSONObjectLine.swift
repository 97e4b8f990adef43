import NERKit

/// One line of JSON-lines input, checked to be a JSON object and located but not rebuilt: the
/// whole line is validated (RFC 8259, UTF-8, any nesting depth, no recursion) and only its
/// top-level members are recorded, as byte ranges into the line. `ner tag --input jsonl` can then
/// write the record back byte for byte with its entities spliced in, so numbers, key order,
/// spacing and escapes stay exactly as they came (a parse-and-print round trip would round
/// 1e400, reorder keys or re-escape strings).
///
/// Foundation's readers give values, not where they are in the line, so they cannot do this; and
/// they are no faster. On CoNLL-2003 as JSON lines (bench/jsonl_corpus.py, 1393 records of 1.2 KB),
/// `bash bench/json_parsers.sh`, -O whole module, medians of 9 interleaved rounds on the loaded
/// 2-core machine (2026-12-06), per line with its "text" unescaped: JSONObjectLine 13.7 µs,
/// JSONSerialization 13.5 µs, JSONDecoder 14.2 µs; `ner tag --input jsonl` took 19 s over
/// the same file, so reading the JSON is 0.1% of it either way.
package struct JSONObjectLine {
    /// A top-level member of the object.
    package struct Member: Equatable {
        /// The key, unescaped.
        package var key: String
        /// The value's bytes in the line (a string keeps its quotes).
        package var valueRange: Range<Int>
        /// What the value is: "a string", "a number", "an object", ...
        package var kind: String
    }

    /// The line as read, without its line terminator.
    package let bytes: [UInt8]
    /// From the object's `{` through its `}` (surrounding whitespace excluded).
    package let objectRange: Range<Int>
    package let members: [Member]

    /// Why a line is not a JSON object. `offset` is a 0-based byte offset into the line.
    package enum Problem: Error, Equatable, CustomStringConvertible {
        case invalidUTF8(offset: Int)
        case syntax(offset: Int, message: String)
        /// Valid JSON of another kind; `range` is the value (to echo it).
        case notAnObject(kind: String, range: Range<Int>)

        package var description: String {
            switch self {
            case .invalidUTF8(let offset): return "invalid UTF-8 at byte \(offset + 1)"
            case .syntax(let offset, let message): return "invalid JSON at byte \(offset + 1): \(message)"
            case .notAnObject(let kind, _): return "not a JSON object but \(kind)"
            }
        }
    }

    /// Reads `bytes` (one line, no terminator) as one JSON object with only whitespace around it.
    package init(_ bytes: [UInt8]) throws(Problem) {
        if let bad = UTF8Validation.firstInvalidIndex(bytes) { throw .invalidUTF8(offset: bad) }
        var scanner = JSONScanner(bytes: bytes)
        let (range, members) = try scanner.scanDocument()
        guard bytes[range.lowerBound] == UInt8(ascii: "{") else {
            throw .notAnObject(kind: JSONScanner.kind(of: bytes[range.lowerBound]), range: range)
        }
        self.bytes = bytes
        objectRange = range
        self.members = members
    }

    /// The members named `key` (JSON allows a key twice; callers decide what that means).
    package func members(named key: String) -> [Member] {
        members.filter { $0.key == key }
    }

    /// The unescaped text of a string member, or nil if the member is not a string. An escaped
    /// lone surrogate (`"\ud800"`, which JSON's grammar allows) becomes U+FFFD: one code point, as
    /// in Python, so offsets into the text still agree with Python's `str`.
    package func string(_ member: Member) -> String? {
        guard member.kind == "a string" else { return nil }
        return JSONScanner.unescape(bytes[(member.valueRange.lowerBound + 1)..<(member.valueRange.upperBound - 1)])
    }

    /// The bytes of `range` as a string (the line is valid UTF-8).
    package func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }
}

/// The validating scanner behind `JSONObjectLine`: an explicit stack instead of recursion, so
/// a line of a million `[` is an error message and not a stack overflow.
struct JSONScanner {
    let bytes: [UInt8]
    var i = 0

    private enum Container { case object, array }

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    static func kind(of first: UInt8) -> String {
        switch first {
        case UInt8(ascii: "{"): return "an object"
        case UInt8(ascii: "["): return "an array"
        case UInt8(ascii: "\""): return "a string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "a boolean"
        case UInt8(ascii: "n"): return "null"
        default: return "a number"
        }
    }

    private func fail(_ message: String) -> JSONObjectLine.Problem {
        .syntax(offset: i, message: message)
    }

    private var current: UInt8? { i < bytes.count ? bytes[i] : nil }

    private mutating func skipWhitespace() {
        while i < bytes.count {
            let c = bytes[i]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            i += 1
        }
    }

    /// Scans the one value of the line; returns its range and, if it is an object, its members.
    mutating func scanDocument() throws(JSONObjectLine.Problem) -> (Range<Int>, [JSONObjectLine.Member]) {
        skipWhitespace()
        guard i < bytes.count else { throw fail("no JSON value") }
        let start = i
        var members: [JSONObjectLine.Member] = []
        var stack: [Container] = []
        var key = ""
        var memberStart = 0
        // Each turn reads one value (opening a container counts as starting one), then the
        // separators after it, until the outermost value closes.
        while true {
            skipWhitespace()
            guard let c = current else { throw fail("unexpected end of the line") }
            let atTopMember = stack.count == 1 && stack[0] == .object
            if atTopMember { memberStart = i }
            switch c {
            case UInt8(ascii: "{"):
                i += 1
                skipWhitespace()
                if current == UInt8(ascii: "}") {
                    i += 1
                } else {
                    stack.append(.object)
                    let k = try scanKey()
                    if stack.count == 1 { key = k }
                    continue
                }
            case UInt8(ascii: "["):
                i += 1
                skipWhitespace()
                if current == UInt8(ascii: "]") {
                    i += 1
                } else {
                    stack.append(.array)
                    continue
                }
            case UInt8(ascii: "\""): try scanString()
            case UInt8(ascii: "t"): try scanLiteral("true")
            case UInt8(ascii: "f"): try scanLiteral("false")
            case UInt8(ascii: "n"): try scanLiteral("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try scanNumber()
            default: throw fail("expected a value")
            }
            // A value just ended; close every container that ends here.
            var justClosed = atTopMember
            while true {
                if justClosed {
                    members.append(.init(key: key, valueRange: memberStart..<i, kind: Self.kind(of: bytes[memberStart])))
                    justClosed = false
                }
                guard let top = stack.last else {
                    let end = i
                    skipWhitespace()
                    guard i == bytes.count else { throw fail("unexpected text after the JSON value") }
                    return (start..<end, members)
                }
                skipWhitespace()
                let close = top == .object ? UInt8(ascii: "}") : UInt8(ascii: "]")
                if current == UInt8(ascii: ",") {
                    i += 1
                    if top == .object {
                        let k = try scanKey()
                        if stack.count == 1 { key = k }
                    }
                    break
                }
                guard current == close else {
                    throw fail(current == nil ? "unexpected end of the line"
                                              : top == .object ? "expected ',' or '}'" : "expected ',' or ']'")
                }
                i += 1
                stack.removeLast()
                justClosed = stack.count == 1 && stack[0] == .object
            }
        }
    }

    /// Reads `"key" :` and returns the key, unescaped.
    private mutating func scanKey() throws(JSONObjectLine.Problem) -> String {
        skipWhitespace()
        guard current == UInt8(ascii: "\"") else { throw fail("expected a string key") }
        let start = i
        try scanString()
        let key = Self.unescape(bytes[(start + 1)..<(i - 1)])
        skipWhitespace()
        guard current == UInt8(ascii: ":") else { throw fail("expected ':' after the key") }
        i += 1
        return key
    }

    private mutating func scanString() throws(JSONObjectLine.Problem) {
        i += 1
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return
            }
            if c == UInt8(ascii: "\\") {
                i += 1
                guard let e = current else { break }
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 1
                case UInt8(ascii: "u"):
                    i += 1
                    for _ in 0..<4 {
                        guard let h = current, JSONText.hexValue(h) != nil else { throw fail("invalid \\u escape") }
                        i += 1
                    }
                default:
                    throw fail("invalid escape")
                }
                continue
            }
            guard c >= 0x20 else { throw fail("control character in a string (it must be escaped)") }
            i += 1
        }
        throw fail("unterminated string")
    }

    private mutating func scanLiteral(_ word: StaticString) throws(JSONObjectLine.Problem) {
        let start = i
        for k in 0..<word.utf8CodeUnitCount {
            guard current == word.utf8Start[k] else {
                i = start
                throw fail("expected a value")
            }
            i += 1
        }
    }

    private mutating func scanNumber() throws(JSONObjectLine.Problem) {
        func digits(_ s: inout JSONScanner) -> Int {
            let from = s.i
            while let c = s.current, c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") { s.i += 1 }
            return s.i - from
        }
        if current == UInt8(ascii: "-") { i += 1 }
        if current == UInt8(ascii: "0") {
            i += 1
        } else if digits(&self) == 0 {
            throw fail("invalid number")
        }
        if current == UInt8(ascii: ".") {
            i += 1
            guard digits(&self) > 0 else { throw fail("invalid number") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            i += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { i += 1 }
            guard digits(&self) > 0 else { throw fail("invalid number") }
        }
    }

    /// The text of a string literal's inside (already validated), escapes resolved.
    static func unescape(_ inside: ArraySlice<UInt8>) -> String {
        guard inside.contains(UInt8(ascii: "\\")) else { return String(decoding: inside, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(inside.count)
        var k = inside.startIndex
        func hex4(_ at: Int) -> UInt32 {
            (0..<4).reduce(0) { $0 << 4 | (JSONText.hexValue(inside[at + $1]) ?? 0) }
        }
        while k < inside.endIndex {
            let c = inside[k]
            if c != UInt8(ascii: "\\") {
                out.append(c)
                k += 1
                continue
            }
            let e = inside[k + 1]
            k += 2
            if let byte = JSONText.unescapedByte(e) {
                out.append(byte)
                continue
            }
            switch e {
            case UInt8(ascii: "u"):
                var value = hex4(k)
                k += 4
                if JSONText.isHighSurrogate(value), k + 6 <= inside.endIndex,
                   inside[k] == UInt8(ascii: "\\"), inside[k + 1] == UInt8(ascii: "u") {
                    let low = hex4(k + 2)
                    if JSONText.isLowSurrogate(low) {
                        value = JSONText.scalar(high: value, low: low)
                        k += 6
                    }
                }
                out.append(contentsOf: String(Character(Unicode.Scalar(value) ?? "\u{FFFD}")).utf8)
            default: out.append(e)  // not reached: the literal was validated
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
