/// One token of raw text. `text` is the exact slice of the input, so offsets can be reported
/// back to the user; `normalized` is its NFC form, the spelling models see.
public struct TextToken: Equatable, Sendable {
    /// The exact original slice of the input.
    public var text: String
    /// The NFC form of `text` (equal to it when normalisation changes nothing).
    public var normalized: String
    /// Unicode scalar offsets into the whole input (as Python indexes a `str`), end exclusive.
    public var scalarStart: Int, scalarEnd: Int
    /// UTF-8 byte offsets into the whole input, end exclusive.
    public var byteStart: Int, byteEnd: Int

    public init(text: String, normalized: String, scalarStart: Int, scalarEnd: Int, byteStart: Int, byteEnd: Int) {
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
public struct TextSentence: Equatable, Sendable {
    public var tokens: [TextToken]
    public var scalarStart: Int, scalarEnd: Int, byteStart: Int, byteEnd: Int

    public init(tokens: [TextToken], scalarStart: Int, scalarEnd: Int, byteStart: Int, byteEnd: Int) {
        self.tokens = tokens
        self.scalarStart = scalarStart
        self.scalarEnd = scalarEnd
        self.byteStart = byteStart
        self.byteEnd = byteEnd
    }
}
