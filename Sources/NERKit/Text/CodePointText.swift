/// A text's UTF-8 bytes with the byte offset where each code point starts, so that the
/// code-point ranges annotation tools give (Python `str` offsets) are cut straight from the bytes:
/// building a `String` from a slice of its `unicodeScalars` costs an append per scalar, and the
/// aligner and the writers of annotation formats do it for every token.
package struct CodePointText {
    /// The text's UTF-8 bytes.
    package let bytes: [UInt8]
    /// `starts[i]` is the byte offset of code point `i`; the last entry is the byte count.
    package let starts: [Int]

    package init(_ text: String) {
        bytes = Array(text.utf8)
        var starts: [Int] = []
        starts.reserveCapacity(bytes.count + 1)
        for (offset, byte) in bytes.enumerated() where byte & 0xC0 != 0x80 { starts.append(offset) }
        starts.append(bytes.count)
        self.starts = starts
    }

    /// The number of code points.
    package var count: Int { starts.count - 1 }

    /// The UTF-8 bytes of the code points `range`.
    package func utf8(_ range: Range<Int>) -> ArraySlice<UInt8> {
        bytes[starts[range.lowerBound]..<starts[range.upperBound]]
    }

    /// The code points `range` as a string.
    package func string(_ range: Range<Int>) -> String {
        String(decoding: utf8(range), as: UTF8.self)
    }

    /// The code points `range` in NFC (`UnicodeNormalization.nfc`), as the model reads a token.
    package func nfc(_ range: Range<Int>) -> String {
        bytes.withUnsafeBufferPointer { all in
            UnicodeNormalization.nfc(utf8: UnsafeBufferPointer(rebasing: all[starts[range.lowerBound]..<starts[range.upperBound]]))
        }
    }

    /// Whether code point `i` has Unicode's White_Space property.
    package func isWhitespace(at i: Int) -> Bool {
        let first = bytes[starts[i]]
        if first < 0x80 { return Unicode.Scalar(first).isUnicodeWhitespace }
        return string(i..<(i + 1)).unicodeScalars.first?.properties.isWhitespace ?? false
    }
}

extension Unicode.Scalar {
    /// Unicode's White_Space property (`properties.isWhitespace`), answered for ASCII (tab, line
    /// feed, vertical tab, form feed, carriage return, space) without looking the property up.
    @inline(__always) package var isUnicodeWhitespace: Bool {
        value < 0x80 ? value == 0x20 || (value >= 0x09 && value <= 0x0D) : properties.isWhitespace
    }
}
