/// JSON string literals for everything ner writes as JSON (tag output, eval reports, model file
/// headers, the HTTP service): one writer, so every output escapes alike.
package enum JSONText {
    /// `text` as a JSON string literal, quotes included.
    package static func quoted(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 2)
        appendQuoted(text.utf8, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the JSON string literal of valid UTF-8 `text`, quotes included: `"`, the backslash
    /// and the control characters escaped (`\n`, `\r`, `\t`, else `\u00XX`), all else as it is.
    /// The bytes are scanned in place when the collection stores them contiguously (arrays,
    /// their slices, native strings' UTF-8), so a call from another module costs no generic
    /// iteration per byte.
    @inlinable
    package static func appendQuoted<Bytes: Collection<UInt8>>(_ text: Bytes, to out: inout [UInt8]) {
        if text.withContiguousStorageIfAvailable({ appendQuoted(contiguous: $0, to: &out) }) != nil { return }
        Array(text).withUnsafeBufferPointer { appendQuoted(contiguous: $0, to: &out) }
    }

    /// Writes the JSON string literal of `text` at `to`, at most `quotedBound(text.count)` bytes,
    /// and returns how many.
    package static func writeQuoted(_ text: UnsafeBufferPointer<UInt8>, to: UnsafeMutablePointer<UInt8>) -> Int {
        var at = to
        at.pointee = 0x22
        at += 1
        if !needsEscape(text) {
            if let base = text.baseAddress { at.update(from: base, count: text.count) }
            at += text.count
        } else {
            for c in text {
                escape(c) {
                    at.pointee = $0
                    at += 1
                }
            }
        }
        at.pointee = 0x22
        return at + 1 - to
    }

    /// `appendQuoted` of bytes in memory.
    package static func appendQuoted(contiguous text: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(0x22)
        // Most text needs no escape: copied whole.
        if !needsEscape(text) {
            out.append(contentsOf: text)
        } else {
            for c in text { escape(c) { out.append($0) } }
        }
        out.append(0x22)
    }

    /// Whether a byte of `text` is escaped in a string literal. (Eight bytes at a time with bit
    /// tricks was measured slower: most strings written are tokens shorter than eight bytes.)
    @inline(__always)
    static func needsEscape(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        text.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C })
    }

    /// The most bytes the string literal of `count` bytes takes: each byte may become six
    /// (`\u00XX`), and the quotes.
    package static func quotedBound(_ count: Int) -> Int { 6 * count + 2 }

    /// Calls `put` with the bytes byte `c` is written as inside a string literal: `"`, the
    /// backslash and the control characters escaped (`\n`, `\r`, `\t`, else `\u00XX`), all else
    /// as it is.
    @inline(__always)
    static func escape(_ c: UInt8, _ put: (UInt8) -> Void) {
        switch c {
        case 0x22: put(0x5C); put(0x22)
        case 0x5C: put(0x5C); put(0x5C)
        case 0x0A: put(0x5C); put(UInt8(ascii: "n"))
        case 0x0D: put(0x5C); put(UInt8(ascii: "r"))
        case 0x09: put(0x5C); put(UInt8(ascii: "t"))
        case 0..<0x20:
            let high = c >> 4, low = c & 0xF
            for b in [0x5C, UInt8(ascii: "u"), 0x30, 0x30, 0x30 + high, low < 10 ? 0x30 + low : UInt8(ascii: "a") + low - 10] { put(b) }
        default: put(c)
        }
    }

    /// The most bytes `writeInteger` writes: a sign and 19 digits.
    package static let maxIntegerBytes = 20

    /// Writes the decimal digits of `n` (with a `-` when negative) at `to`, at most
    /// `maxIntegerBytes` of them, and returns how many. Two digits at a time, from a table.
    package static func writeInteger(_ n: Int, to: UnsafeMutablePointer<UInt8>) -> Int {
        var m = n.magnitude
        // How many digits: compared with powers of ten (Int's magnitude has at most 19).
        var digits = 1, power: UInt = 10
        while m >= power && digits < 19 {
            digits += 1
            power &*= 10
        }
        let sign = n < 0 ? 1 : 0
        if n < 0 { to.pointee = UInt8(ascii: "-") }
        var i = sign + digits
        let pairs = digitPairs.utf8Start
        while m >= 100 {
            let r = Int(truncatingIfNeeded: m % 100)
            m /= 100
            i -= 2
            to[i] = pairs[2 * r]
            to[i + 1] = pairs[2 * r + 1]
        }
        if m >= 10 {
            to[i - 2] = pairs[2 * Int(truncatingIfNeeded: m)]
            to[i - 1] = pairs[2 * Int(truncatingIfNeeded: m) + 1]
        } else {
            to[i - 1] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: m)
        }
        return sign + digits
    }

    /// "00" to "99", one after another.
    private static let digitPairs: StaticString = """
        00010203040506070809101112131415161718192021222324252627282930313233343536373839\
        40414243444546474849505152535455565758596061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899
        """

    /// Appends the decimal digits of `n` (with a `-` when negative), as `"\(n)"` writes it.
    package static func appendInteger(_ n: Int, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxIntegerBytes) { digits in
            out.append(contentsOf: UnsafeBufferPointer(start: digits.baseAddress!, count: writeInteger(n, to: digits.baseAddress!)))
        }
    }
}

/// The pieces of reading a JSON string literal that every JSON reader of ner shares (the model
/// file's header, JSON-lines records), so that they resolve escapes alike.
extension JSONText {
    /// The byte a one-character escape (`\b \f \n \r \t \" \\ \/`) stands for; nil for any
    /// other character after a backslash (`\u` included).
    package static func unescapedByte(_ escape: UInt8) -> UInt8? {
        switch escape {
        case UInt8(ascii: "\""): return 0x22
        case UInt8(ascii: "\\"): return 0x5C
        case UInt8(ascii: "/"): return 0x2F
        case UInt8(ascii: "b"): return 0x08
        case UInt8(ascii: "f"): return 0x0C
        case UInt8(ascii: "n"): return 0x0A
        case UInt8(ascii: "r"): return 0x0D
        case UInt8(ascii: "t"): return 0x09
        default: return nil
        }
    }

    /// The value of a hexadecimal digit, or nil.
    package static func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(c - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(c - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(c - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// `\uD83D` is a high surrogate, to be followed by a low one.
    package static func isHighSurrogate(_ unit: UInt32) -> Bool { (0xD800..<0xDC00).contains(unit) }
    package static func isLowSurrogate(_ unit: UInt32) -> Bool { (0xDC00..<0xE000).contains(unit) }

    /// The code point of a surrogate pair (`\uD83D\uDE80` → U+1F680).
    package static func scalar(high: UInt32, low: UInt32) -> UInt32 {
        0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
    }
}
