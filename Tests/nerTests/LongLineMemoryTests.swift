import Foundation
import XCTest

/// A 100 MB line without a sentence end (a dump, a log, a minified file) is read and tagged in
/// pieces: peak memory stays bounded instead of growing with the line (it was ~40× the line).
/// Run against the release binary (NER_RELEASE_BINARY, set by `make test`), which is what users
/// run; a debug build would take minutes over 100 MB.
final class LongLineMemoryTests: XCTestCase {
    /// Streams `megabytes` of one line made of `word(i)` joined by spaces into `ner arguments` and
    /// returns (exit status, peak RSS in MB, bytes of output), measured by a Python parent
    /// (getrusage of its only child).
    /// With `sentences`, the words come in sentences of 20 ending in "." and never a blank line:
    /// one endless paragraph.
    private func run(_ arguments: [String], megabytes: Int, longWords: Bool, sentences: Bool = false) throws -> (Int32, Int, Int) {
        guard let binary = releaseBinary else {
            throw XCTSkip("set NER_RELEASE_BINARY to the release build of ner (make test does)")
        }
        let script = """
            import resource, subprocess, sys
            args = sys.argv[1:]
            p = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            import threading
            out = [0]
            def drain():
                while True:
                    b = p.stdout.read(1 << 16)
                    if not b: break
                    out[0] += len(b)
            t = threading.Thread(target=drain); t.start()
            long_words = \(longWords ? "True" : "False")
            if long_words:
                words = [(chr(97 + i % 26) * 999 + "s") for i in range(200)]
            else:
                words = ["word%d" % i for i in range(1000)]
            sentences = \(sentences ? "True" : "False")
            chunk = (" ".join(words[i % len(words)] + (" ." if sentences and i % 20 == 19 else "") for i in range(20000)) + " ").encode()
            total = 0
            while total < \(megabytes) * 1024 * 1024:
                p.stdin.write(chunk); total += len(chunk)
            p.stdin.close(); p.wait(); t.join()
            print(p.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024, out[0])
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, binary] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let fields = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        guard fields.count == 3 else { XCTFail("python wrapper said: \(String(decoding: data, as: UTF8.self))"); return (-1, 0, 0) }
        return (Int32(fields[0]), fields[1], fields[2])
    }

    func testTokenizeAHundredMegabyteLineInBoundedMemory() throws {
        let (status, peak, output) = try run(["tokenize"], megabytes: 100, longWords: false)
        XCTAssertEqual(status, 0)
        XCTAssertGreaterThan(output, 100 << 20, "every token came out")
        XCTAssertLessThan(peak, 250, "peak RSS \(peak) MB for a 100 MB line")
    }

    /// A model with document context holds a document back until it is complete; an endless
    /// paragraph is still cut into documents of at most 256 sentences, and a line without a
    /// sentence end into pieces, so its memory is bounded too.
    func testDocumentContextModelTagsEndlessInputInBoundedMemory() throws {
        guard nerIsReleaseBuild else {
            throw XCTSkip("set NER_RELEASE_BINARY to the release build of ner (make test does)")
        }
        let dir = try temporaryDirectory(self)
        let model = dir.appendingPathComponent("document.ner").path
        let sample = repositoryRoot.appendingPathComponent("data/sample.conll").path
        let trained = try runNER(["train", "--train", sample, "--dev", sample, "--output", model, "--epochs", "2",
                                  "--hidden", "16", "--word-dim", "16", "--threads", "1", "--document-context"])
        XCTAssertEqual(trained.status, 0, trained.stderr)
        for (sentences, longWords) in [(true, false), (false, true)] {
            let (status, peak, output) = try run(["tag", "--model", model], megabytes: 50, longWords: longWords, sentences: sentences)
            XCTAssertEqual(status, 0)
            XCTAssertGreaterThan(output, 50 << 20, "every token came out")
            XCTAssertLessThan(peak, 300, "peak RSS \(peak) MB for 50 MB of \(sentences ? "sentences without a blank line" : "one line")")
        }
    }

    func testTagAHundredMegabyteLineInBoundedMemory() throws {
        let model = repositoryRoot.appendingPathComponent("models/default.ner").path
        let (status, peak, output) = try run(["tag", "--model", model], megabytes: 100, longWords: true)
        XCTAssertEqual(status, 0)
        XCTAssertGreaterThan(output, 100 << 20, "every token came out")
        XCTAssertLessThan(peak, 300, "peak RSS \(peak) MB for a 100 MB line")
    }
}
