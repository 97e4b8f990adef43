/// Turns raw text into tokens (CoNLL-2003 / Penn Treebank style) and sentences, keeping every
/// token's position in the original input so tags can be reported against it.
///
///     let sentences = Tokenizer().sentences("Mr. Smith went to Washington. He arrived on Jan. 5.")
///     // [["Mr.", "Smith", "went", "to", "Washington", "."], ["He", "arrived", "on", "Jan.", "5", "."]]
///
/// Offsets count Unicode scalars (as Python indexes a `str`) and UTF-8 bytes, end exclusive. The
/// `scalarBase`/`byteBase` variants add a base, for text that arrives paragraph by paragraph.
package struct Tokenizer: Sendable {
    package init() {}

    /// The tokens of `text`, without sentence splitting.
    func tokenize(_ text: String) -> [TextToken] {
        tokenize(text, scalarBase: 0, byteBase: 0)
    }

    /// The tokens of `text`, with offsets counted from `scalarBase` and `byteBase` (the position
    /// of `text` in a larger input).
    func tokenize(_ text: String, scalarBase: Int, byteBase: Int) -> [TextToken] {
        var copy = text
        return copy.withUTF8 { utf8 in
            let decoded = ScalarText(utf8: utf8)
            let spans = TokenScanner(text: decoded).scan()
            return spans.map { makeToken($0, decoded, utf8, scalarBase, byteBase) }
        }
    }

    /// The tokens `tokenize` makes of the UTF-8 text `utf8`, as byte ranges in it, when each is
    /// its own NFC (no scalar of U+0300 or above, as in ASCII text); nil otherwise. For text
    /// read as bytes (a patterns file's phrases) without a string per token.
    func tokenRanges(_ utf8: UnsafeBufferPointer<UInt8>) -> [Range<Int>]? {
        let decoded = ScalarText(utf8: utf8)
        let spans = TokenScanner(text: decoded).scan()
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(spans.count)
        for span in spans {
            for i in span.start..<span.end where decoded.scalars[i] >= 0x300 { return nil }
            ranges.append(decoded.byteOffsets[span.start]..<decoded.byteOffsets[span.end])
        }
        return ranges
    }

    /// The sentences of `text`, each with its tokens.
    package func sentences(_ text: String) -> [TextSentence] {
        sentences(text, scalarBase: 0, byteBase: 0)
    }

    /// The sentences of `text`, with offsets counted from `scalarBase` and `byteBase`.
    package func sentences(_ text: String, scalarBase: Int, byteBase: Int) -> [TextSentence] {
        var copy = text
        return copy.withUTF8 { utf8 in
            let decoded = ScalarText(utf8: utf8)
            let spans = TokenScanner(text: decoded).scan()
            let ranges = SentenceSplitter(text: decoded).split(spans)
            return ranges.map { range in
                let tokens = spans[range].map { makeToken($0, decoded, utf8, scalarBase, byteBase) }
                return TextSentence(tokens: tokens,
                                    scalarStart: tokens[0].scalarStart, scalarEnd: tokens[tokens.count - 1].scalarEnd,
                                    byteStart: tokens[0].byteStart, byteEnd: tokens[tokens.count - 1].byteEnd)
            }
        }
    }

    private func makeToken(_ span: TokenSpan, _ decoded: ScalarText, _ utf8: UnsafeBufferPointer<UInt8>,
                           _ scalarBase: Int, _ byteBase: Int) -> TextToken {
        let byteStart = decoded.byteOffsets[span.start], byteEnd = decoded.byteOffsets[span.end]
        let bytes = UnsafeBufferPointer(rebasing: utf8[byteStart..<byteEnd])
        let text = String(decoding: bytes, as: UTF8.self)
        var normalized = text
        for i in span.start..<span.end where decoded.scalars[i] >= 0x300 {
            normalized = UnicodeNormalization.nfc(utf8: bytes)
            break
        }
        return TextToken(text: text, normalized: normalized,
                         scalarStart: scalarBase + span.start, scalarEnd: scalarBase + span.end,
                         byteStart: byteBase + byteStart, byteEnd: byteBase + byteEnd)
    }
}
