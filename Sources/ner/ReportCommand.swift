import ArgumentParser
import Foundation
import NERCommandSupport
import NERKit

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write an HTML page about a model: learning curves, scores, confusion heat map.",
        discussion: """
        The page is one self-contained HTML file (inline SVG and CSS, no script, no network): \
        the model's architecture and provenance (training files and their checksums, \
        embeddings, epochs, training options), the learning curves of its training (loss, dev \
        precision, recall and F1 per epoch, and the recased dev scores of case-augmented \
        training, with the best epoch marked) read from the metrics file that ner train writes \
        beside the model (MODEL.metrics.jsonl, or --metrics), and, for each --gold file, the \
        scores per entity type and the type confusion matrix as a heat map (what ner eval \
        --errors prints as a table) and the reliability diagram of the entity scores (what ner eval \
        --calibration prints as a table).

        The page goes to standard output, or to --output (written to a temporary file and \
        renamed). Exit status: 0 when written; 1 when the model, the metrics or a gold file \
        cannot be read; 64 for a usage error.

        EXAMPLES
          $ ner report model.ner > model.html
          $ ner report --gold test.txt --output report.html model.ner
          $ ner report --gold test.txt --recase lower model.ner > lower.html
        """
    )

    @Argument(help: ArgumentHelp("The model file (default: $NER_MODEL or the installed default model).", valueName: "model"))
    var model: String?

    @Option(help: ArgumentHelp("The training metrics (default: MODEL.metrics.jsonl when it exists).", valueName: "file"))
    var metrics: String?

    @Option(help: ArgumentHelp("A gold-annotated file to tag and score (repeatable).", valueName: "file"))
    var gold: [String] = []

    @Option(help: ArgumentHelp("Recase every token of the gold files before tagging (lower, upper or title).", valueName: "case"))
    var recase: Recasing?

    @OptionGroup var corpus: CorpusOptions

    @Option(name: [.short, .long], help: ArgumentHelp("Write the page to this file instead of standard output.", valueName: "file"))
    var output: String?

    func validate() throws {
        if recase != nil && gold.isEmpty { throw ValidationError("--recase needs --gold") }
    }

    func run() throws {
        let modelPath = try model ?? DefaultModel.path()
        let tagger = try Tagger(path: modelPath)
        let metricsPath = metrics ?? modelPath + ".metrics.jsonl"
        let history: [EpochMetrics]
        if metrics != nil || FileManager.default.fileExists(atPath: metricsPath) {
            history = try TrainingReport.readMetrics(metricsPath)
        } else {
            history = []
        }
        var scores: [TrainingReport.GoldScores] = []
        if !gold.isEmpty {
            var pairs: [(confidence: Double, correct: Bool)] = []
            let evaluator = try GoldFileEvaluation.evaluate(tagger, files: gold, columns: corpus.columns, reading: corpus.reading, recase: recase,
                                                            collectingErrors: true, scored: { pairs.append(($0, $1)) },
                                                            warn: Diagnostics.warning)
            scores.append(.init(files: gold, report: evaluator.report, errors: evaluator.errorAnalysis, recase: recase,
                                calibration: CalibrationReport(pairs)))
        }
        let page = TrainingReport(modelPath: modelPath, tagger: tagger, history: history, metricsPath: metricsPath, gold: scores).html()
        if let output {
            try AtomicFile.write(page, to: output)
        } else {
            let stdout = FileHandleOutputStream(FileHandle.standardOutput)
            stdout.write(page)
            try stdout.check(name: "standard output")
        }
    }
}
