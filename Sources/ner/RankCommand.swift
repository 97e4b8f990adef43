import ArgumentParser
import Foundation
import NERCommandSupport
import NERKit

struct RankCommand: ParsableCommand {
    enum Input: String, ExpressibleByArgument, CaseIterable { case conll, lines, jsonl }

    /// tsv: the ranking as lines; the others: the documents themselves in an annotation tool's
    /// format, with the model's entities and scores, least confident first.
    enum Output: String, ExpressibleByArgument, CaseIterable {
        case tsv, spans, doccano, labelStudio = "label-studio", conllu, conll, brat

        var annotation: AnnotationOutputFormat? { AnnotationOutputFormat(rawValue: rawValue) }
    }

    static let configuration = CommandConfiguration(
        commandName: "rank",
        abstract: "Order documents by how unsure the model is of them, to choose what to annotate next.",
        discussion: """
        Tags every document and prints them least confident first, one line each, tab \
        separated: the rank, the document's confidence (the lowest of its entities' scores and \
        its tokens' probabilities of their tags), where it is (file:line of its first token \
        for --input conll, file:line for --input lines and jsonl), the least confident entity \
        ([tokens]LABEL) or token (token/TAG), and the document's first words. Annotating the \
        least confident documents first teaches a model most per sentence annotated \
        (uncertainty sampling).

        --input conll reads column files; a document runs from one -DOCSTART- line to the \
        next (a file without them: every sentence is a document). --input lines reads text, \
        one document per line, tokenized as ner tag does. --input jsonl reads records with \
        a "text" field (spaCy/Prodigy or doccano JSON lines).

        With --format spans, doccano, label-studio, conllu, conll or brat, the documents \
        themselves are written instead, least confident first, with the model's entities and \
        scores as pre-annotations (as ner tag --format writes them): import them into the \
        annotation tool, correct them, export, train again. --output writes to a file (a new \
        folder for brat) instead of standard output.

        EXAMPLES
          $ ner rank --model model.ner --input conll unlabelled.conll | head -50
          $ ner rank --input lines --top 100 reviews.txt
          $ ner rank --input lines --top 100 --format label-studio --output next.json reviews.txt
        """
    )

    @Option(help: ArgumentHelp("The model file (default: $NER_MODEL, else the default model installed with ner).", valueName: "file"))
    var model: String?

    @Option(help: "Input kind: conll (column files, documents between -DOCSTART- lines), lines (one document per line) or jsonl (records with \"text\").")
    var input: Input = .conll

    @Option(help: ArgumentHelp("Print only the N least confident documents.", valueName: "n"))
    var top: Int?

    @Option(help: "Output: tsv (the ranking, a line per document), or the documents least confident first in an annotation format: spans, doccano, label-studio, conllu, conll or brat.")
    var format: Output = .tsv

    @Option(name: .customLong("output"), help: ArgumentHelp("With an annotation format: write here instead of standard output (a new folder for brat; written whole at the end).", valueName: "path"))
    var outputPath: String?

    @OptionGroup var corpus: CorpusOptions

    @Argument(help: ArgumentHelp("Files to rank.", valueName: "file"))
    var files: [String] = []

    func validate() throws {
        if files.isEmpty { throw ValidationError("give the files whose documents to rank") }
        if let top, top < 1 { throw ValidationError("--top must be at least 1 (got \(top))") }
        if format == .brat && outputPath == nil { throw ValidationError("--format brat writes a folder: give it with --output") }
        if outputPath != nil && format == .tsv {
            throw ValidationError("--output needs an annotation format (spans, doccano, label-studio, conllu, conll, brat)")
        }
    }

    func run() throws {
        let tagger = try Tagger(path: model ?? DefaultModel.path())
        var documents: [AlignedDocument] = []
        var locations: [String] = []
        for path in files {
            switch input {
            case .conll:
                let sentences = try CoNLLReader.readAll(path: path, columns: corpus.columns, requireTags: false).filter { !$0.tokens.isEmpty }
                let hasDocuments = sentences.contains { $0.startsDocument }
                var group: [CoNLLSentence] = []
                func flush() {
                    guard let first = group.first else { return }
                    let line = first.firstLine ?? 0
                    documents.append(AlignedDocument(sentences: group, location: RecordLocation(path: path, line: line, name: "document \(documents.count + 1)")))
                    locations.append("\(path):\(line)")
                    group = []
                }
                for s in sentences {
                    if !hasDocuments || s.startsDocument { flush() }
                    group.append(s)
                }
                flush()
            case .lines:
                let reader = try LineReader(path: path)
                while let line = try reader.next() {
                    let text = String(decoding: line, as: UTF8.self)
                    if text.allSatisfy({ $0.isWhitespace }) { continue }
                    let location = RecordLocation(path: path, line: reader.lineNumber, name: "line \(reader.lineNumber)")
                    documents.append(try SpanAligner().align(AnnotatedText(text: text, spans: [], location: location)).0)
                    locations.append("\(path):\(reader.lineNumber)")
                }
            case .jsonl:
                let reader = CorpusReader(jsonLines: try InputFile(path: path), options: CorpusReadOptions(format: .jsonl))
                while let document = try reader.nextDocument() {
                    documents.append(document)
                    locations.append("\(path):\(document.location.line ?? 0)")
                }
            }
        }
        let tokens = documents.map { d in d.sentences.map { d.tokens[$0].map(\.text) }.filter { !$0.isEmpty } }
        let (ranking, tagged) = tagger.rankByUncertaintyWithResults(tokens)
        let ranked = ranking.prefix(top ?? documents.count)
        if let annotation = format.annotation {
            var next = ranked.makeIterator()
            let count = try AnnotationFileWriter.write(format: annotation, predictions: true, to: outputPath) {
                next.next().map { d in
                    // The ranking's results, unless a sentence was left out of it (an empty one).
                    tagged[d.index].count == documents[d.index].sentences.count
                        ? Tagger.document(documents[d.index], entitiesFrom: tagged[d.index])
                        : tagger.predict(documents[d.index])
                }
            }
            printError("\(count) document\(count == 1 ? "" : "s") of \(documents.count) written least confident first as \(annotation.rawValue) to \(outputPath ?? "standard output")")
            return
        }
        let stdout = FileHandleOutputStream(FileHandle.standardOutput)
        for (r, d) in ranked.enumerated() {
            let words = tokens[d.index].joined().prefix(12).joined(separator: " ")
            stdout.write(String(format: "%d\t%.4f\t%@\t%@\t%@\n", r + 1, d.confidence, locations[d.index], d.weakest, words))
        }
        try stdout.check(name: "standard output")
    }
}
