/// One token of raw text. `text` is the exact slice of the input, so offsets can be reported
/// back to the user; `normalized` is its NFC form, the spelling models see.
package struct TextToken: Equatable, Sendable {
    /// The exact original slice of the input.
    package var text: String
    /// The NFC form of `text` (equal to it when normalisation changes nothing).
    package var normalized: String
    /// Unicode scalar offsets into the whole input (as Python indexes a `str`), end exclusive.
    package var scalarStart: Int, scalarEnd: Int
    /// UTF-8 byte offsets into the whole input, end exclusive.
    package var byteStart: Int, byteEnd: Int

    init(text: String, normalized: String, scalarStart: Int, scalarEnd: Int, byteStart: Int, byteEnd: Int) {
        self.text = text
        self.normalized = normalized
        self.scalarStart = scalarStart
        self.scalarEnd = scalarEnd
        self.byteStart = byteStart
        self.byteEnd = byteEnd
    }
}

/// A sentence found in raw text: its tokens and the span of the input it covers
/// (from the first token's start to the last token's end).
package struct TextSentence: Equatable, Sendable {
    package var tokens: [TextToken]
    package var scalarStart: Int, scalarEnd: Int, byteStart: Int, byteEnd: Int

    init(tokens: [TextToken], scalarStart: Int, scalarEnd: Int, byteStart: Int, byteEnd: Int) {
        self.tokens = tokens
        self.scalarStart = scalarStart
        self.scalarEnd = scalarEnd
        self.byteStart = byteStart
        self.byteEnd = byteEnd
    }
}
