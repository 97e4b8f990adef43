import Foundation
import XCTest

/// Faults a real run meets: a full disk while the model is saved, a read-only output directory,
/// an input file removed or truncated while it is read.
/// The full disk is a tmpfs just too small for a second model file, mounted for the test (root
/// only: CI runs as root; elsewhere the test is skipped).
final class FaultInjectionTests: XCTestCase {
    private let sample = repositoryRoot.appendingPathComponent("data/sample.conll").path
    private let tiny = ["--epochs", "2", "--hidden", "8", "--word-dim", "8", "--threads", "1"]

    private func mountTinyFilesystem(bytes: Int, readOnly: Bool = false) throws -> URL {
        guard getuid() == 0 else { throw XCTSkip("mounting a tmpfs needs root") }
        let dir = try temporaryDirectory(self).appendingPathComponent("full")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=\(bytes)" + (readOnly ? ",ro" : ""), "tmpfs", dir.path]
        try mount.run()
        mount.waitUntilExit()
        guard mount.terminationStatus == 0 else { throw XCTSkip("cannot mount a tmpfs here") }
        addTeardownBlock {
            let umount = Process()
            umount.executableURL = URL(fileURLWithPath: "/bin/umount")
            umount.arguments = [dir.path]
            try? umount.run()
            umount.waitUntilExit()
        }
        return dir
    }

    func testDiskFullDuringTheModelSaveKeepsThePreviousModel() throws {
        // A first model, to learn its size and to be the "previous good" file.
        let scratch = try temporaryDirectory(self)
        let first = scratch.appendingPathComponent("m.ner")
        let made = try runNER(["train", "--train", sample, "--dev", sample, "--output", first.path] + tiny)
        XCTAssertEqual(made.status, 0, made.stderr)
        let previous = try Data(contentsOf: first)
        // Room for the old model and half of a new one.
        let disk = try mountTinyFilesystem(bytes: previous.count * 3 / 2 + 8192)
        let target = disk.appendingPathComponent("m.ner")
        try previous.write(to: target)
        let r = try runNER(["train", "--train", sample, "--dev", sample, "--output", target.path, "--seed", "2"] + tiny)
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains(target.path) && r.stderr.contains("No space left on device"), r.stderr)
        XCTAssertEqual(try Data(contentsOf: target), previous, "the previous model is intact")
        let left = try FileManager.default.contentsOfDirectory(atPath: disk.path).filter { $0 != "m.ner" }
        XCTAssertEqual(left, [], "no temporary file left behind")
        let tag = try runNER(["tag", "--model", target.path], stdin: Data("Anna met Carl in Oslo.\n".utf8))
        XCTAssertEqual(tag.status, 0, "the previous model still loads: \(tag.stderr)")
    }

    func testTaggingOntoAFullDiskIsAnError() throws {
        let disk = try mountTinyFilesystem(bytes: 64 * 1024)
        let out = disk.appendingPathComponent("out.txt")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        let text = String(repeating: "Anna Berg met Carl Olsen in Oslo on Monday. ", count: 20_000)
        let r = try runNER(["tokenize"], stdin: Data(text.utf8), stdoutPath: out.path)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("standard output: error: cannot write: No space left on device"), r.stderr)
    }

    func testReadOnlyOutputDirectoryFailsBeforeTrainingAndTagging() throws {
        let dir = try mountTinyFilesystem(bytes: 64 * 1024, readOnly: true)
        let target = dir.appendingPathComponent("m.ner").path
        let r = try runNER(["train", "--train", sample, "--output", target] + tiny)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("\(target): error: cannot write the model: directory \(dir.path) is not writable"), r.stderr)
        let model = try TinyModel.path()
        let e = try runNER(["eval", "--model", model, sample, "--errors-file", dir.appendingPathComponent("errors.txt").path])
        XCTAssertEqual(e.status, 1)
        XCTAssertTrue(e.stderr.contains(dir.appendingPathComponent("errors.txt").path), e.stderr)
    }

    /// A file that disappears while `ner tag` reads it. Removed: the open descriptor keeps the
    /// data, so every record is still tagged and the run succeeds. Truncated: the records before
    /// the cut are tagged in order, a line cut in two is an error record, and the run ends with
    /// exit status 0 or 1, never a signal or a hang.
    func testInputFileRemovedOrTruncatedWhileBeingRead() throws {
        let model = try TinyModel.path()
        let dir = try temporaryDirectory(self)
        let count = 10_000
        var text = ""
        for i in 0..<count { text += "{\"id\": \(i), \"text\": \"Anna Berg met Carl Olsen in Oslo on Monday.\"}\n" }
        for mode in ["remove", "truncate"] {
            let input = dir.appendingPathComponent("in-\(mode).jsonl")
            try text.write(to: input, atomically: false, encoding: .utf8)
            let output = dir.appendingPathComponent("out-\(mode).jsonl")
            let errors = dir.appendingPathComponent("err-\(mode).txt")
            _ = FileManager.default.createFile(atPath: output.path, contents: nil)
            _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
            let process = Process()
            process.executableURL = nerExecutable
            process.arguments = ["tag", "--model", model, "--input", "jsonl", "--threads", "1", input.path]
            process.standardOutput = try FileHandle(forWritingTo: output)
            process.standardError = try FileHandle(forWritingTo: errors)
            process.standardInput = FileHandle.nullDevice
            try process.run()
            // Once output has begun the file is open and partly read.
            let deadline = Date().addingTimeInterval(120)
            while process.isRunning && Date() < deadline,
                  ((try? FileManager.default.attributesOfItem(atPath: output.path)[.size] as? Int) ?? 0) == 0 {
                Thread.sleep(forTimeInterval: 0.005)
            }
            XCTAssertTrue(process.isRunning, "\(mode): the run ended before the file could be changed; make the input longer")
            if mode == "remove" {
                try FileManager.default.removeItem(at: input)
            } else {
                XCTAssertEqual(truncate(input.path, off_t(text.utf8.count / 2 + 7)), 0)
            }
            process.waitUntilExit()
            let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            XCTAssertEqual(process.terminationReason, .exit, "\(mode): \(stderr)")
            let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            var ids: [Int] = []
            for line in lines {
                let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], String(line))
                if let id = object["id"] as? Int {
                    XCTAssertNotNil(object["entities"], String(line))
                    ids.append(id)
                } else {
                    XCTAssertNotNil(object["error"], String(line))
                }
            }
            if mode == "remove" {
                XCTAssertEqual(process.terminationStatus, 0, stderr)
                XCTAssertEqual(ids, Array(0..<count), "every record tagged, in order")
            } else {
                XCTAssertTrue([0, 1].contains(process.terminationStatus), stderr)
                XCTAssertEqual(ids, Array(0..<ids.count), "the records before the cut, in order")
                XCTAssertGreaterThan(ids.count, 0)
                XCTAssertLessThan(lines.count, count, "nothing past the cut")
            }
        }
    }
}

