import Foundation
import NERKit
import XCTest

/// The code of NERKit's getting-started article (Sources/NERKit/NERKit.docc/GettingStarted.md),
/// run as written with NERKit's public API only (no `@testable`): a tiny model trained in code on
/// a corpus of six sentences, then tagging text and scoring a file with it. And the article shows
/// this code: every line of its Swift blocks (but the package manifest's) is a line here, so the
/// two cannot drift apart. About 5 seconds in a debug build.
final class GettingStartedTests: XCTestCase {
    func testTheArticlesCodeTrainsATinyModelAndTagsWithIt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ner-getting-started-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        var printed: [String] = []
        func print(_ items: Any...) { printed.append(items.map { "\($0)" }.joined(separator: " ")) }

        // --- The article's code, from here ---
        // Six sentences in CoNLL columns: a token and its tag a line, a blank line after each sentence.
        let corpus = """
            Alice B-PER
            visited O
            Paris B-LOC
            . O

            Bob B-PER
            works O
            for O
            Acme B-ORG
            in O
            Berlin B-LOC
            . O

            Acme B-ORG
            hired O
            Carol B-PER
            . O

            Carol B-PER
            flew O
            to O
            Rome B-LOC
            . O

            Dave B-PER
            left O
            Globex B-ORG
            . O

            Globex B-ORG
            opened O
            in O
            Paris B-LOC
            . O

            """
        let trainPath = directory.appendingPathComponent("train.txt").path
        try corpus.write(toFile: trainPath, atomically: true, encoding: .utf8)

        var config = TrainingRunConfig()
        config.trainPaths = [trainPath]
        config.devPath = trainPath
        config.output = directory.appendingPathComponent("tiny.ner").path
        config.model.wordDim = 16
        config.model.hidden = 16
        config.training.epochs = 20
        config.training.patience = 20
        config.training.batchSize = 1
        config.training.averageDecay = 0
        config.training.learningRate = 0.02
        config.training.threads = 1
        let summary = try TrainingRun(config: config, log: { _ in })
            .run(progress: { _ in }, shouldStop: { false })
        print("dev F1 \(summary.bestDevF1) at epoch \(summary.bestEpoch) of \(summary.epochs)")

        let tagger = try Tagger(path: config.output)
        for sentence in tagger.tag(text: "Alice visited Paris. Bob works for Acme in Berlin.") {
            for entity in sentence.entities {
                print(entity.label, entity.text, entity.start, entity.end)
            }
        }

        let report = try GoldFileEvaluation.score(tagger, files: [trainPath])
        print("F1 \(report.f1)")
        // --- to here ---

        // It learnt its six sentences, and tags text as they taught it.
        XCTAssertEqual(summary.epochs, 20)
        XCTAssertEqual(summary.bestDevF1, 100, accuracy: 1e-9, "\(printed)")
        XCTAssertEqual(report.f1, summary.bestDevF1, accuracy: 1e-9)
        XCTAssertEqual(Set(tagger.entityTypes), ["PER", "LOC", "ORG"])
        XCTAssertEqual(Array(printed.dropFirst().dropLast()),
                       ["PER Alice 0 5", "LOC Paris 14 19", "PER Bob 21 24", "ORG Acme 35 39", "LOC Berlin 43 49"])
        XCTAssertTrue(printed.first?.hasPrefix("dev F1 100.0 at epoch ") == true, "\(printed)")
        // The article shows what its code printed.
        let article = try String(contentsOf: Self.articleURL, encoding: .utf8)
        let shown = "prints\n\n```\n" + printed.dropFirst().dropLast().joined(separator: "\n") + "\n```\n"
        XCTAssertTrue(article.contains(shown), "the article shows what the code printed:\n\(shown)")
    }

    static let articleURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/NERKit/NERKit.docc/GettingStarted.md")

    /// Every line of the article's Swift code (but the package manifest's) is a line of the test
    /// above, which runs it.
    func testTheArticleShowsTheTestedCode() throws {
        let article = try String(contentsOf: Self.articleURL, encoding: .utf8)
        let test = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let testLines = Set(test.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        var blocks: [[String]] = []
        var current: [String]?
        for line in article.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line.hasPrefix("```swift") {
                current = []
            } else if current != nil, line.hasPrefix("```") {
                blocks.append(current!)
                current = nil
            } else {
                current?.append(String(line))
            }
        }
        let code = blocks.filter { !$0.joined().contains("dependencies:") }
        XCTAssertGreaterThanOrEqual(code.count, 3, "the article's Swift blocks")
        for line in code.joined().map({ $0.trimmingCharacters(in: .whitespaces) }) where !line.isEmpty && line != "import NERKit" && line != "import Foundation" {
            XCTAssertTrue(testLines.contains(line), "the article's line '\(line)' is a line of GettingStartedTests")
        }
    }
}
