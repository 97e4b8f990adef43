/// Raw text split into the sentences a tagger reads: each paragraph (from a `ParagraphReader`)
/// cut into sentences and tokens by `Tokenizer`, with code point offsets from the start of the
/// input and the text around each sentence (so that an HTML page can show the input's own
/// layout). One value per input: it counts lines to see blank lines between paragraphs.
package struct TextSentences {
    private let tokenizer = Tokenizer()
    private var nextLine = 1

    package init() {}

    /// The sentences of one paragraph, in order (possibly none). `file` is recorded in each.
    /// A paragraph (up to the reader's bound; a line when interactive) is a document.
    package mutating func sentences(of paragraph: Paragraph, file: String?) -> [TagInputSentence] {
        let afterBlankLine = paragraph.firstLine > nextLine
        nextLine = paragraph.firstLine + paragraph.text.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        let bytes = Array(paragraph.text.utf8)
        func slice(_ from: Int, _ to: Int) -> String { String(decoding: bytes[from..<to], as: UTF8.self) }
        let found = tokenizer.sentences(paragraph.text, scalarBase: paragraph.scalarBase, byteBase: 0)
        var result: [TagInputSentence] = []
        result.reserveCapacity(found.count)
        var previousEnd = 0
        for (i, s) in found.enumerated() {
            let tokens = s.tokens.map { t in
                TagInputToken(text: t.text, normalized: t.normalized, start: t.scalarStart, end: t.scalarEnd,
                              utf8Range: (t.byteStart - s.byteStart)..<(t.byteEnd - s.byteStart))
            }
            var sentence = TagInputSentence(
                tokens: tokens, text: slice(s.byteStart, s.byteEnd), start: s.scalarStart,
                before: slice(previousEnd, s.byteStart),
                after: i == found.count - 1 ? slice(s.byteEnd, bytes.count) : "",
                afterBlankLine: i == 0 && afterBlankLine, file: file, line: nil)
            sentence.startsDocument = i == 0
            sentence.endsDocument = i == found.count - 1
            result.append(sentence)
            previousEnd = s.byteEnd
        }
        return result
    }

    /// The sentences of `text` exactly as `ner tag --input text` reads them from a file holding
    /// that text: paragraphs at blank lines, the tokenizer's sentences and tokens, code point
    /// offsets from the start of `text`. For callers that get text whole (``Tagger/tag(text:)``,
    /// the HTTP service), so that they tag and report it exactly as `ner tag` does.
    package static func of(_ text: String) -> [TagInputSentence] {
        let reader = ParagraphReader(bytes: Array(text.utf8))
        var splitter = TextSentences()
        var sentences: [TagInputSentence] = []
        // Reading from memory cannot fail; an error would only mean no more sentences.
        while let paragraph = try? reader.next() { sentences += splitter.sentences(of: paragraph, file: nil) }
        return sentences
    }
}
