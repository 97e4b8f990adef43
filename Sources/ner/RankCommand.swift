import ArgumentParser
import Foundation
import NERCommandSupport
import NERKit

struct RankCommand: ParsableCommand {
    enum Input: String, ExpressibleByArgument, CaseIterable { case conll, lines }

    static let configuration = CommandConfiguration(
        commandName: "rank",
        abstract: "Order documents by how unsure the model is of them, to choose what to annotate next.",
        discussion: """
        Tags every document and prints them least confident first, one line each, tab \
        separated: the rank, the document's confidence (the lowest of its entities' scores and \
        its tokens' probabilities of their tags), where it is (file:line of its first token \
        for --input conll, file:line for --input lines), the least confident entity \
        ([tokens]LABEL) or token (token/TAG), and the document's first words. Annotating the \
        least confident documents first teaches a model most per sentence annotated \
        (uncertainty sampling).

        --input conll reads column files; a document runs from one -DOCSTART- line to the \
        next (a file without them: every sentence is a document). --input lines reads text, \
        one document per line, tokenized as ner tag does.

        EXAMPLES
          $ ner rank --model model.ner --input conll unlabelled.conll | head -50
          $ ner rank --input lines --top 100 reviews.txt
        """
    )

    @Option(help: ArgumentHelp("The model file (default: $NER_MODEL, else the default model installed with ner).", valueName: "file"))
    var model: String?

    @Option(help: "Input kind: conll (column files, documents between -DOCSTART- lines) or lines (one document per line).")
    var input: Input = .conll

    @Option(help: ArgumentHelp("Print only the N least confident documents.", valueName: "n"))
    var top: Int?

    @OptionGroup var corpus: CorpusOptions

    @Argument(help: ArgumentHelp("Files to rank.", valueName: "file"))
    var files: [String] = []

    func validate() throws {
        if files.isEmpty { throw ValidationError("give the files whose documents to rank") }
        if let top, top < 1 { throw ValidationError("--top must be at least 1 (got \(top))") }
    }

    func run() throws {
        let tagger = try Tagger(path: model ?? DefaultModel.path())
        var documents: [[[String]]] = []
        var locations: [String] = []
        for path in files {
            switch input {
            case .conll:
                let sentences = try CoNLLReader.readAll(path: path, columns: corpus.columns, requireTags: false).filter { !$0.tokens.isEmpty }
                let hasDocuments = sentences.contains { $0.startsDocument }
                for s in sentences {
                    if documents.isEmpty || !hasDocuments || s.startsDocument || locations.last?.hasPrefix(path + ":") != true {
                        documents.append([])
                        locations.append("\(path):\(s.firstLine ?? 0)")
                    }
                    documents[documents.count - 1].append(s.tokens)
                }
            case .lines:
                let reader = try LineReader(path: path)
                while let line = try reader.next() {
                    let text = String(decoding: line, as: UTF8.self)
                    if text.allSatisfy({ $0.isWhitespace }) { continue }
                    documents.append(tagger.tokenize(text))
                    locations.append("\(path):\(reader.lineNumber)")
                }
            }
        }
        let ranked = tagger.rankByUncertainty(documents)
        let stdout = FileHandleOutputStream(FileHandle.standardOutput)
        for (r, d) in ranked.prefix(top ?? ranked.count).enumerated() {
            let words = documents[d.index].joined().prefix(12).joined(separator: " ")
            stdout.write(String(format: "%d\t%.4f\t%@\t%@\t%@\n", r + 1, d.confidence, locations[d.index], d.weakest, words))
        }
        try stdout.check(name: "standard output")
    }
}
