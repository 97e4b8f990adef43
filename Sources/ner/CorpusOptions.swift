import ArgumentParser
import NERKit

/// How corpus files are read: the format (detected unless given), the columns of a column file,
/// and how the spans of an annotation export are put on tokens; shared by every command that
/// reads gold-annotated files (`@OptionGroup var corpus: CorpusOptions`).
struct CorpusOptions: ParsableArguments {
    @Option(name: .customLong("token-column"), parsing: .unconditional,
            help: ArgumentHelp("Column holding the tokens: 0 is the first, -1 the last.", valueName: "n"))
    var tokenColumn: Int = 0

    @Option(name: .customLong("tag-column"), parsing: .unconditional,
            help: ArgumentHelp("Column holding the entity tags: 0 is the first, -1 the last.", valueName: "n"))
    var tagColumn: Int = -1

    @Option(name: .customLong("input-format"),
            help: ArgumentHelp("The files' format: conll, conllu, jsonl (spaCy, Prodigy, doccano), label-studio or brat (default: detected from the content).", valueName: "format"))
    var inputFormat: CorpusFormat?

    @Option(help: ArgumentHelp("Annotation exports: what to do with a span that starts or ends inside a token: expand the span to whole tokens (the tokens ner tag sees), split the token, skip the span, or stop with an error.", valueName: "policy"))
    var misaligned: MisalignedSpanPolicy = .expand

    @Option(help: ArgumentHelp("Annotation exports: what the character offsets count, codepoints or utf16 (default: code points; a span that carries its text is read as UTF-16 when only that fits).", valueName: "unit"))
    var offsets: OffsetUnit?

    @Option(help: ArgumentHelp("Annotation exports without tokens: cut the text with ner's tokenizer and sentence splitter (ner), or at spaces with a sentence per line (whitespace, for text tokenised before annotation).", valueName: "how"))
    var tokens: AnnotationTokenization = .ner

    @Option(help: ArgumentHelp("Label Studio: which annotation of each task to read, 1 for the first (default: the last one not cancelled).", valueName: "n"))
    var annotation: Int?

    @Flag(name: .customLong("use-predictions"), help: "Label Studio: read a task that has no annotation from its last prediction (pre-annotations, as ner tag --format label-studio writes them).")
    var usePredictions = false

    var columns: CoNLLColumns { CoNLLColumns(token: tokenColumn, tag: tagColumn) }

    var reading: CorpusReadOptions {
        CorpusReadOptions(format: inputFormat, columns: columns, misaligned: misaligned, offsets: offsets,
                          tokenization: tokens, annotation: annotation, predictions: usePredictions)
    }
}
