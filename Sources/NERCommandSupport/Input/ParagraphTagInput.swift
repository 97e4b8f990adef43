import Foundation
import NERKit

/// Input read paragraph by paragraph from a `ParagraphReader`: owns the reader (and the input
/// behind it), queues each paragraph's sentences and reports invalid UTF-8 once.
/// Subclasses say how a paragraph becomes sentences.
class ParagraphTagInput: TagInput {
    let reader: ParagraphReader
    let file: String?
    private var pending: [TagInputSentence] = []
    private var pendingIndex = 0
    private var warned = false

    init(_ reader: ParagraphReader, file: String?) {
        self.reader = reader
        self.file = file
    }

    /// The sentences of one paragraph, in order (possibly none).
    func sentences(of paragraph: Paragraph) -> [TagInputSentence] {
        preconditionFailure("subclasses split paragraphs")
    }

    final func next() throws -> TagInputSentence? {
        while pendingIndex == pending.count {
            guard let paragraph = try reader.next() else { return nil }
            pending = sentences(of: paragraph)
            pendingIndex = 0
        }
        pendingIndex += 1
        return pending[pendingIndex - 1]
    }

    final func takeWarning() -> NERError? { invalidUTF8Warning(reader, alreadyWarned: &warned) }
}
