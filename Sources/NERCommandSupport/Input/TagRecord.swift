import NERKit

/// One input line of `ner tag --input jsonl`/`lines`, read and checked: what its output line
/// needs besides the tagged sentences.
struct TagRecord {
    enum Content {
        /// An empty or whitespace-only line: written back as an empty line.
        case blank
        /// A line that cannot be tagged, and why; `echo` is the line's JSON value when it is valid
        /// JSON (so an error line still carries the record's id).
        case failed(message: String, echo: String?)
        /// A document; for JSON lines, the object to splice the entities into.
        case document(object: JSONObjectLine?)
    }

    /// The input file as output lines name it (nil for unnamed standard input).
    var file: String?
    /// The input as messages name it: the file, or "<stdin>".
    var source: String
    /// 1-based line number (shifted by `TagRecordOptions.firstLine`).
    var line: Int
    var content: Content
}

/// A record's sentences travel from the reading thread to the tagger in parts, a paragraph (at
/// most about a megabyte of text) at a time, so a huge record never holds all its tokens at once:
/// the tagger keeps only the output it has built so far. A record without sentences (blank,
/// failed, empty text) is one part.
struct TagRecordPart {
    var record: TagRecord
    var sentences: [TagInputSentence]
    /// The record's last part: its line can be written after this one.
    var isLast: Bool

    /// How much the part counts against the reader's read-ahead: its tokens, or its line's bytes /
    /// 8 for the first part if that is more (a record with little text and large metadata still
    /// takes memory).
    var weight: Int
}
