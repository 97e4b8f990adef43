import Foundation
import XCTest

/// The annotation formats end to end: `ner tag --format spans|doccano|...` reads its input as
/// every other input is read (files or standard input, plain or gzip) and applies --patterns;
/// `ner convert` to standard output; `ner inspect` on a brat folder with a `.txt` but no `.ann`.
final class AnnotationCommandTests: XCTestCase {
    static var defaultModel: String { repositoryRoot.appendingPathComponent("models/default.ner").path }

    private func gzip(_ data: Data, in dir: URL) throws -> Data {
        let plain = dir.appendingPathComponent("input-\(UUID().uuidString)")
        try data.write(to: plain)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", plain.path]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        return try Data(contentsOf: URL(fileURLWithPath: plain.path + ".gz"))
    }

    private func lines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    /// The pattern's match is an entity of every annotation format, with score 1; in `only`
    /// mode it is the only one. Before, these formats ignored --patterns.
    func testPatternsApplyToAnnotationFormats() throws {
        let dir = try temporaryDirectory(self)
        let rules = dir.appendingPathComponent("products.jsonl")
        try Data(#"{"label": "PRODUCT", "pattern": "Teddy bears"}"#.utf8).write(to: rules)
        let text = "Angela Merkel sells Teddy bears in Paris.\n"

        // override: the match replaces the model's entity it overlaps (the model takes "Teddy" for a name).
        let spans = try runNER(["tag", "--model", Self.defaultModel, "--format", "spans", "--patterns", rules.path,
                                "--patterns-mode", "override"], stdin: Data(text.utf8))
        XCTAssertEqual(spans.status, 0, spans.stderr)
        let found = try XCTUnwrap(try lines(spans.stdout).first?["spans"] as? [[String: Any]])
        let product = found.filter { $0["label"] as? String == "PRODUCT" }
        XCTAssertEqual(product.count, 1, spans.stdout)
        XCTAssertEqual(product.first?["start"] as? Int, 20)
        XCTAssertEqual(product.first?["end"] as? Int, 31)
        XCTAssertEqual(product.first?["score"] as? Double, 1.0)
        XCTAssertEqual(found.filter { $0["label"] as? String == "PER" }.map { $0["end"] as? Int }, [13],
                       "the model's other entities stay: \(spans.stdout)")

        let only = try runNER(["tag", "--model", Self.defaultModel, "--format", "doccano", "--patterns", rules.path,
                               "--patterns-mode", "only", "--input", "jsonl"],
                              stdin: Data(#"{"id": 3, "text": "Angela Merkel sells Teddy bears."}"#.utf8 + [0x0A]))
        XCTAssertEqual(only.status, 0, only.stderr)
        let record = try XCTUnwrap(try lines(only.stdout).first)
        XCTAssertEqual(record["id"] as? Int, 3)
        XCTAssertEqual(record["label"] as? [[AnyHashable]], [[20, 31, "PRODUCT"]])
    }

    /// Text and JSON-lines input, gzip-compressed, from standard input and from a file: the same
    /// output as the plain text gives. Before, text input was read with FileManager (no gzip).
    func testAnnotationFormatsReadGzipFromFilesAndStandardInput() throws {
        let dir = try temporaryDirectory(self)
        for (input, text) in [("text", "Angela Merkel visited Paris.\n"),
                              ("jsonl", #"{"id": 1, "text": "Angela Merkel visited Paris."}"# + "\n")] {
            let arguments = ["tag", "--model", Self.defaultModel, "--format", "spans", "--input", input]
            let plain = try runNER(arguments, stdin: Data(text.utf8))
            XCTAssertEqual(plain.status, 0, plain.stderr)
            XCTAssertTrue(plain.stdout.contains(#""label": "PER""#), plain.stdout)
            let compressed = try gzip(Data(text.utf8), in: dir)
            let fromStdin = try runNER(arguments, stdin: compressed)
            XCTAssertEqual(fromStdin.status, 0, fromStdin.stderr)
            XCTAssertEqual(fromStdin.stdout, plain.stdout, "\(input): gzip on standard input")
            let file = dir.appendingPathComponent("in-\(input).gz")
            try compressed.write(to: file)
            let fromFile = try runNER(arguments + [file.path])
            XCTAssertEqual(fromFile.status, 0, fromFile.stderr)
            XCTAssertEqual(fromFile.stdout, plain.stdout, "\(input): a .gz file")
        }
        // A bad record on standard input is named as standard input, and nothing is written.
        let bad = try runNER(["tag", "--model", Self.defaultModel, "--format", "spans", "--input", "jsonl"],
                             stdin: Data("{\"text\": \"Paris\"}\n{\"text\": 5}\n".utf8))
        XCTAssertEqual(bad.status, 1)
        XCTAssertEqual(bad.stdout, "")
        XCTAssertTrue(bad.stderr.contains("<stdin>:2: error: record 2: the \"text\" field is a number (5), not a string"), bad.stderr)
    }

    /// `ner convert IN -` writes the same bytes as to a file, and nothing when a record is bad.
    func testConvertToStandardOutput() throws {
        let dir = try temporaryDirectory(self)
        let fixture = repositoryRoot.appendingPathComponent("Tests/Fixtures/annotations/prodigy.jsonl").path
        let file = dir.appendingPathComponent("out.conll").path
        let toFile = try runNER(["convert", fixture, file, "--to", "conll"])
        XCTAssertEqual(toFile.status, 0, toFile.stderr)
        let toStdout = try runNER(["convert", fixture, "-", "--to", "conll"])
        XCTAssertEqual(toStdout.status, 0, toStdout.stderr)
        XCTAssertEqual(toStdout.stdout, try String(contentsOfFile: file, encoding: .utf8))
        let bad = dir.appendingPathComponent("bad.jsonl")
        try Data("{\"text\": \"Oslo\", \"spans\": []}\n{\"text\": \"Oslo\", \"spans\": [{\"start\": 0, \"end\": 9, \"label\": \"LOC\"}]}\n".utf8).write(to: bad)
        let failed = try runNER(["convert", bad.path, "-", "--to", "spans"])
        XCTAssertEqual(failed.status, 1)
        XCTAssertEqual(failed.stdout, "", "nothing written when a record is bad")
        XCTAssertTrue(failed.stderr.contains("\(bad.path):2: error: record 2: end offset 9 is past the end"), failed.stderr)
    }

    /// A brat `.txt` without its `.ann` is an error naming the `.ann` for train and inspect alike;
    /// inspect goes on with the other documents and reports them, exit status 1.
    func testBratTextWithoutAnnIsReportedAndInspectGoesOn() throws {
        let dir = try temporaryDirectory(self).appendingPathComponent("brat")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("Ann Lee lives in Oslo.\n".utf8).write(to: dir.appendingPathComponent("a.txt"))
        try Data("T1\tPER 0 7\tAnn Lee\nT2\tLOC 17 21\tOslo\n".utf8).write(to: dir.appendingPathComponent("a.ann"))
        try Data("Nothing here.\n".utf8).write(to: dir.appendingPathComponent("b.txt"))
        try Data("Kim went to Rome.\n".utf8).write(to: dir.appendingPathComponent("c.txt"))
        try Data("T1\tPER 0 3\tKim\nT2\tLOC 12 16\tRome\n".utf8).write(to: dir.appendingPathComponent("c.ann"))

        let inspect = try runNER(["inspect", dir.path])
        XCTAssertEqual(inspect.status, 1, inspect.stderr)
        let missing = dir.appendingPathComponent("b.ann").path
        XCTAssertTrue(inspect.stderr.contains("\(missing): error: missing: every .txt file needs its .ann file"), inspect.stderr)
        // "  documents   2" -> ["documents", "2"]
        let report = inspect.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        XCTAssertTrue(report.contains(["documents", "2"]), "a.txt and c.txt are still read:\n\(inspect.stdout)")
        XCTAssertTrue(report.contains(["entities", "4"]), inspect.stdout)
        XCTAssertTrue(report.contains(["errors", "1", "(listed", "on", "standard", "error)"]), inspect.stdout)

        let train = try runNER(["train", "--train", dir.path, "--output", dir.appendingPathComponent("m.ner").path, "--epochs", "1"])
        XCTAssertEqual(train.status, 1)
        XCTAssertTrue(train.stderr.contains("\(missing): error: missing"), train.stderr)
    }
}
