import Foundation
import NERKit

/// Pre-tokenised input: one sentence per line, tokens separated by spaces or tabs (any ASCII
/// whitespace). Blank lines are skipped. Offsets count from the start of the sentence's tokens
/// joined by single spaces.
final class TokenLineTagInput: ParagraphTagInput {
    // `reader` should return one line per paragraph (`maxParagraphBytes: 1`) so each line is
    // tagged as soon as it is read; longer paragraphs still work.
    /// A document is a block of lines between blank lines; with `linesAreDocuments` (a
    /// terminal), every line is one, tagged as soon as it ends.
    var linesAreDocuments = false
    private var nextLine = 1

    override func sentences(of paragraph: Paragraph) -> [TagInputSentence] {
        var result: [TagInputSentence] = []
        var lineNumber = paragraph.firstLine
        for line in paragraph.text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false) {
            let words = line.split(whereSeparator: { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) })
                .map { String(decoding: $0, as: UTF8.self) }
            if !words.isEmpty {
                var sentence = TagInputSentence.joining(words, file: file, line: lineNumber)
                sentence.startsDocument = linesAreDocuments || lineNumber > nextLine
                sentence.endsDocument = linesAreDocuments
                result.append(sentence)
                nextLine = lineNumber + 1
            }
            lineNumber += 1
        }
        return result
    }
}
