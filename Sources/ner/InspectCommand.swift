import ArgumentParser
import Foundation
import NERCommandSupport
import NERKit

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Check CoNLL-style corpora and show what they contain.",
        discussion: """
        For each FILE, ner inspect reads every sentence and prints the tag scheme it uses \
        (IOB1, IOB2 or BIOES), the number of documents (-DOCSTART- lines), sentences, tokens and \
        entities of each type, and the longest sentence. Every problem found is printed on \
        standard error as FILE:LINE: message, and reading goes on with the next sentence, so one \
        run shows them all.

        When several files are given, the first is taken as the training file, and for each \
        other file ner inspect counts the tokens that never occur in the training file.

        FILE FORMAT
        Column files, CoNLL-U and the exports of annotation tools (spaCy/Prodigy and doccano JSON \
        lines, Label Studio JSON, brat folders) are told apart by their content (--input-format \
        names one). For an export, the report shows how many spans were adjusted to fit the \
        tokens, by kind, and lists each one on standard error with its record and offsets \
        (see docs/guide/annotations.md).

        Column files: one token per line, columns separated by spaces or tabs, the token first and the tag \
        last (change this with --token-column and --tag-column). A blank line ends a sentence. \
        Lines starting with -DOCSTART- separate documents; lines made of # and a comment are \
        skipped. Files may be gzip-compressed.

        EXIT STATUS
        0 when every file can be used, 1 when a file has errors.

        EXAMPLES
          $ ner inspect train.txt valid.txt test.txt
          $ ner inspect --token-column 1 --tag-column 2 germeval-train.tsv
          $ ner inspect --json train.txt > train-report.json
        """
    )

    @Argument(help: ArgumentHelp("CoNLL-style files to check.", valueName: "file"))
    var files: [String]

    @OptionGroup var corpus: CorpusOptions

    @Flag(help: "Print the reports as JSON instead of text.")
    var json = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("Give at least one file to inspect.") }
    }

    func run() throws {
        var reports: [CorpusReport] = []
        var trainingTokens: Set<String>?
        let out = FileHandleOutputStream(.standardOutput)
        for (index, path) in files.enumerated() {
            let result = CorpusReport.inspect(
                path: path, columns: corpus.columns, options: corpus.reading,
                trainingPath: index > 0 ? files[0] : nil, trainingTokens: index > 0 ? trainingTokens : nil,
                collectTokens: index == 0 && files.count > 1)
            // A training file that could not be read gives no vocabulary to compare with.
            if index == 0 && result.report.sentences > 0 { trainingTokens = result.tokens }
            let report = result.report
            reports.append(report)
            for problem in report.errors { Diagnostics.error(NERError(path: problem.path, line: problem.line, problem.message, remedy: problem.remedy)) }
            if report.moreErrors > 0 { Diagnostics.error(NERError(path: path, "\(report.moreErrors) more errors not shown")) }
            for problem in report.warnings {
                Diagnostics.warning(NERError(path: problem.path, line: problem.line, problem.message))
            }
            for a in report.adjustments.kept {
                Diagnostics.warning(NERError(path: a.location.path, line: a.location.line, a.description))
            }
            if report.adjustments.total > report.adjustments.kept.count {
                Diagnostics.warning(NERError(path: path, "\(report.adjustments.total - report.adjustments.kept.count) more adjustments not shown"))
            }
            if !json {
                if index > 0 { out.write("\n") }
                out.write(Self.text(report))
                out.flush()
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(reports)
            out.write(String(decoding: data, as: UTF8.self) + "\n")
        }
        try out.check(name: "standard output")
        if reports.contains(where: { $0.hasErrors }) { throw ExitCode(1) }
    }

    /// The human-readable report of one file.
    static func text(_ report: CorpusReport) -> String {
        let errorCount = report.errors.count + report.moreErrors
        let errorsLine = ("errors", errorCount == 0 ? "none" : "\(NumberText.grouped(errorCount)) (listed on standard error)")
        if report.sentences == 0 && report.hasErrors {
            return "\(report.path)\n  \(errorsLine.0)  \(errorsLine.1)\n"
        }
        var lines: [(String, String)] = report.format == .conll ? [] : [("format", report.format.rawValue)]
        lines += [
            ("tag scheme", report.scheme.displayName),
            ("documents", NumberText.grouped(report.documents)),
            ("sentences", NumberText.grouped(report.sentences)),
            ("tokens", NumberText.grouped(report.tokens)),
            ("entities", NumberText.grouped(report.entityTotal)),
        ]
        let byCount = report.entities.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        for (type, n) in byCount { lines.append(("  " + type, NumberText.grouped(n))) }
        if let longest = report.longestSentence {
            lines.append(("longest sentence", "\(NumberText.grouped(longest.tokens)) tokens (line \(longest.line))"))
        }
        if let unknown = report.unknownTokens {
            lines.append(("not in training", "\(NumberText.grouped(unknown.count)) tokens (\(String(format: "%.1f", unknown.percent))%) "
                            + "never occur in \(unknown.trainingPath)"))
        }
        if report.format != .conll && report.format != .conllu {
            lines.append(("adjustments", report.adjustments.total == 0 ? "none" : "\(NumberText.grouped(report.adjustments.total)) (listed on standard error)"))
            let byCount = report.adjustments.counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            for (kind, n) in byCount { lines.append(("  " + kind, NumberText.grouped(n))) }
        }
        lines.append(errorsLine)
        if !report.warnings.isEmpty { lines.append(("warnings", "\(report.warnings.count) (listed on standard error)")) }
        let width = lines.map { $0.0.count }.max() ?? 0
        var text = "\(report.path)\n"
        for (label, value) in lines {
            text += "  " + label + String(repeating: " ", count: width - label.count + 2) + value + "\n"
        }
        return text
    }
}
