import Foundation
import XCTest

/// A small model trained once per test run on data/sample.conll with the built binary, for the
/// end-to-end tests of the commands that need one. Tiny sizes keep it to seconds in debug builds.
enum TinyModel {
    nonisolated(unsafe) private static var cached: String?
    /// Its folder, removed when the test process exits.
    nonisolated(unsafe) private static var directory: URL?
    private static let lock = NSLock()

    static func path() throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if let cached, FileManager.default.fileExists(atPath: cached) { return cached }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ner-tiny-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        if directory == nil {
            directory = dir
            atexit { if let dir = TinyModel.directory { try? FileManager.default.removeItem(at: dir) } }
        }
        let out = dir.appendingPathComponent("tiny.ner").path
        let sample = repositoryRoot.appendingPathComponent("data/sample.conll").path
        let result = try runNER(["train", "--train", sample, "--dev", sample, "--output", out,
                                 "--epochs", "8", "--hidden", "16", "--word-dim", "16", "--threads", "1", "--lr", "0.01"])
        guard result.status == 0 else {
            throw NSError(domain: "TinyModel", code: Int(result.status), userInfo: [NSLocalizedDescriptionKey: result.stderr])
        }
        cached = out
        return out
    }
}
