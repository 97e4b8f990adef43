import ArgumentParser
import NERCommandSupport
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

/// The values of `ner tag --format`: the per-sentence formats of `TagOutputFormatter` and the
/// annotation formats of `AnnotationFormatter`, which write whole documents.
enum TagFormatOption: String, CaseIterable, ExpressibleByArgument {
    case inline, conll, json, html, spans, doccano, labelStudio = "label-studio", conllu, brat

    var sentenceFormat: TagOutputFormat? { TagOutputFormat(rawValue: rawValue) }
    var annotationFormat: AnnotationOutputFormat? { sentenceFormat == nil ? AnnotationOutputFormat(rawValue: rawValue) : nil }
}
