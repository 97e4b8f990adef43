import Foundation
import XCTest

/// End-to-end tests of `ner tag --input jsonl` and `--input lines` with a small model trained once
/// on data/sample.conll (the same settings as TagCommandTests, so it finds the sample's names).
final class TagRecordCommandTests: XCTestCase {
    // Set once by the class's setUp, before any test runs, and only read after that.
    nonisolated(unsafe) static var directory: URL?
    nonisolated(unsafe) static var trainedModel: String?

    override class func setUp() {
        super.setUp()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ner-record-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        directory = dir
        let sample = repositoryRoot.appendingPathComponent("data/sample.conll").path
        let output = dir.appendingPathComponent("m.ner").path
        let result = try? runNER(["train", "--train", sample, "--dev", sample, "--output", output,
                                  "--epochs", "15", "--patience", "15", "--lr", "0.02", "--dropout", "0",
                                  "--hidden", "16", "--word-dim", "16", "--char-encoder", "cnn", "--threads", "1"])
        if result?.status == 0 { trainedModel = output }
    }

    override class func tearDown() {
        if let directory { try? FileManager.default.removeItem(at: directory) }
        super.tearDown()
    }

    private func tag(_ arguments: [String], _ input: String) throws -> ProcessResult {
        try tag(arguments, Data(input.utf8))
    }

    private func tag(_ arguments: [String], _ input: Data) throws -> ProcessResult {
        let model = try XCTUnwrap(Self.trainedModel, "training the test model failed")
        return try runNER(["tag", "--model", model] + arguments, stdin: input)
    }

    /// The output's lines, without the final newline (which must be there unless it is empty).
    private func lines(_ output: String, file: StaticString = #filePath, line: UInt = #line) -> [String] {
        guard !output.isEmpty else { return [] }
        XCTAssertTrue(output.hasSuffix("\n"), "ends with a newline", file: file, line: line)
        return output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    private func object(_ line: String, file: StaticString = #filePath, line number: UInt = #line) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try XCTUnwrap(value as? [String: Any], file: file, line: number)
    }

    private func entities(_ object: [String: Any]) -> [[String: Any]] {
        object["entities"] as? [[String: Any]] ?? []
    }

    /// Checks every entity's offsets slice its text out of `text`; returns the entity texts.
    @discardableResult
    private func assertOffsets(_ object: [String: Any], in text: String, file: StaticString = #filePath,
                               line: UInt = #line) throws -> [String] {
        let scalars = Array(text.unicodeScalars)
        var found: [String] = []
        for e in entities(object) {
            let start = try XCTUnwrap(e["start"] as? Int, file: file, line: line)
            let end = try XCTUnwrap(e["end"] as? Int, file: file, line: line)
            XCTAssertTrue(0 <= start && start < end && end <= scalars.count, "\(e)", file: file, line: line)
            guard 0 <= start && start < end && end <= scalars.count else { continue }
            XCTAssertEqual(String(String.UnicodeScalarView(scalars[start..<end])), e["text"] as? String, file: file, line: line)
            let score = try XCTUnwrap(e["score"] as? Double, file: file, line: line)
            XCTAssertTrue(score > 0 && score <= 1, file: file, line: line)
            XCTAssertNotNil(e["label"] as? String, file: file, line: line)
            XCTAssertNotNil(e["token_start"] as? Int, file: file, line: line)
            XCTAssertNotNil(e["token_end"] as? Int, file: file, line: line)
            found.append(e["text"] as? String ?? "")
        }
        return found
    }

    // MARK: - JSON lines

    func testRecordsComeBackByteForByteWithEntities() throws {
        let records = [
            #"{"id": 1, "text": "Mayor Ingrid Holloway visited Lakemoor on Monday.", "meta": {"n": 1E+2, "z": -0.0, "list": [1, 2.50, null, "\u00e9"]}}"#,
            #"{"text":"Quillon Systems hired Priya Natarajan.","id":"b","z":true}"#,
            #"  {"id": 3, "lang": "de", "text": "Zo\u00eb Brandt met Ingrid Holloway in Lakemoor \ud83d\ude80."}  "#,
            #"{"id": 4, "text": "Zoë 🙂 and 👩🏽‍💻 Ingrid Holloway visited Lakemoor.\n\nQuillon Systems hired Priya Natarajan."}"#,
        ]
        let r = try tag(["--input", "jsonl"], records.joined(separator: "\n") + "\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
        let out = lines(r.stdout)
        XCTAssertEqual(out.count, records.count)
        var found: [String] = []
        for (input, output) in zip(records, out) {
            let original = input.trimmingCharacters(in: .whitespaces)
            XCTAssertTrue(output.hasPrefix(String(original.dropLast()) + #", "entities": ["#), output)
            XCTAssertTrue(output.hasSuffix("]}"), output)
            let inObject = try object(input), outObject = try object(output)
            XCTAssertEqual(Array(outObject.keys).count, inObject.keys.count + 1)
            found += try assertOffsets(outObject, in: try XCTUnwrap(inObject["text"] as? String))
        }
        for name in ["Ingrid Holloway", "Lakemoor", "Quillon Systems", "Priya Natarajan"] {
            XCTAssertTrue(found.contains(name), "\(name) in \(found)")
        }
        // Record 4 has two paragraphs: token indices run on across its sentences.
        let last = entities(try object(out[3]))
        XCTAssertEqual(last.last?["text"] as? String, "Priya Natarajan")
        XCTAssertGreaterThan(last.last?["token_start"] as? Int ?? 0, 8)
    }

    func testBadRecordsGiveErrorLinesAndTheRestIsTagged() throws {
        var input = Data()
        let good = #"{"id": "ok", "text": "Ingrid Holloway visited Lakemoor."}"#
        let bad: [(Data, String, Bool)] = [
            (Data(#"{"id": 1, "text": "Lakemoor" "#.utf8), "invalid JSON at byte 30: unexpected end of the line", false),
            (Data(#"{"id": 2, "body": "Lakemoor"}"#.utf8), #"no "text" field"#, true),
            (Data(#"{"id": 3, "text": 42}"#.utf8), #"the "text" field is a number, not a string"#, true),
            (Data(#"{"id": 4, "text": null}"#.utf8), #"the "text" field is null, not a string"#, true),
            (Data(#"{"id": 5, "text": "a", "text": "b"}"#.utf8), #"the "text" field appears more than once"#, true),
            (Data(#"{"id": 6, "text": "a", "entities": 1, "entities": 2}"#.utf8), #"the "entities" field appears more than once"#, true),
            (Data(#"["Lakemoor"]"#.utf8), "not a JSON object but an array", true),
            (Data(#""Lakemoor""#.utf8), "not a JSON object but a string", true),
            (Data("Lakemoor".utf8), "invalid JSON at byte 1: expected a value", false),
            (Data(#"{"id": 8, "text": "Lakemoor "#.utf8) + Data([0xFF, 0xFE]) + Data(#""}"#.utf8), "invalid UTF-8 at byte 29", false),
            (Data([0xC3]), "invalid UTF-8 at byte 1", false),
            (Data("{\"id\": 9, \"text\": \"tab\tinside\"}".utf8), "invalid JSON at byte 23: control character in a string (it must be escaped)", false),
        ]
        for (k, (line, _, _)) in bad.enumerated() {
            input.append(Data((good.replacingOccurrences(of: "\"ok\"", with: "\(k)") + "\n").utf8))
            input.append(line)
            input.append(0x0A)
        }
        input.append(Data((good + "\n").utf8))
        let r = try tag(["--input", "jsonl"], input)
        XCTAssertEqual(r.status, 1, "records failed")
        XCTAssertEqual(r.stderr, "ner: error: \(bad.count) of \(bad.count * 2 + 1) records failed and have an \"error\" line; "
                       + "the first: <stdin>:2: invalid JSON at byte 30: unexpected end of the line\n")
        let out = lines(r.stdout)
        XCTAssertEqual(out.count, bad.count * 2 + 1, "one line out per line in")
        for (k, (line, message, echoed)) in bad.enumerated() {
            let error = try object(out[2 * k + 1])
            XCTAssertEqual(error["line"] as? Int, 2 * k + 2)
            XCTAssertEqual(error["error"] as? String, message)
            XCTAssertEqual(Set(error.keys), echoed ? ["line", "error", "record"] : ["line", "error"], message)
            if echoed { XCTAssertTrue(out[2 * k + 1].hasSuffix(#", "record": "# + String(decoding: line, as: UTF8.self) + "}")) }
        }
        for k in stride(from: 0, through: out.count - 1, by: 2) {
            let record = try object(out[k])
            XCTAssertEqual(entities(record).compactMap { $0["text"] as? String }, ["Ingrid Holloway", "Lakemoor"], out[k])
        }
    }

    func testErrorLinesNameTheFileAndTheLineOfTheWholeInput() throws {
        let dir = try temporaryDirectory(self)
        let path = dir.appendingPathComponent("part.jsonl").path
        try Data("{\"text\": \"Lakemoor\"}\nnot json\n".utf8).write(to: URL(fileURLWithPath: path))
        let model = try XCTUnwrap(Self.trainedModel)
        let fromFile = try runNER(["tag", "--model", model, "--input", "jsonl", path])
        XCTAssertEqual(fromFile.status, 1)
        XCTAssertEqual(lines(fromFile.stdout).last,
                       #"{"file": "\#(path)", "line": 2, "error": "invalid JSON at byte 1: expected a value"}"#)
        XCTAssertTrue(fromFile.stderr.contains("the first: \(path):2: invalid JSON"), fromFile.stderr)
        let chunk = try tag(["--input", "jsonl", "--first-line", "1001", "--stdin-name", "whole.jsonl"], "not json\n")
        XCTAssertEqual(chunk.stdout, #"{"file": "whole.jsonl", "line": 1001, "error": "invalid JSON at byte 1: expected a value"}"# + "\n")
        XCTAssertTrue(chunk.stderr.contains("the first: whole.jsonl:1001: "), chunk.stderr)
    }

    func testBlankLinesGiveBlankLines() throws {
        let input = "\n{\"text\": \"Lakemoor\"}\n   \n\t\r\n\n{\"text\": \"\"}\n{\"text\": \"  \\n \"}\n\n"
        for mode in ["jsonl", "lines"] {
            let r = try tag(["--input", mode], mode == "jsonl" ? input : "\nLakemoor\n   \n\t\r\n\n.\n")
            XCTAssertEqual(r.status, 0, r.stderr)
            let out = lines(r.stdout)
            if mode == "jsonl" {
                XCTAssertEqual(out.count, 8)
                XCTAssertEqual(out.enumerated().filter { $0.element.isEmpty }.map(\.offset), [0, 2, 3, 4, 7])
                XCTAssertEqual(out[5], #"{"text": "", "entities": []}"#, "an empty text is a record without entities")
                XCTAssertEqual(out[6], #"{"text": "  \n ", "entities": []}"#)
            } else {
                XCTAssertEqual(out.count, 6)
                XCTAssertEqual(out.enumerated().filter { $0.element.isEmpty }.map(\.offset), [0, 2, 3, 4])
                XCTAssertEqual(try object(out[1])["line"] as? Int, 2)
            }
        }
        for empty in ["", "\n"] {
            let r = try tag(["--input", "jsonl"], empty)
            XCTAssertEqual(r.status, 0)
            XCTAssertEqual(r.stdout, empty)
        }
    }

    func testTextFieldOption() throws {
        let input = #"{"id": 1, "text": "not this", "body": "Ingrid Holloway visited Lakemoor."}"# + "\n" + #"{"id": 2, "text": "Lakemoor"}"# + "\n"
        let r = try tag(["--input", "jsonl", "--text-field", "body"], input)
        XCTAssertEqual(r.status, 1)
        let out = lines(r.stdout)
        XCTAssertEqual(entities(try object(out[0])).compactMap { $0["text"] as? String }, ["Ingrid Holloway", "Lakemoor"])
        XCTAssertEqual(try object(out[1])["error"] as? String, #"no "body" field"#)
        let reserved = try tag(["--input", "jsonl", "--text-field", "entities"], input)
        XCTAssertEqual(reserved.status, 64)
        XCTAssertTrue(reserved.stderr.contains("ner writes that field itself"), reserved.stderr)
    }

    func testEntitiesAlreadyThereAreReplacedInPlace() throws {
        let input = #"{"entities": [{"label": "X"}], "text": "Ingrid Holloway spoke.", "id": 5}"#
        let r = try tag(["--input", "jsonl"], input + "\n")
        XCTAssertEqual(r.status, 0)
        XCTAssertTrue(r.stdout.hasPrefix(#"{"entities": [{"label": "PER", "text": "Ingrid Holloway", "start": 0, "end": 15, "#), r.stdout)
        XCTAssertTrue(r.stdout.hasSuffix(#"}], "text": "Ingrid Holloway spoke.", "id": 5}"# + "\n"), r.stdout)
        // Feeding the output back in gives the same output.
        let again = try tag(["--input", "jsonl"], r.stdout)
        XCTAssertEqual(again.stdout, r.stdout)
    }

    func testWithTokens() throws {
        let text = "Zoë 🙂 met Ingrid Holloway. Lakemoor\nvoted."
        let input = "{\"text\": \"Zoë 🙂 met Ingrid Holloway. Lakemoor\\nvoted.\"}\n"
        for mode in ["jsonl", "lines"] {
            let r = try tag(["--input", mode, "--with-tokens", "--scheme", "bioes"],
                            mode == "jsonl" ? input : text.replacingOccurrences(of: "\n", with: " ") + "\n")
            XCTAssertEqual(r.status, 0, r.stderr)
            let record = try object(lines(r.stdout)[0])
            let tokens = try XCTUnwrap(record["tokens"] as? [[String: Any]])
            let sentences = try XCTUnwrap(record["sentences"] as? [[String: Any]])
            XCTAssertEqual(tokens.compactMap { $0["text"] as? String }, ["Zoë", "🙂", "met", "Ingrid", "Holloway", ".", "Lakemoor", "voted", "."])
            XCTAssertEqual(sentences.count, 2)
            XCTAssertEqual(sentences.map { $0["token_start"] as? Int }, [0, 6])
            XCTAssertEqual(sentences.map { $0["token_end"] as? Int }, [6, 9])
            XCTAssertEqual(tokens[3]["tag"] as? String, "B-PER")
            XCTAssertEqual(tokens[4]["tag"] as? String, "E-PER")
            let scalars = Array((mode == "jsonl" ? text : text.replacingOccurrences(of: "\n", with: " ")).unicodeScalars)
            for t in tokens {
                let s = try XCTUnwrap(t["start"] as? Int), e = try XCTUnwrap(t["end"] as? Int)
                XCTAssertEqual(String(String.UnicodeScalarView(scalars[s..<e])), t["text"] as? String)
            }
            for e in entities(record) {
                let ts = try XCTUnwrap(e["token_start"] as? Int), te = try XCTUnwrap(e["token_end"] as? Int)
                XCTAssertEqual(e["start"] as? Int, tokens[ts]["start"] as? Int, "token indices index the record's tokens")
                XCTAssertEqual(e["end"] as? Int, tokens[te - 1]["end"] as? Int)
            }
            XCTAssertEqual(Set(record.keys), [mode == "jsonl" ? "text" : "line", "sentences", "tokens", "entities"])
        }
    }

    // MARK: - Plain lines

    func testLinesInput() throws {
        var input = Data("Mayor Ingrid Holloway visited Lakemoor on Monday.\nZoë 🙂 met Priya Natarajan in Lakemoor.\n".utf8)
        input.append(contentsOf: [0x4C, 0x61, 0xFF, 0x0A])
        input.append(Data("Quillon Systems hired Priya Natarajan.".utf8))  // no final newline
        let r = try tag(["--input", "lines"], input)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("1 of 4 records failed"), r.stderr)
        let out = lines(r.stdout)
        XCTAssertEqual(out.count, 4)
        let texts = ["Mayor Ingrid Holloway visited Lakemoor on Monday.", "Zoë 🙂 met Priya Natarajan in Lakemoor."]
        for k in 0..<2 {
            let record = try object(out[k])
            XCTAssertEqual(Set(record.keys), ["line", "entities"])
            XCTAssertEqual(record["line"] as? Int, k + 1)
            try assertOffsets(record, in: texts[k])
        }
        XCTAssertEqual(out[2], #"{"line": 3, "error": "invalid UTF-8 at byte 3"}"#)
        XCTAssertEqual(entities(try object(out[3])).compactMap { $0["text"] as? String }, ["Quillon Systems", "Priya Natarajan"])
        XCTAssertTrue(out[1].contains(#""text": "Priya Natarajan", "start": 10, "end": 25"#), out[1])
    }

    func testLinesFromFilesNameTheFile() throws {
        let dir = try temporaryDirectory(self)
        let a = dir.appendingPathComponent("a.txt"), b = dir.appendingPathComponent("b.txt")
        try Data("Lakemoor\n".utf8).write(to: a)
        try Data("\nIngrid Holloway\n".utf8).write(to: b)
        let r = try runNER(["tag", "--model", try XCTUnwrap(Self.trainedModel), "--input", "lines", a.path, b.path])
        XCTAssertEqual(r.status, 0)
        let out = lines(r.stdout)
        XCTAssertEqual(out.count, 3)
        XCTAssertTrue(out[0].hasPrefix(#"{"file": "\#(a.path)", "line": 1, "entities": [{"label": "LOC""#), out[0])
        XCTAssertEqual(out[1], "")
        XCTAssertTrue(out[2].hasPrefix(#"{"file": "\#(b.path)", "line": 2, "entities": [{"label": "PER""#), out[2])
    }

    // MARK: - Order, batching, size

    func testManyRecordsKeepTheirOrder() throws {
        let names = ["Ingrid Holloway", "Priya Natarajan", "Lakemoor", "Quillon Systems"]
        var input = ""
        for i in 0..<3000 {
            switch i % 7 {
            case 0: input += "\n"
            case 1: input += "{\"id\": \(i), \"text\": \"\(names[i % 4]) spoke. \(names[(i + 1) % 4]) listened.\\n\\nThe end.\"}\n"
            default: input += "{\"id\": \(i), \"text\": \"\(names[i % 4]) spoke.\"}\n"
            }
        }
        let r = try tag(["--input", "jsonl"], input)
        XCTAssertEqual(r.status, 0, r.stderr)
        let out = lines(r.stdout)
        XCTAssertEqual(out.count, 3000)
        for (i, line) in out.enumerated() {
            if i % 7 == 0 {
                XCTAssertEqual(line, "")
                continue
            }
            let record = try object(line)
            XCTAssertEqual(record["id"] as? Int, i)
            XCTAssertEqual(entities(record).first?["text"] as? String, names[i % 4], line)
        }
    }

    func testHugeRecordIsTaggedInPieces() throws {
        let sentence = "Ingrid Holloway visited Lakemoor and "
        let text = String(repeating: sentence, count: 3000)  // one 18,000-token sentence
        let r = try tag(["--input", "jsonl"], "{\"id\": 1, \"text\": \"\(text)\"}\n{\"id\": 2, \"text\": \"Lakemoor\"}\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        let out = lines(r.stdout)
        XCTAssertEqual(out.count, 2)
        let record = try object(out[0])
        let found = try assertOffsets(record, in: text)
        XCTAssertGreaterThan(found.count, 1000)
        XCTAssertEqual(try object(out[1])["id"] as? Int, 2)
    }

    func testOutputStartsBeforeTheInputEnds() throws {
        let process = Process()
        process.executableURL = nerExecutable
        process.arguments = ["tag", "--model", try XCTUnwrap(Self.trainedModel), "--input", "jsonl"]
        let inPipe = Pipe(), outPipe = Pipe()
        process.standardInput = inPipe
        process.standardOutput = outPipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        inPipe.fileHandleForWriting.write(Data("{\"id\": 1, \"text\": \"Ingrid Holloway spoke.\"}\n".utf8))
        let received = expectation(description: "output before the input ends")
        let output = RecordOutputCollector()
        outPipe.fileHandleForReading.readabilityHandler = { handle in
            if output.append(handle.availableData, lookingFor: "\"Ingrid Holloway\"") {
                handle.readabilityHandler = nil
                received.fulfill()
            }
        }
        wait(for: [received], timeout: 30)
        XCTAssertTrue(process.isRunning, "still waiting for more input")
        try inPipe.fileHandleForWriting.close()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
    }

    // MARK: - Options

    func testOptionsAreChecked() throws {
        let cases: [([String], String)] = [
            (["--input", "jsonl", "--format", "inline"], "always writes JSON lines"),
            (["--text-field", "body"], "--text-field needs --input jsonl"),
            (["--input", "lines", "--text-field", "body"], "--text-field needs --input jsonl"),
            (["--with-tokens"], "--with-tokens needs --input jsonl or --input lines"),
            (["--first-line", "3"], "--first-line needs --input jsonl or --input lines"),
            (["--input", "jsonl", "--first-line", "0"], "--first-line must be 1 or more"),
            (["--threads", "3"], "--threads must be 1 or 2"),
        ]
        for (arguments, message) in cases {
            let r = try tag(arguments, "x\n")
            XCTAssertEqual(r.status, 64, "\(arguments)")
            XCTAssertTrue(r.stderr.contains(message), "\(arguments): \(r.stderr)")
        }
        let json = try tag(["--input", "jsonl", "--format", "json", "--threads", "1"], "{\"text\": \"Lakemoor\"}\n")
        XCTAssertEqual(json.status, 0, json.stderr)
        XCTAssertEqual(try tag(["--input", "jsonl"], "{\"text\": \"Lakemoor\"}\n").stdout, json.stdout,
                       "one thread or two give the same output")
    }

    func testAFullDiskIsAnError() throws {
        let model = try XCTUnwrap(Self.trainedModel)
        let r = try runNER(["tag", "--model", model, "--input", "jsonl"], stdin: Data("{\"text\": \"Lakemoor\"}\n".utf8),
                           stdoutPath: "/dev/full")
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("standard output: error: cannot write: No space left on device"), r.stderr)
    }

    func testGzipInput() throws {
        let dir = try temporaryDirectory(self)
        let plain = dir.appendingPathComponent("docs.jsonl")
        try Data("{\"id\": 1, \"text\": \"Ingrid Holloway visited Lakemoor.\"}\n\n".utf8).write(to: plain)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gzip.arguments = ["gzip", "-k", plain.path]
        try gzip.run()
        gzip.waitUntilExit()
        let model = try XCTUnwrap(Self.trainedModel)
        let fromPlain = try runNER(["tag", "--model", model, "--input", "jsonl", "--stdin-name", "x"], stdin: try Data(contentsOf: plain))
        let fromGzip = try runNER(["tag", "--model", model, "--input", "jsonl", "--stdin-name", "x"],
                                  stdin: try Data(contentsOf: URL(fileURLWithPath: plain.path + ".gz")))
        XCTAssertEqual(fromGzip.status, 0, fromGzip.stderr)
        XCTAssertEqual(fromGzip.stdout, fromPlain.stdout)
        XCTAssertEqual(lines(fromGzip.stdout).count, 2)
    }

    func testHelpDocumentsRecordInput() throws {
        let r = try runNER(["tag", "--help"])
        for needle in ["jsonl", "lines", "--text-field", "--with-tokens", "--first-line", "--stdin-name", "RECORD INPUT",
                       "\"error\"", "EXIT STATUS", "parallel --pipe"] {
            XCTAssertTrue(r.stdout.contains(needle), needle)
        }
    }
}

/// Output of a running process, collected from a reading thread.
private final class RecordOutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    /// Adds a chunk; true once the output so far contains `expected`.
    func append(_ chunk: Data, lookingFor expected: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        data.append(chunk)
        return String(decoding: data, as: UTF8.self).contains(expected)
    }
}
