import Foundation
import XCTest

/// The committed fuzz corpora (seeds and every input that once crashed) replayed through the
/// fuzz targets' checks on each test run, so a fixed crash stays fixed.
final class FuzzCorpusTests: XCTestCase {
    func testEveryCommittedFuzzInputPassesItsTarget() throws {
        let corpus = repositoryRoot.appendingPathComponent("fuzz/corpus")
        let targets = try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted()
        XCTAssertEqual(targets, ["annotations", "brat", "conll", "conllu", "embeddings", "jsonl", "labelstudio", "model", "patterns", "predictions", "tokenizer"])
        for target in targets {
            let dir = corpus.appendingPathComponent(target)
            let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted().map { dir.appendingPathComponent($0).path }
            XCTAssertFalse(files.isEmpty, target)
            let process = Process()
            process.executableURL = productsDirectory.appendingPathComponent("ner-fuzz")
            process.arguments = [target] + files
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, "\(target): \(text)")
            XCTAssertEqual(text, "\(target): \(files.count) inputs, no crash\n")
        }
    }
}
