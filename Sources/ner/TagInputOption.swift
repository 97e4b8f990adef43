import ArgumentParser
import NERKit

/// The values of `ner tag --input`: the sentence-stream inputs of `TagStream` and the
/// one-record-per-line inputs of `TagRecordStream`, which keep a different contract (one output
/// line per input line, always JSON lines).
enum TagInputOption: String, CaseIterable, ExpressibleByArgument {
    case text, tokens, conll, jsonl, lines

    /// The sentence-stream input format, or nil for record input.
    var sentenceFormat: TagInputFormat? { TagInputFormat(rawValue: rawValue) }

    var isRecordInput: Bool { sentenceFormat == nil }
}
