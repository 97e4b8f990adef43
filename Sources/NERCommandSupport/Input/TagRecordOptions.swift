import NERKit

/// How `ner tag` reads input in which every line is one record (one document) and writes exactly
/// one output line per input line, in input order: the contract that lets Spark's `rdd.pipe`, a
/// `mapPartitions` subprocess or `parallel --pipe --keep-order` put the output back next to the
/// input line by line.
package struct TagRecordOptions: Equatable, Sendable {
    package enum Format: Equatable, Sendable {
        /// Each line a JSON object whose string field `textField` is the document. The object is
        /// written back as it came, with "entities" added.
        case jsonl(textField: String)
        /// Each line a plain-text document; the output is `{"line": N, "entities": [...]}`.
        case lines
    }

    package var format: Format
    /// Also write each record's "sentences" and "tokens" (with their tags).
    package var withTokens = false
    /// The number of the first input line, for a chunk cut from a bigger input, so error lines
    /// and messages name the line of the whole input.
    package var firstLine = 1
    /// A name for standard input in error lines and messages, as if it were that file.
    package var stdinName: String?

    package init(format: Format, withTokens: Bool = false, firstLine: Int = 1, stdinName: String? = nil) {
        self.format = format
        self.withTokens = withTokens
        self.firstLine = firstLine
        self.stdinName = stdinName
    }

    /// The fields `ner tag` writes into a JSON-lines record, in the order it writes them. A record
    /// that already has one (ner's own output fed back in) gets it replaced where it stands.
    package var writtenFields: [String] {
        withTokens ? ["sentences", "tokens", "entities"] : ["entities"]
    }
}
