import NERKit

/// Column-file input read with `CoNLLReader` (tags optional), keeping each sentence's lines so
/// the CoNLL output can write them back with the predicted tag appended. `-DOCSTART-` lines
/// travel with the sentence that follows them.
final class CoNLLTagInput: TagInput {
    private let reader: CoNLLReader
    private let file: String?

    /// Reads `path`, or standard input when it is nil.
    init(path: String?, columns: CoNLLColumns) throws {
        reader = try CoNLLReader(path: path ?? "/dev/stdin", columns: columns, requireTags: false)
        file = path
    }

    func next() throws -> TagInputSentence? {
        guard let sentence = try reader.next() else { return nil }
        var input = TagInputSentence.joining(sentence.tokens, file: file, line: sentence.firstLine, conll: sentence)
        input.startsDocument = sentence.startsDocument
        return input
    }
}
