/// A strict, small JSON reader for safetensors headers and patterns files. Our own rather than
/// Foundation's so that every malformed header (bad syntax, duplicate keys, deep nesting, invalid
/// UTF-8) becomes a clear message instead of a bridging surprise or a stack overflow, and so that
/// integers stay exact.
///
/// Measured against Foundation on the header of models/default.ner (1.19 MB, most of it the
/// vocabularies' JSON strings), `bash bench/json_parsers.sh`, -O whole module, medians of 9
/// interleaved rounds on the loaded 2-core machine (2026-12-06): HeaderJSON 15.4 ms a parse,
/// JSONDecoder 39.3 ms, JSONSerialization 85.7 ms. Foundation would make loading a model slower
/// and lose the checks above, so this reader stays.
indirect enum HeaderJSON: Sendable {
    case object([(key: String, value: HeaderJSON)])
    case array([HeaderJSON])
    case string(String)
    /// The number's text as written, so integers can be read exactly.
    case number(String)
    case bool(Bool)
    case null

    /// Parses one JSON value followed only by whitespace. Throws `HeaderJSON.SyntaxError`.
    static func parse(_ bytes: ArraySlice<UInt8>) throws -> HeaderJSON {
        var parser = Parser(bytes: bytes)
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
        static let maxDepth = 32

        init(bytes: ArraySlice<UInt8>) {
            self.bytes = bytes
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
            guard depth < Parser.maxDepth else { throw fail("nested too deeply") }
            guard let c = current else { throw fail("unexpected end of the header") }
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
            var seen = Set<String>()
            skipWhitespace()
            if current == UInt8(ascii: "}") {
                position += 1
                return .object(entries)
            }
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                let key = try string()
                guard seen.insert(key).inserted else { throw fail("duplicate key \(JSONText.quoted(key))") }
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
            var out: [UInt8] = []
            while true {
                guard let c = current else { throw fail("unterminated string") }
                position += 1
                switch c {
                case UInt8(ascii: "\""):
                    guard let s = String(validating: out, as: UTF8.self) else {
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
