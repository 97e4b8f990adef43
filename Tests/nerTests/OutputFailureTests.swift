import Foundation
import XCTest

/// A write that fails (here: standard output on /dev/full, which answers every write with
/// ENOSPC, as a full disk does) is an error naming the output and a non-zero exit, never a
/// silent exit 0 with the output cut.
final class OutputFailureTests: XCTestCase {
    private let full = "/dev/full"

    private func assertReportsFullDisk(_ result: ProcessResult, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.status, 1, result.stderr, file: file, line: line)
        XCTAssertTrue(result.stderr.contains("standard output: error: cannot write: No space left on device"), result.stderr, file: file, line: line)
    }

    func testTagTokenizeEvalAndInspectReportAFullDisk() throws {
        let text = try Data(contentsOf: repositoryRoot.appendingPathComponent("data/sample.txt"))
        let model = try TinyModel.path()
        let sample = repositoryRoot.appendingPathComponent("data/sample.conll").path
        assertReportsFullDisk(try runNER(["tag", "--model", model], stdin: text, stdoutPath: full))
        assertReportsFullDisk(try runNER(["tag", "--model", model, "--format", "json"], stdin: text, stdoutPath: full))
        assertReportsFullDisk(try runNER(["tokenize"], stdin: text, stdoutPath: full))
        assertReportsFullDisk(try runNER(["eval", "--model", model, sample], stdoutPath: full))
        assertReportsFullDisk(try runNER(["inspect", sample], stdoutPath: full))
    }

    func testErrorsFileInAMissingDirectoryIsAnErrorNamingIt() throws {
        let model = try TinyModel.path()
        let sample = repositoryRoot.appendingPathComponent("data/sample.conll").path
        let result = try runNER(["eval", "--model", model, sample, "--errors-file", "/nonexistent-dir/errors.txt"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("/nonexistent-dir/errors.txt"), result.stderr)
    }
}

/// Every numeric option of `ner train` is checked before anything is read or allocated: a
/// usage error (exit 64) with the range, never a crash or a run that trains on garbage.
final class TrainOptionValidationTests: XCTestCase {
    func testBadNumbersAreUsageErrors() throws {
        let sample = repositoryRoot.appendingPathComponent("data/sample.conll").path
        let cases: [([String], String)] = [
            (["--lr", "nan"], "--lr"), (["--lr", "0"], "--lr"), (["--lr", "inf"], "--lr"), (["--lr", "-1"], "--lr"),
            (["--hidden", "100000000"], "--hidden"), (["--hidden", "0"], "--hidden"), (["--word-dim", "-5"], "--word-dim"),
            (["--epochs", "-1"], "--epochs"), (["--layers", "1000"], "--layers"), (["--dropout", "1"], "--dropout"),
            (["--dropout", "nan"], "--dropout"), (["--clip", "inf"], "--clip"), (["--unk-replace", "2"], "--unk-replace"),
            (["--average", "-0.5"], "--average"), (["--batch-size", "0"], "--batch-size"), (["--threads", "0"], "--threads"),
            (["--case-augment", "lower=1.5"], "--case-augment"), (["--case-copies", "shout"], "--case-copies"),
            (["--case-augment-copy"], "--case-augment-copy"), (["--first-name-swap", "1.5"], "--first-name-swap"),
            (["--first-name-swap", "nan"], "--first-name-swap"),
        ]
        for (args, option) in cases {
            let result = try runNER(["train", "--train", sample, "--output", "/tmp/never-written.ner"] + args)
            XCTAssertEqual(result.status, 64, "\(args): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(option), "\(args): \(result.stderr)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/never-written.ner"))
    }
}
