import Foundation
import XCTest

/// Every option that takes a value, of every command, given values that are not numbers, out of
/// range, huge, empty or not a number at all: the command ends with a message and exit 64 (usage)
/// or 1 (input), or runs normally (exit 0) when the value is acceptable, never by a signal. The
/// options are read from each command's own --help, so a new option is covered when it is added.
/// Inputs are missing files, so that a value the command accepts makes it stop at once anyway.
final class BadOptionValueTests: XCTestCase {
    private let missing = "/nonexistent-ner-test/file"

    private func options(of command: String) throws -> [String] {
        let help = try runNER([command, "--help"]).stdout
        var found: [String] = []
        for line in help.split(separator: "\n") {
            let trimmed = line.drop(while: { $0 == " " })
            guard line.hasPrefix("  --"), let space = trimmed.firstIndex(of: " "),
                  trimmed[space...].hasPrefix(" <") else { continue }
            found.append(String(trimmed[..<space]))
        }
        return found
    }

    func testEveryOptionOfEveryCommandWithBadValues() throws {
        let base: [String: [String]] = [
            "train": ["train", "--train", missing, "--output", "/nonexistent-ner-test/m.ner"],
            "eval": ["eval", "--model", missing, missing],
            "tag": ["tag", "--model", missing],
            "tokenize": ["tokenize"],
            "inspect": ["inspect", missing],
            "bench": ["bench", "--train", missing],
        ]
        let values = ["nan", "-1", "1e400", "", "x", "99999999999999999999999", "inf"]
        var runs: [(command: String, option: String, value: String, arguments: [String])] = []
        for (command, args) in base.sorted(by: { $0.key < $1.key }) {
            let opts = try options(of: command)
            XCTAssertFalse(opts.isEmpty, command)
            for option in opts {
                for value in values { runs.append((command, option, value, args + [option, value])) }
            }
        }
        // Several hundred short processes: run as many at once as there are cores (each is
        // mostly the start of a process), then check every result.
        let arguments = runs.map(\.arguments)
        nonisolated(unsafe) var results = [ProcessResult?](repeating: nil, count: runs.count)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: runs.count) { i in
            let r = try? runNER(arguments[i], stdin: Data())
            lock.lock(); results[i] = r; lock.unlock()
        }
        for (run, result) in zip(runs, results) {
            guard let r = result else { XCTFail("ner \(run.command) \(run.option) '\(run.value)' could not be run"); continue }
            let context = "ner \(run.command) \(run.option) '\(run.value)': exit \(r.status), stderr: \(r.stderr)"
            XCTAssertFalse(r.signaled, context)
            XCTAssertTrue([0, 1, 64].contains(r.status), context)
            if r.status != 0 {
                XCTAssertFalse(r.stderr.isEmpty, context)
                XCTAssertFalse(r.stderr.contains("Fatal error") || r.stderr.contains("Stack dump") || r.stderr.contains("stack trace"),
                               "a message, not a crash report: \(context)")
            }
        }
        let tried = runs.count
        XCTAssertGreaterThan(tried, 250)
    }
}
