/// A strict, small JSON reader for safetensors headers, patterns files and the records of
/// annotation exports (`AnnotationRecord`). Our own rather than Foundation's so that every
/// malformed input (bad syntax, duplicate keys, deep nesting, invalid UTF-8) becomes a clear
/// message instead of a bridging surprise or a stack overflow, and so that integers stay exact.
///
/// Measured against Foundation on the header of models/default.ner (1.19 MB, most of it the
/// vocabularies' JSON strings), `bash bench/json_parsers.sh`, -O whole module, medians of 9
/// interleaved rounds on the loaded 2-core machine (2026-12-06): HeaderJSON 15.4 ms a parse,
/// JSONDecoder 39.3 ms, JSONSerialization 85.7 ms. Foundation would make loading a model slower
/// and lose the checks above, so this reader stays.
///
/// Values are not boxed (the enum is not `indirect`: arrays already hold their elements on the
/// heap), a string without escapes is made from its bytes in one step, and the keys of a small
/// object are checked for duplicates without a set, so that reading a JSON-lines record with a
/// small object per token costs few allocations (see docs/guide/annotations.md, Speed and memory).
package enum HeaderJSON: Sendable {
    case object([(key: String, value: HeaderJSON)])
    case array([HeaderJSON])
    case string(String)
    /// The number's text as written, so integers can be read exactly.
    case number(String)
    case bool(Bool)
    case null

    /// Parses one JSON value followed only by whitespace, nested at most `maxDepth` deep.
    /// Throws `HeaderJSON.SyntaxError`.
    static func parse(_ bytes: ArraySlice<UInt8>, maxDepth: Int = 32) throws -> HeaderJSON {
        var parser = Parser(bytes: bytes, maxDepth: maxDepth)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        if parser.position != bytes.endIndex { throw parser.fail("unexpected text after the JSON value") }
        return value
    }

    /// The value as a non-negative `Int` if it is an integer literal that fits.
    var nonNegativeInt: Int? {
        guard case .number(let text) = self, let n = Int(text), n >= 0 else { return nil }
        return n
    }

    /// The value of `key` in an object (its first, as keys are unique); nil when there is no
    /// such key or the value is not an object.
    subscript(key: String) -> HeaderJSON? {
        guard case .object(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }

    /// The members of an object, nil for any other value.
    var objectValue: [(key: String, value: HeaderJSON)]? {
        guard case .object(let entries) = self else { return nil }
        return entries
    }

    /// The elements of an array, nil for any other value.
    var arrayValue: [HeaderJSON]? {
        guard case .array(let items) = self else { return nil }
        return items
    }

    /// The text of a string, nil for any other value.
    var stringValue: String? {
        guard case .string(let text) = self else { return nil }
        return text
    }

    /// A number that is a whole number and fits an `Int` (`3`, also `3.0` or `3e0`), else nil.
    var integerValue: Int? {
        guard case .number(let text) = self else { return nil }
        if let n = Int(text) { return n }
        guard let d = Double(text), d == d.rounded(), abs(d) < 9.0e18 else { return nil }
        return Int(d)
    }

    /// A number as a `Double`, nil for any other value.
    var doubleValue: Double? {
        guard case .number(let text) = self else { return nil }
        return Double(text)
    }

    /// Short name of the kind of value, for error messages.
    var kind: String {
        switch self {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        }
    }

    struct SyntaxError: Error {
        var offset: Int
        var message: String
    }

    private struct Parser {
        let bytes: ArraySlice<UInt8>
        var position: Int
        let maxDepth: Int

        init(bytes: ArraySlice<UInt8>, maxDepth: Int) {
            self.bytes = bytes
            self.maxDepth = maxDepth
            position = bytes.startIndex
        }

        func fail(_ message: String) -> SyntaxError {
            SyntaxError(offset: position - bytes.startIndex, message: message)
        }

        var current: UInt8? { position < bytes.endIndex ? bytes[position] : nil }

        mutating func skipWhitespace() {
            while let c = current, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { position += 1 }
        }

        mutating func expect(_ c: UInt8) throws {
            guard current == c else {
                throw fail("expected '\(Character(Unicode.Scalar(c)))'")
            }
            position += 1
        }

        mutating func value(depth: Int) throws -> HeaderJSON {
            guard depth < maxDepth else { throw fail("nested too deeply") }
            guard let c = current else { throw fail("unexpected end of the JSON") }
            switch c {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw fail("unexpected character")
            }
        }

        mutating func literal(_ word: String) throws {
            for b in word.utf8 {
                guard current == b else { throw fail("invalid literal") }
                position += 1
            }
        }

        mutating func object(depth: Int) throws -> HeaderJSON {
            position += 1
            var entries: [(key: String, value: HeaderJSON)] = []
            // Small objects (a token, a span) are searched for a repeated key; large ones use a set.
            var seen: Set<String>?
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                position += 1
                return .object(entries)
            }
            // Room for a token's or a span's members at once, rather than growing three times.
            entries.reserveCapacity(8)
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                let key = try string()
                let repeated: Bool
                if seen == nil && entries.count < 16 {
                    repeated = entries.contains { $0.key == key }
                } else {
                    if seen == nil { seen = Set(entries.map(\.key)) }
                    repeated = !seen!.insert(key).inserted
                }
                guard !repeated else { throw fail("duplicate key \(JSONText.quoted(key))") }
                skipWhitespace()
                try expect(UInt8(ascii: ":"))
                skipWhitespace()
                entries.append((key, try value(depth: depth + 1)))
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect(UInt8(ascii: "}"))
                return .object(entries)
            }
        }

        mutating func array(depth: Int) throws -> HeaderJSON {
            position += 1
            var items: [HeaderJSON] = []
            skipWhitespace()
            if current == UInt8(ascii: "]") {
                position += 1
                return .array(items)
            }
            while true {
                skipWhitespace()
                items.append(try value(depth: depth + 1))
                skipWhitespace()
                if current == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect(UInt8(ascii: "]"))
                return .array(items)
            }
        }

        mutating func number() throws -> String {
            let start = position
            if current == UInt8(ascii: "-") { position += 1 }
            guard let first = current, isDigit(first) else { throw fail("invalid number") }
            if first == UInt8(ascii: "0") {
                position += 1
            } else {
                while let c = current, isDigit(c) { position += 1 }
            }
            if current == UInt8(ascii: ".") {
                position += 1
                guard let c = current, isDigit(c) else { throw fail("invalid number") }
                while let c = current, isDigit(c) { position += 1 }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                position += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
                guard let c = current, isDigit(c) else { throw fail("invalid number") }
                while let c = current, isDigit(c) { position += 1 }
            }
            return String(decoding: bytes[start..<position], as: UTF8.self)
        }

        func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

        mutating func string() throws -> String {
            position += 1
            // Most strings hold no escape: find the closing quote and take the bytes as they are.
            var end = position
            while end < bytes.endIndex {
                let c = bytes[end]
                if c == UInt8(ascii: "\"") {
                    guard let s = UTF8Validation.string(bytes[position..<end]) else {
                        throw fail("string is not valid UTF-8")
                    }
                    position = end + 1
                    return s
                }
                if c == UInt8(ascii: "\\") || c < 0x20 { break }
                end += 1
            }
            var out: [UInt8] = []
            while true {
                guard let c = current else { throw fail("unterminated string") }
                position += 1
                switch c {
                case UInt8(ascii: "\""):
                    guard let s = UTF8Validation.string(out[...]) else {
                        throw fail("string is not valid UTF-8")
                    }
                    return s
                case UInt8(ascii: "\\"):
                    guard let e = current else { throw fail("unterminated string") }
                    position += 1
                    if let byte = JSONText.unescapedByte(e) {
                        out.append(byte)
                        continue
                    }
                    switch e {
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if JSONText.isHighSurrogate(scalar) {
                            guard current == UInt8(ascii: "\\") else { throw fail("unpaired surrogate") }
                            position += 1
                            guard current == UInt8(ascii: "u") else { throw fail("unpaired surrogate") }
                            position += 1
                            let low = try hex4()
                            guard JSONText.isLowSurrogate(low) else { throw fail("unpaired surrogate") }
                            scalar = JSONText.scalar(high: scalar, low: low)
                        }
                        guard let u = Unicode.Scalar(scalar) else { throw fail("unpaired surrogate") }
                        out.append(contentsOf: Array(String(Character(u)).utf8))
                    default:
                        throw fail("invalid escape")
                    }
                default:
                    guard c >= 0x20 else { throw fail("control character in a string") }
                    out.append(c)
                }
            }
        }

        mutating func hex4() throws -> UInt32 {
            var v: UInt32 = 0
            for _ in 0..<4 {
                guard let c = current else { throw fail("unterminated string") }
                guard let d = JSONText.hexValue(c) else { throw fail("invalid \\u escape") }
                v = v << 4 | d
                position += 1
            }
            return v
        }
    }
}
