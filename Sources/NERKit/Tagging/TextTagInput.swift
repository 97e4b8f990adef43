import Foundation

/// Raw text input: paragraphs from a `ParagraphReader`, split into sentences by `Tokenizer`.
/// Offsets count from the start of the input; each sentence keeps the text around it so the
/// HTML page can show the input's own layout.
final class TextTagInput: ParagraphTagInput {
    private let tokenizer = Tokenizer()
    private var nextLine = 1

    override func sentences(of paragraph: Paragraph) -> [TagInputSentence] {
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
            // A paragraph (up to the reader's bound; a line when interactive) is a document.
            sentence.startsDocument = i == 0
            sentence.endsDocument = i == found.count - 1
            result.append(sentence)
            previousEnd = s.byteEnd
        }
        return result
    }
}
