import Foundation

/// Pre-tokenised input: one sentence per line, tokens separated by spaces or tabs (any ASCII
/// whitespace). Blank lines are skipped. Offsets count from the start of the sentence's tokens
/// joined by single spaces.
final class TokenLineTagInput: TagInput {
    private let reader: ParagraphReader
    private let file: String?
    private let descriptorToClose: Int32?
    private var pending: [TagInputSentence] = []
    private var pendingIndex = 0
    private var warned = false

    /// `reader` should return one line per paragraph (`maxParagraphBytes: 1`) so each line is
    /// tagged as soon as it is read; longer paragraphs still work.
    init(_ reader: ParagraphReader, file: String?, closing descriptor: Int32?) {
        self.reader = reader
        self.file = file
        self.descriptorToClose = descriptor
    }

    deinit {
        if let descriptorToClose { close(descriptorToClose) }
    }

    func next() throws -> TagInputSentence? {
        while pendingIndex == pending.count {
            guard let paragraph = try reader.next() else { return nil }
            pending = []
            pendingIndex = 0
            var lineNumber = paragraph.firstLine
            for line in paragraph.text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false) {
                let words = line.split(whereSeparator: { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) })
                    .map { String(decoding: $0, as: UTF8.self) }
                if !words.isEmpty { pending.append(.joining(words, file: file, line: lineNumber)) }
                lineNumber += 1
            }
        }
        pendingIndex += 1
        return pending[pendingIndex - 1]
    }

    func takeWarning() -> String? { invalidUTF8Warning(reader, alreadyWarned: &warned) }
}
