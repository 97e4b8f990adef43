import Foundation
import XCTest

/// `ner rank` end to end: the ranking, least confident first, and the documents themselves written
/// in an annotation tool's format in that order, read back by `--input jsonl`.
final class RankCommandTests: XCTestCase {
    /// The sentences of data/sample.conll as text, one per line, in a file.
    private func sampleLines(_ dir: URL) throws -> String {
        let path = dir.appendingPathComponent("texts.txt")
        try (sampleSentences().joined(separator: "\n") + "\n").write(to: path, atomically: true, encoding: .utf8)
        return path.path
    }

    /// (confidence, location, first words) of each tsv line.
    private func ranking(_ stdout: String) -> [(Double, String, String)] {
        stdout.split(separator: "\n").map { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            return (Double(f[1]) ?? -1, f[2], f[4])
        }
    }

    func testAnnotationFormatsWriteTheDocumentsLeastConfidentFirst() throws {
        let dir = try temporaryDirectory(self)
        let tiny = try TinyModel.path()
        let texts = try sampleLines(dir)
        let tsv = try runNER(["rank", "--model", tiny, "--input", "lines", texts])
        XCTAssertEqual(tsv.status, 0, tsv.stderr)
        let ranked = ranking(tsv.stdout)
        XCTAssertGreaterThan(ranked.count, 10)
        XCTAssertEqual(ranked.map(\.0), ranked.map(\.0).sorted(), "least confident first")

        // The same documents as spaCy/Prodigy JSON lines, in the ranking's order, with scored spans.
        let spans = try runNER(["rank", "--model", tiny, "--input", "lines", "--format", "spans", "--top", "5", texts])
        XCTAssertEqual(spans.status, 0, spans.stderr)
        XCTAssertTrue(spans.stderr.contains("5 documents of \(ranked.count) written least confident first as spans"), spans.stderr)
        let records = try spans.stdout.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        XCTAssertEqual(records.count, 5)
        for (record, rank) in zip(records, ranked) {
            let text = try XCTUnwrap(record["text"] as? String)
            XCTAssertTrue(text.hasPrefix(rank.2.split(separator: " ").prefix(3).joined(separator: " ")), "\(text) against \(rank.2)")
        }
        let scored = records.flatMap { ($0["spans"] as? [[String: Any]]) ?? [] }
        XCTAssertFalse(scored.isEmpty, "the tiny model finds entities in its own training sentences")
        XCTAssertTrue(scored.allSatisfy { ($0["score"] as? Double).map { $0 > 0 && $0 <= 1 } ?? false })

        // Read back as --input jsonl: the same documents rank the same way.
        let written = dir.appendingPathComponent("top.jsonl")
        try Data(spans.stdout.utf8).write(to: written)
        let again = try runNER(["rank", "--model", tiny, "--input", "jsonl", written.path])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(ranking(again.stdout).map(\.2), ranked.prefix(5).map(\.2))
        XCTAssertEqual(ranking(again.stdout).map(\.1), (1...5).map { "\(written.path):\($0)" })

        // Label Studio tasks to a file: a JSON array of tasks with the model's predictions.
        let tasks = dir.appendingPathComponent("tasks.json")
        let studio = try runNER(["rank", "--model", tiny, "--input", "lines", "--format", "label-studio", "--top", "3",
                                 "--output", tasks.path, texts])
        XCTAssertEqual(studio.status, 0, studio.stderr)
        XCTAssertEqual(studio.stdout, "")
        let array = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: tasks)) as? [[String: Any]])
        XCTAssertEqual(array.count, 3)
        XCTAssertTrue(array.allSatisfy { $0["predictions"] is [[String: Any]] })
    }

    func testOutputOptionsAreChecked() throws {
        let dir = try temporaryDirectory(self)
        let texts = try sampleLines(dir)
        let tiny = try TinyModel.path()
        let brat = try runNER(["rank", "--model", tiny, "--input", "lines", "--format", "brat", texts])
        XCTAssertNotEqual(brat.status, 0)
        XCTAssertTrue(brat.stderr.contains("--format brat writes a folder: give it with --output"), brat.stderr)
        let tsv = try runNER(["rank", "--model", tiny, "--input", "lines", "--output", dir.appendingPathComponent("x").path, texts])
        XCTAssertNotEqual(tsv.status, 0)
        XCTAssertTrue(tsv.stderr.contains("--output needs an annotation format"), tsv.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("x").path))
        let folder = dir.appendingPathComponent("brat")
        let written = try runNER(["rank", "--model", tiny, "--input", "lines", "--format", "brat", "--top", "2",
                                  "--output", folder.path, texts])
        XCTAssertEqual(written.status, 0, written.stderr)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        XCTAssertEqual(files, ["doc-000001.ann", "doc-000001.txt", "doc-000002.ann", "doc-000002.txt"])
    }
}
