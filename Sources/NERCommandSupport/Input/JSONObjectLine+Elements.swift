import NERKit

extension JSONObjectLine {
    /// The elements of an array member, in order, each as a `Member` with an empty key (so
    /// `string(_:)` reads string elements); nil when the member is not an array. The line was
    /// validated when it was read, so this only finds where each top-level element starts and
    /// ends (the HTTP service reads `"texts": [...]` and `"ids": [...]` this way).
    package func elements(_ member: Member) -> [Member]? {
        guard member.kind == "an array" else { return nil }
        let inside = (member.valueRange.lowerBound + 1)..<(member.valueRange.upperBound - 1)
        var elements: [Member] = []
        var depth = 0, inString = false, escaped = false
        var start: Int?
        var lastSignificant = inside.lowerBound
        func close(at end: Int) {
            if let s = start { elements.append(Member(key: "", valueRange: s..<end, kind: JSONScanner.kind(of: bytes[s]))) }
            start = nil
        }
        for i in inside {
            let c = bytes[i]
            if inString {
                if escaped { escaped = false } else if c == UInt8(ascii: "\\") { escaped = true } else if c == UInt8(ascii: "\"") { inString = false }
                lastSignificant = i + 1
                continue
            }
            switch c {
            case 0x20, 0x0A, 0x0D, 0x09:
                continue
            case UInt8(ascii: ",") where depth == 0:
                close(at: lastSignificant)
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: "\""):
                inString = true
            default:
                break
            }
            if start == nil { start = i }
            lastSignificant = i + 1
        }
        close(at: lastSignificant)
        return elements
    }
}
