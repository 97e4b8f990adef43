/// One input line of `ner tag --input jsonl`/`lines`, read and tokenised, waiting in the queue
/// between the reading thread and the tagger.
struct TagRecord {
    enum Content {
        /// An empty or whitespace-only line: written back as an empty line.
        case blank
        /// A line that cannot be tagged, and why; `echo` is the line's JSON value when it is valid
        /// JSON (so an error line still carries the record's id).
        case failed(message: String, echo: String?)
        /// A document: its sentences and, for JSON lines, the object to splice entities into.
        case document(object: JSONObjectLine?, sentences: [TagInputSentence])
    }

    /// The input file as output lines name it (nil for unnamed standard input).
    var file: String?
    /// The input as messages name it: the file, or "<stdin>".
    var source: String
    /// 1-based line number (shifted by `TagRecordOptions.firstLine`).
    var line: Int
    var content: Content

    /// The record's sentences (none unless it is a document).
    var sentences: [TagInputSentence] {
        if case .document(_, let sentences) = content { return sentences }
        return []
    }

    /// How much the record counts against the reader's read-ahead: its tokens, or its bytes / 8 if
    /// that is more (a record with little text and large metadata still takes memory).
    var weight: Int
}
