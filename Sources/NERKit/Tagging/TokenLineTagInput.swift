import Foundation

/// Pre-tokenised input: one sentence per line, tokens separated by spaces or tabs (any ASCII
/// whitespace). Blank lines are skipped. Offsets count from the start of the sentence's tokens
/// joined by single spaces.
final class TokenLineTagInput: ParagraphTagInput {
    // `reader` should return one line per paragraph (`maxParagraphBytes: 1`) so each line is
    // tagged as soon as it is read; longer paragraphs still work.
    override func sentences(of paragraph: Paragraph) -> [TagInputSentence] {
        var result: [TagInputSentence] = []
        var lineNumber = paragraph.firstLine
        for line in paragraph.text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false) {
            let words = line.split(whereSeparator: { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) })
                .map { String(decoding: $0, as: UTF8.self) }
            if !words.isEmpty { result.append(.joining(words, file: file, line: lineNumber)) }
            lineNumber += 1
        }
        return result
    }
}
