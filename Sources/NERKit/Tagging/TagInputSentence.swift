/// One token of a sentence to tag: how it appeared in the input, the spelling the model sees,
/// and where it is.
package struct TagInputToken: Sendable, Equatable {
    /// The token as written in the input.
    package var text: String
    /// Its NFC form: what the model reads.
    package var normalized: String
    /// Unicode scalar offsets (Python `str` indices, end exclusive) of the token in the input
    /// (text input) or in its sentence's `text` (token and CoNLL input).
    package var start: Int, end: Int
    /// UTF-8 byte range of the token inside its sentence's `text`, for slicing it cheaply.
    package var utf8Range: Range<Int>

    package init(text: String, normalized: String, start: Int, end: Int, utf8Range: Range<Int>) {
        self.text = text
        self.normalized = normalized
        self.start = start
        self.end = end
        self.utf8Range = utf8Range
    }
}

/// A sentence read by `ner tag`, carrying what every output format needs to show it against the
/// input: its text with the original spacing, token offsets, the surrounding text (so an HTML
/// page can reproduce the input's layout) and, for column files, the original lines.
package struct TagInputSentence: Sendable, Equatable {
    package var tokens: [TagInputToken]
    /// The input text from the first token's start to the last token's end. For token and CoNLL
    /// input there is no original spacing: the tokens joined by single spaces.
    package var text: String
    /// Scalar offset of `text` (0 for token and CoNLL input, where offsets are into `text`).
    package var start: Int
    /// Input text between the previous sentence of the paragraph (or the paragraph start) and
    /// this one, and after this one when it ends its paragraph (line breaks included).
    package var before: String
    package var after: String
    /// True when blank lines (a paragraph break) separate this sentence from the previous one.
    package var afterBlankLine: Bool
    /// The input file, or nil for standard input.
    package var file: String?
    /// 1-based line of the first token, for line-based input (tokens, CoNLL).
    package var line: Int?
    /// The sentence as read from a column file, to write it back with a tag column added.
    package var conll: CoNLLSentence?
    /// Document bounds, for a model with document context: a document starts at a paragraph
    /// (text input), after a blank line (token lines), at `-DOCSTART-` (CoNLL), and with every
    /// input file. `endsDocument` is set where the input already knows the document is over
    /// (the last sentence of a text paragraph), so it is tagged without waiting for more input.
    package var startsDocument = false
    package var endsDocument = false
    /// Where the rules (`ner tag --patterns`) match, when the reading thread found them already
    /// (`PatternSet.matches(in:)` of `modelTokens`), so that the tagging thread does not.
    package var ruleMatches: [PatternMatch]?

    package init(tokens: [TagInputToken], text: String, start: Int, before: String = "", after: String = "",
                afterBlankLine: Bool = false, file: String? = nil, line: Int? = nil, conll: CoNLLSentence? = nil) {
        self.tokens = tokens
        self.text = text
        self.start = start
        self.before = before
        self.after = after
        self.afterBlankLine = afterBlankLine
        self.file = file
        self.line = line
        self.conll = conll
    }

    /// Scalar offset just past the sentence's text.
    package var end: Int { tokens.last?.end ?? start }

    /// The spellings the model reads.
    package var modelTokens: [String] { tokens.map(\.normalized) }

    /// The exact input text of tokens `tokenStart..<tokenEnd`, original spacing included.
    package func text(tokens range: Range<Int>) -> String {
        guard !range.isEmpty, range.lowerBound >= 0, range.upperBound <= tokens.count else { return "" }
        let utf8 = text.utf8
        let from = utf8.index(utf8.startIndex, offsetBy: tokens[range.lowerBound].utf8Range.lowerBound)
        let to = utf8.index(utf8.startIndex, offsetBy: tokens[range.upperBound - 1].utf8Range.upperBound)
        return String(decoding: utf8[from..<to], as: UTF8.self)
    }

    /// A sentence given as tokens without original spacing: the text is the tokens joined by
    /// single spaces and offsets count from its start.
    package static func joining(_ words: [String], file: String? = nil, line: Int? = nil,
                               conll: CoNLLSentence? = nil) -> TagInputSentence {
        var tokens: [TagInputToken] = []
        tokens.reserveCapacity(words.count)
        var scalar = 0, byte = 0
        for (i, word) in words.enumerated() {
            if i > 0 { scalar += 1; byte += 1 }
            let scalars = word.unicodeScalars.count, bytes = word.utf8.count
            tokens.append(TagInputToken(text: word, normalized: UnicodeNormalization.nfc(word),
                                        start: scalar, end: scalar + scalars, utf8Range: byte..<(byte + bytes)))
            scalar += scalars
            byte += bytes
        }
        return TagInputSentence(tokens: tokens, text: words.joined(separator: " "), start: 0, after: "\n",
                                file: file, line: line, conll: conll)
    }
}
