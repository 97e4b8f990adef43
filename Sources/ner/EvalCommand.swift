import ArgumentParser
import Foundation
import NERCommandSupport
import NERKit

struct EvalCommand: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case conlleval, json
    }

    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Tag gold files with a model (or read predicted tags) and score them as conlleval does.",
        discussion: """
        DESCRIPTION
        With --model (or the default model under models/) and gold-annotated column files \
        (token first, tag last unless --token-column and --tag-column say otherwise), tags the \
        files and scores the tags against the gold ones. Gold files may also be exports of \
        annotation tools (spaCy/Prodigy, doccano, Label Studio, brat, CoNLL-U; see \
        --input-format and docs/guide/annotations.md).

        With --predictions, reads files in the layout of the CoNLL shared tasks' conlleval \
        script: one token per line, columns separated by spaces or tabs, the last two columns \
        being the gold tag and the predicted tag (the first column, when there are three or more, \
        is the word). Blank lines, -DOCSTART- and -X- lines separate sentences. All files are \
        scored together, as if concatenated; '-' reads stdin.

        An entity is correct when its type and both boundaries match a gold entity. Entities are \
        read with conlleval's rules: an I- tag after O or after another type starts an entity, a \
        type change ends one, B- after B- gives two. IOB1 and IOB2 files get conlleval's numbers \
        to the last printed digit, except that -DOCSTART- lines are not counted as tokens. \
        Sentences tagged in BIOES (E-, S-) are converted to IOB2 before entities are counted, \
        because conlleval misreads consecutive S- entities; token accuracy compares the tags as \
        written.

        The report is conlleval's own: tokens and entities ("phrases") in the gold tags, \
        entities found in the predictions and how many are correct, then token accuracy and \
        entity precision, recall and F1 (FB1) in percent, overall and per type; each type line \
        ends with the number of entities predicted for that type.

        --errors adds counts of span errors by kind: wrong type (same boundaries), wrong \
        boundary (overlapping, same type), both (overlapping, other type), missed (no \
        overlapping prediction) and spurious (no overlapping gold entity), and a matrix of gold \
        type against predicted type, O meaning no entity.

        ERRORS
        A tag other than O or B-, I-, E-, S- followed by a type, or a line with a different \
        number of columns than the first token line, stops the command with \
        'file:line: error: message' on stderr and exit status 1.

        EXAMPLES
          $ ner eval test.txt                 # tag with the default model, then score
          $ ner eval --model model.ner valid.txt test.txt
          $ ner eval --recase lower test.txt  # the same text all in lower case
          $ ner eval --patterns rules.jsonl test.txt  # what the rules add
          $ ner eval --calibration test.txt   # are the entity scores right as probabilities?
          $ ner eval --predictions output.txt
          $ ner eval --predictions dev.txt test.txt --format json
          $ ner eval --predictions output.txt --errors --errors-file errors.txt
          $ paste -d' ' gold.txt predicted-tags.txt | ner eval --predictions -
        """
    )

    @Option(name: .long, parsing: .upToNextOption,
            help: ArgumentHelp("Files whose last two columns are the gold and the predicted tag.",
                               valueName: "file"))
    var predictions: [String] = []

    @Option(name: .long, help: ArgumentHelp("Tag the files with this model, then score (default: the model under models/).",
                                            valueName: "path"))
    var model: String?

    @Option(help: "With --model: arithmetic of the recurrent products, float32 or bfloat16 (as ner tag; default: bfloat16 where it is the faster).")
    var precision: InferencePrecision = .fastest

    @OptionGroup var corpus: CorpusOptions

    @Argument(help: ArgumentHelp("Gold-annotated files to tag with --model and score.", valueName: "file"))
    var files: [String] = []

    @Option(name: .long, help: "Output format: conlleval (conlleval's report) or json.")
    var format: Format = .conlleval

    @Option(name: .long, help: ArgumentHelp("Recase every token of the gold files before tagging them (lower, upper or title), to measure how the model copes with text that is not cased like its training data. Gold tags stay as they are.", valueName: "case"))
    var recase: Recasing?

    @Flag(name: .customLong("sentences-alone"), help: "Tag every sentence as a document of its own, even for a model trained with document context (which otherwise reads the -DOCSTART- documents whole).")
    var sentencesAlone = false

    @Flag(name: .long, help: "After the report, count span errors by kind and show a type confusion matrix.")
    var errors = false

    @OptionGroup var patterns: PatternOptions

    @Flag(name: .long, help: "With --model: after the report, the calibration of the entity scores: predicted entities in 10 bins of their score, each bin's mean score against the share that is exactly right (type and boundaries), and the expected calibration error (ECE).")
    var calibration = false

    @Option(name: .customLong("errors-file"),
            help: ArgumentHelp("Write every span error with its sentence to this file.", valueName: "file"))
    var errorsFile: String?

    func validate() throws {
        if predictions.isEmpty && files.isEmpty {
            throw ValidationError("give gold-annotated files to tag and score (with --model PATH or the default model), or --predictions FILE...")
        }
        if !predictions.isEmpty && model != nil {
            throw ValidationError("give either --predictions or --model, not both")
        }
        if !predictions.isEmpty && sentencesAlone {
            throw ValidationError("--sentences-alone applies to the gold files tagged with a model, not to --predictions")
        }
        if !predictions.isEmpty && !patterns.files.isEmpty {
            throw ValidationError("--patterns applies to the gold files tagged with a model, not to --predictions")
        }
        if !predictions.isEmpty && recase != nil {
            throw ValidationError("--recase applies to the gold files tagged with a model, not to --predictions")
        }
        if !predictions.isEmpty && calibration {
            throw ValidationError("--calibration needs the entity scores of a model: give --model and gold files, not --predictions")
        }
        if calibration && format == .json {
            throw ValidationError("--calibration prints a table: use the conlleval format")
        }
        if !predictions.isEmpty && !files.isEmpty {
            throw ValidationError("files after --predictions are scored as predictions; positional files are for --model")
        }
    }

    func run() throws {
        let collecting = errors || errorsFile != nil
        var evaluator = ConllEvaluator(collectingErrors: collecting)
        var pairs: [(confidence: Double, correct: Bool)] = []
        if predictions.isEmpty {
            let (rules, tagger) = try patterns.rulesAndTagger(modelGiven: model != nil) { try Tagger(path: model ?? DefaultModel.path(), precision: precision) }
            evaluator = try GoldFileEvaluation.evaluate(tagger, files: files, columns: corpus.columns, reading: corpus.reading, recase: recase,
                                                        documents: !sentencesAlone, collectingErrors: collecting, rules: rules,
                                                        scored: calibration ? { pairs.append(($0, $1)) } : nil,
                                                        warn: Diagnostics.warning)
        }
        for path in predictions {
            let reader = path == "-"
                ? try PredictionFileReader(path: "/dev/stdin", displayPath: "stdin")
                : try PredictionFileReader(path: path)
            while let sentence = try reader.next() {
                evaluator.add(gold: sentence.gold, predicted: sentence.predicted, tokens: sentence.tokens,
                              location: "\(reader.displayPath):\(sentence.line)")
            }
        }
        let report = evaluator.report
        let analysis = evaluator.errorAnalysis

        var output: String
        switch format {
        case .conlleval:
            output = report.conllevalText()
            if errors, let analysis { output += analysis.summaryText() }
            if calibration { output += CalibrationReport(pairs).text() }
        case .json:
            output = errors ? (analysis.map { report.json(with: $0) } ?? report.json()) : report.json()
        }
        if let errorsFile, let analysis {
            try AtomicFile.write(analysis.errorsText(), to: errorsFile)
        }
        let stdout = FileHandleOutputStream(FileHandle.standardOutput)
        stdout.write(output)
        try stdout.check(name: "standard output")
    }
}


