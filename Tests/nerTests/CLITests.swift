import XCTest
import Foundation

/// End-to-end tests: run the built `ner` binary as a user would.
final class CLITests: XCTestCase {
    func testVersionAndHelpListSubcommands() throws {
        let help = try runNER(["--help"])
        XCTAssertEqual(help.status, 0)
        for sub in ["train", "eval", "tag", "tokenize", "inspect"] {
            XCTAssertTrue(help.stdout.contains(sub), "help lacks \(sub)")
        }
        let version = try runNER(["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssertFalse(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
    }

    /// A copy of `ner` in a directory near the root, with no model anywhere it looks: the error
    /// says where it looked, each place once, and how to give a model.
    func testNoDefaultModelListsEachPlaceOnce() throws {
        let dir = URL(fileURLWithPath: "/tmp").appendingPathComponent("ner-nomodel-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let copy = dir.appendingPathComponent("ner")
        try FileManager.default.copyItem(at: nerExecutable, to: copy)
        let result = try runProcess(copy, ["tag"], stdin: Data("Teddy Roosevelt was a great President.\n".utf8),
                                    currentDirectory: dir, environment: ["NER_MODEL": ""])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("pass --model FILE or set NER_MODEL"), result.stderr)
        guard let open = result.stderr.range(of: "(looked in "), let close = result.stderr.range(of: ")", range: open.upperBound..<result.stderr.endIndex) else {
            return XCTFail("no list of places: \(result.stderr)")
        }
        let places = result.stderr[open.upperBound..<close.lowerBound].components(separatedBy: ", ")
        XCTAssertEqual(places.count, Set(places).count, "a place listed twice: \(places)")
        XCTAssertTrue(places.contains(dir.appendingPathComponent("models/default.ner").path), "\(places)")
        XCTAssertTrue(places.contains("/models/default.ner"), "\(places)")
    }
}
