import Foundation
import XCTest
@testable import NERCommandSupport
@testable import NERKit

/// Column files through every annotation format and back: CoNLL-2003 (all three files, from
/// /work/shared or $NER_CONLL2003_DIR; skipped when absent) keeps its tokens, sentences and IOB2
/// entities; and a model trained from the JSON-lines form is bit-identical to one trained from
/// the column file with the same seed.
final class AnnotationRoundTripTests: XCTestCase {
    static let conll2003 = ProcessInfo.processInfo.environment["NER_CONLL2003_DIR"] ?? "/work/shared/data/conll2003"

    private func tempDir() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ner-roundtrip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    /// Every sentence as its tokens and IOB2 tags.
    private func sentences(_ path: String, _ options: CorpusReadOptions = .init()) throws -> [[String]] {
        let all = try CorpusReader.readAll(path: path, options: options).sentences.filter { !$0.tokens.isEmpty }
        let scheme = TagScheme.detect(all.map(\.tags))
        return all.map { s in zip(s.tokens, scheme.convert(s.tags, to: .iob2)).map { "\($0) \($1)" } }
    }

    func testCoNLL2003ThroughEveryFormatAndBack() throws {
        let files = ["train.txt", "valid.txt", "test.txt"].map { (Self.conll2003 as NSString).appendingPathComponent($0) }
        guard files.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) else {
            throw XCTSkip("CoNLL-2003 is not at \(Self.conll2003)")
        }
        let dir = try tempDir()
        for file in files {
            let original = try sentences(file)
            for format in AnnotationOutputFormat.allCases {
                let out = (dir as NSString).appendingPathComponent((file as NSString).lastPathComponent + "." + format.rawValue)
                let reader = try CorpusReader(path: file)
                _ = try AnnotationFileWriter.write(format: format, to: out) { try reader.nextDocument() }
                // Formats without tokens: the text is the tokens joined by spaces, a sentence per line.
                let back = try sentences(out, CorpusReadOptions(format: format.corpusFormat, tokenization: .whitespace))
                XCTAssertEqual(back.count, original.count, "\(file) -> \(format.rawValue)")
                if back != original, let k = back.indices.first(where: { $0 >= original.count || back[$0] != original[$0] }) {
                    XCTFail("\(file) -> \(format.rawValue): sentence \(k) differs: \(back[k]) vs \(original[k])")
                }
                if format == .brat { try FileManager.default.removeItem(atPath: out) }
            }
        }
    }

    func testTrainingFromJSONLinesIsBitIdenticalToTrainingFromCoNLL() throws {
        let dir = try tempDir()
        let jsonl = (dir as NSString).appendingPathComponent("sample.jsonl")
        let reader = try CorpusReader(path: TestData.sample)
        _ = try AnnotationFileWriter.write(format: .spans, to: jsonl) { try reader.nextDocument() }
        var weights: [[String: [Float]]] = []
        for (name, path) in [("conll.ner", TestData.sample), ("jsonl.ner", jsonl)] {
            var c = TrainingRunConfig()
            c.trainPaths = [path]
            c.devPath = path
            c.output = (dir as NSString).appendingPathComponent(name)
            c.model.wordDim = 8; c.model.hidden = 8; c.model.charDim = 4; c.model.charHidden = 4; c.model.casingDim = 2
            c.training.epochs = 1
            c.training.threads = 1
            c.training.seed = 7
            _ = try TrainingRun(config: c) { _ in }.run(progress: { _ in }, shouldStop: { false })
            weights.append(try SafeTensorsFile.read(c.output).tensors.mapValues(\.floats))
        }
        XCTAssertFalse(weights[0].isEmpty)
        XCTAssertEqual(weights[0], weights[1], "the same sentences and tags, so the same model bit for bit")
    }
}
