/// Where UTF-8 goes wrong, if it does. Record input (`ner tag --input jsonl`/`lines`) refuses an
/// invalid line instead of repairing it, because offsets into a repaired text would not index the
/// bytes the user has, and it wants the position for the error line. Checks what
/// `String(validating:)` checks — no overlong forms, no surrogates, nothing past U+10FFFF, no
/// truncated sequence — without building a string.
package enum UTF8Validation {
    /// The index of the first byte of the first invalid sequence in `bytes`, or nil if all of it
    /// is valid UTF-8.
    package static func firstInvalidIndex<C: RandomAccessCollection>(_ bytes: C) -> C.Index? where C.Element == UInt8 {
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i != end {
            let b0 = bytes[i]
            if b0 < 0x80 {
                i = bytes.index(after: i)
                continue
            }
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF  // allowed range of the second byte
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return i
            }
            guard bytes.distance(from: i, to: end) >= length else { return i }
            var j = bytes.index(after: i)
            guard bytes[j] >= low && bytes[j] <= high else { return i }
            for _ in 2..<length {
                j = bytes.index(after: j)
                guard bytes[j] & 0xC0 == 0x80 else { return i }
            }
            i = bytes.index(i, offsetBy: length)
        }
        return nil
    }

    /// `bytes` as a string if they are valid UTF-8, else nil: what `String(validating:as:)`
    /// gives, without its generic call into the standard library, which looks up type metadata
    /// on every call (a fifth of the time of reading a JSON-lines corpus, a string per token).
    package static func string(_ bytes: ArraySlice<UInt8>) -> String? {
        bytes.withUnsafeBufferPointer { b in
            firstInvalidIndex(b) == nil ? String(decoding: b, as: UTF8.self) : nil
        }
    }
}
