import Foundation
import XCTest

/// End-to-end tests of `ner tag` with a tiny model trained once on data/sample.conll.
final class TagCommandTests: XCTestCase {
    // Set once by the class's setUp, before any test runs, and only read after that.
    nonisolated(unsafe) static var directory: URL?
    nonisolated(unsafe) static var trainedModel: String?

    override class func setUp() {
        super.setUp()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ner-tag-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        directory = dir
        let sample = repositoryRoot.appendingPathComponent("data/sample.conll").path
        let output = dir.appendingPathComponent("m.ner").path
        // Small and overfitted on purpose: it must find the sample's names, in a second or two.
        let result = try? runNER(["train", "--train", sample, "--dev", sample, "--output", output,
                                  "--epochs", "15", "--patience", "15", "--lr", "0.02", "--dropout", "0",
                                  "--hidden", "16", "--word-dim", "16", "--char-encoder", "cnn", "--threads", "1"])
        if result?.status == 0 { trainedModel = output }
    }

    override class func tearDown() {
        if let directory { try? FileManager.default.removeItem(at: directory) }
        super.tearDown()
    }

    private func model() throws -> String {
        try XCTUnwrap(Self.trainedModel, "training the test model failed")
    }

    private func tag(_ arguments: [String], _ input: String) throws -> ProcessResult {
        try tag(arguments, Data(input.utf8))
    }

    private func tag(_ arguments: [String], _ input: Data) throws -> ProcessResult {
        try runNER(["tag", "--model", try model()] + arguments, stdin: input)
    }

    private func jsonLines(_ output: String, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        try output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { text in
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
            return try XCTUnwrap(object as? [String: Any], file: file, line: line)
        }
    }

    private func slice(_ scalars: [Unicode.Scalar], _ start: Any?, _ end: Any?, file: StaticString = #filePath,
                       line: UInt = #line) throws -> String {
        let s = try XCTUnwrap(start as? Int, file: file, line: line), e = try XCTUnwrap(end as? Int, file: file, line: line)
        XCTAssertTrue(0 <= s && s <= e && e <= scalars.count, "offsets \(s)..<\(e) in \(scalars.count)", file: file, line: line)
        guard 0 <= s && s <= e && e <= scalars.count else { return "" }
        return String(String.UnicodeScalarView(scalars[s..<e]))
    }

    static let text = "Mayor Ingrid Holloway visited Lakemoor on Monday.\n\nQuillon Systems hired Priya Natarajan.\n"
    static let tokens = "Mayor Ingrid Holloway visited Lakemoor on Monday .\nQuillon Systems hired Priya Natarajan .\n"
    static let conll = """
        -DOCSTART- -X- O

        Mayor NNP O
        Ingrid NNP B-PER
        Holloway NNP I-PER
        visited VBD O
        Lakemoor NNP B-LOC
        on IN O
        Monday NNP O
        . . O

        Quillon NNP B-ORG
        Systems NNP I-ORG
        hired VBD O
        Priya NNP B-PER
        Natarajan NNP I-PER
        . . O

        """

    // MARK: - Every input mode with every output format

    func testEveryInputModeWithEveryFormat() throws {
        let inputs = [("text", Self.text), ("tokens", Self.tokens), ("conll", Self.conll)]
        let expectedTokens = [["Mayor", "Ingrid", "Holloway", "visited", "Lakemoor", "on", "Monday", "."],
                              ["Quillon", "Systems", "hired", "Priya", "Natarajan", "."]]
        for (mode, input) in inputs {
            for format in ["inline", "conll", "json", "html"] {
                let what = "--input \(mode) --format \(format)"
                let r = try tag(["--input", mode, "--format", format], input)
                XCTAssertEqual(r.status, 0, what)
                XCTAssertEqual(r.stderr, "", what)
                switch format {
                case "inline":
                    XCTAssertEqual(r.stdout, "Mayor [PER Ingrid Holloway] visited [LOC Lakemoor] on Monday .\n"
                                   + "[ORG Quillon Systems] hired [PER Priya Natarajan] .\n", what)
                case "conll" where mode == "conll":
                    XCTAssertTrue(r.stdout.hasSuffix(". . O O\n\n"), what)
                    func splitLines(_ s: String) -> [String] {
                        var text = Substring(s)
                        while text.hasSuffix("\n") { text = text.dropLast() }
                        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                    }
                    let lines = splitLines(r.stdout), original = splitLines(Self.conll)
                    XCTAssertEqual(lines.count, original.count, what)
                    for (out, orig) in zip(lines, original) {
                        if orig.isEmpty { XCTAssertEqual(out, "", what); continue }
                        XCTAssertTrue(out.hasPrefix(orig + " "), "\(what): \(out)")
                        let gold = orig.split(separator: " ").last.map(String.init)
                        XCTAssertEqual(out.split(separator: " ").last.map(String.init), gold, "\(what): \(out)")
                    }
                case "conll":
                    let sentences = r.stdout.components(separatedBy: "\n\n").filter { !$0.isEmpty }
                    XCTAssertEqual(sentences.count, 2, what)
                    XCTAssertTrue(r.stdout.hasSuffix("\n\n"), what)
                    let rows = sentences.map { $0.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) } }
                    XCTAssertEqual(rows.map { $0.map { $0[0] } }, expectedTokens, what)
                    XCTAssertEqual(rows[0].map { $0[1] }, ["O", "B-PER", "I-PER", "O", "B-LOC", "O", "O", "O"], what)
                case "json":
                    let objects = try jsonLines(r.stdout)
                    XCTAssertEqual(objects.count, 2, what)
                    let labels = objects.map { ($0["entities"] as? [[String: Any]] ?? []).compactMap { $0["label"] as? String } }
                    XCTAssertEqual(labels, [["PER", "LOC"], ["ORG", "PER"]], what)
                    XCTAssertEqual(objects.map { ($0["tokens"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String } },
                                   expectedTokens, what)
                    if mode != "text" { XCTAssertEqual(objects.map { $0["line"] as? Int }, mode == "tokens" ? [1, 2] : [3, 12], what) }
                default:  // html
                    XCTAssertTrue(r.stdout.hasPrefix("<!DOCTYPE html>"), what)
                    XCTAssertTrue(r.stdout.hasSuffix("</html>\n"), what)
                    XCTAssertEqual(r.stdout.components(separatedBy: "<html").count, 2, what)
                    XCTAssertEqual(r.stdout.components(separatedBy: "<mark").count - 1, 4 + 4, "\(what): 4 entities + 4 legend entries")
                    XCTAssertTrue(r.stdout.contains(">Ingrid Holloway</mark>"), what)
                    XCTAssertTrue(r.stdout.contains(">Quillon Systems</mark> hired"), what)
                }
            }
        }
    }

    func testDefaultFormatIsInlineForTextAndConllForColumns() throws {
        XCTAssertEqual(try tag([], Self.text).stdout, try tag(["--format", "inline"], Self.text).stdout)
        XCTAssertEqual(try tag(["--input", "tokens"], Self.tokens).stdout,
                       try tag(["--input", "tokens", "--format", "inline"], Self.tokens).stdout)
        let r = try tag(["--input", "conll"], Self.conll)
        XCTAssertTrue(r.stdout.hasPrefix("-DOCSTART- -X- O O\n\nMayor NNP O O\nIngrid NNP B-PER B-PER\n"), r.stdout)
    }

    // MARK: - Offsets

    func testJSONOffsetsSliceTheOriginalInput() throws {
        let input = "  Mayor Ingrid Holloway met Zoë Brandt in 東京 🙂.  Quillon Systems hired Priya Natarajan!\n"
            + "Fans of Redhaven\nUnited cheered \u{201C}Lakemoor\u{201D} …\n\n\n"
            + "Cafe\u{301} owner Tomas Reyvik 👩🏽‍💻 met Elsa Brandt in Port Adley.\n"
        let r = try tag(["--format", "json"], input)
        XCTAssertEqual(r.status, 0)
        let scalars = Array(input.unicodeScalars)
        let objects = try jsonLines(r.stdout)
        XCTAssertGreaterThanOrEqual(objects.count, 4)
        var entityTexts: [String] = []
        var previousEnd = 0
        for object in objects {
            let text = try XCTUnwrap(object["text"] as? String)
            XCTAssertEqual(try slice(scalars, object["start"], object["end"]), text)
            XCTAssertGreaterThanOrEqual(object["start"] as? Int ?? -1, previousEnd, "sentences in input order")
            previousEnd = object["end"] as? Int ?? 0
            for token in try XCTUnwrap(object["tokens"] as? [[String: Any]]) {
                XCTAssertEqual(try slice(scalars, token["start"], token["end"]), token["text"] as? String)
            }
            for entity in try XCTUnwrap(object["entities"] as? [[String: Any]]) {
                let text = try XCTUnwrap(entity["text"] as? String)
                XCTAssertEqual(try slice(scalars, entity["start"], entity["end"]), text)
                let score = try XCTUnwrap(entity["score"] as? Double)
                XCTAssertTrue(score > 0 && score <= 1)
                entityTexts.append(text)
            }
        }
        // Entities were found, including one spanning a line break, and offsets after the
        // emoji and combining accent still slice correctly.
        XCTAssertTrue(entityTexts.contains("Ingrid Holloway"), "\(entityTexts)")
        XCTAssertTrue(entityTexts.contains("Redhaven\nUnited"), "\(entityTexts)")
        XCTAssertTrue(entityTexts.contains("Elsa Brandt"), "\(entityTexts)")
        XCTAssertTrue(entityTexts.contains("Port Adley"), "\(entityTexts)")
    }

    func testTokenAndColumnOffsetsAreIntoTheTokensJoinedBySpaces() throws {
        for (mode, input) in [("tokens", "Zoë  met\t🙂 Ingrid Holloway\n"), ("conll", "Zoë\nmet\n🙂\nIngrid\nHolloway\n")] {
            let r = try tag(["--input", mode, "--format", "json"], input)
            let object = try XCTUnwrap(try jsonLines(r.stdout).first)
            XCTAssertEqual(object["text"] as? String, "Zoë met 🙂 Ingrid Holloway")
            XCTAssertEqual(object["start"] as? Int, 0)
            XCTAssertEqual(object["end"] as? Int, 25)
            let scalars = Array("Zoë met 🙂 Ingrid Holloway".unicodeScalars)
            let entities = try XCTUnwrap(object["entities"] as? [[String: Any]])
            XCTAssertEqual(entities.first?["text"] as? String, "Ingrid Holloway")
            for e in entities { XCTAssertEqual(try slice(scalars, e["start"], e["end"]), e["text"] as? String) }
        }
    }

    // MARK: - Odd input

    func testOddInputNeverFails() throws {
        let long = String(repeating: "Holloway visited Lakemoor and ", count: 3400).prefix(100_000)
        let cases: [(String, Data)] = [
            ("empty", Data()),
            ("blank lines", Data("\n\n   \n\t\n\r\n".utf8)),
            ("punctuation", Data("... !!! ??? ,,, ---\n\n.\n;\n".utf8)),
            ("whitespace", Data("      \t \u{00A0}\u{2003}  \n".utf8)),
            ("100k-character line", Data((long + "\n").utf8)),
            ("100k-character token", Data((String(repeating: "x", count: 100_000) + "\n").utf8)),
            ("NUL bytes", Data([0, 0, 0x0A, 0x41, 0, 0x42, 0x20, 0, 0x0A, 0])),
            ("no final newline", Data("Ingrid Holloway".utf8)),
        ]
        for (name, input) in cases {
            for mode in ["text", "tokens"] {
                for format in ["inline", "json", "html", "conll"] {
                    let what = "\(name) --input \(mode) --format \(format)"
                    let r = try tag(["--input", mode, "--format", format], input)
                    XCTAssertEqual(r.status, 0, what)
                    XCTAssertEqual(r.stderr, "", what)
                    if name == "empty" || name == "blank lines" { XCTAssertEqual(r.stdout, "", what) }
                    if format == "json" { XCTAssertNoThrow(try jsonLines(r.stdout), what) }
                    if format == "html" && !r.stdout.isEmpty { XCTAssertTrue(r.stdout.hasSuffix("</html>\n"), what) }
                }
            }
        }
        for input in ["", "\n\n\n"] {
            let r = try tag(["--input", "conll"], input)
            XCTAssertEqual(r.status, 0)
            XCTAssertEqual(r.stdout, "")
        }
    }

    func testLongLineIsTaggedWhole() throws {
        let line = String(repeating: "Holloway visited Lakemoor and ", count: 3400).prefix(100_000)
        let r = try tag(["--input", "tokens", "--format", "conll"], line + "\n")
        XCTAssertEqual(r.status, 0)
        let rows = r.stdout.split(separator: "\n")
        XCTAssertEqual(rows.count, line.split(separator: " ").count)
    }

    func testInvalidUTF8IsReplacedAndReportedOnce() throws {
        var input = Data("Ingrid Holloway \u{E9}t\u{E9} ".utf8)
        input.append(contentsOf: [0xFF, 0xC3, 0x0A, 0x0A])
        input.append(Data("Lakemoor ".utf8))
        input.append(contentsOf: [0xE2, 0x82, 0x0A])
        for mode in ["text", "tokens"] {
            let r = try tag(["--input", mode, "--format", "json"], input)
            XCTAssertEqual(r.status, 0)
            XCTAssertEqual(r.stderr, "<stdin>:1: warning: invalid UTF-8, replaced with U+FFFD\n")
            let objects = try jsonLines(r.stdout)
            XCTAssertEqual(objects.count, 2)
            XCTAssertTrue((objects.first?["text"] as? String)?.contains("\u{FFFD}") == true)
            if mode == "text" {
                // Offsets are into the repaired input.
                let repaired = Array(String(decoding: input, as: UTF8.self).unicodeScalars)
                for object in objects { XCTAssertEqual(try slice(repaired, object["start"], object["end"]), object["text"] as? String) }
            }
        }
    }

    // MARK: - Model errors

    private func assertModelError(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try runNER(["tag", "--model", path], stdin: Data(Self.text.utf8))
        XCTAssertEqual(r.status, 1, file: file, line: line)
        XCTAssertEqual(r.stdout, "", file: file, line: line)
        XCTAssertTrue(r.stderr.hasPrefix(path + ": error: "), r.stderr, file: file, line: line)
        XCTAssertEqual(r.stderr.filter { $0 == "\n" }.count, 1, "one line: \(r.stderr)", file: file, line: line)
        XCTAssertFalse(r.stderr.contains("Fatal error"), file: file, line: line)
    }

    func testMissingModel() throws {
        let dir = try temporaryDirectory(self)
        try assertModelError(dir.appendingPathComponent("none.ner").path)
        try assertModelError(dir.path)  // a directory
    }

    func testCorruptedModels() throws {
        let dir = try temporaryDirectory(self)
        let original = try Data(contentsOf: URL(fileURLWithPath: try model()))
        var flipped = original
        flipped[original.count / 2] ^= 0x5A
        var flippedHeader = original
        flippedHeader[12] ^= 0x01
        let variants: [(String, Data)] = [
            ("flipped.ner", flipped),
            ("flipped-header.ner", flippedHeader),
            ("truncated.ner", original.prefix(original.count - 100)),
            ("half.ner", original.prefix(original.count / 2)),
            ("tiny.ner", original.prefix(5)),
            ("empty.ner", Data()),
            ("text.ner", Data("Mayor NNP O\n".utf8)),
        ]
        for (name, data) in variants {
            let url = dir.appendingPathComponent(name)
            try data.write(to: url)
            try assertModelError(url.path)
        }
    }

    // MARK: - CoNLL input

    func testConllInputAppendsAColumnAndKeepsTheLines() throws {
        let dir = try temporaryDirectory(self)
        let input = "# comment\n1\tMayor\tx\n2\tIngrid\tx\n3\tHolloway\tx\n\n\n1\tLakemoor\tx\n"
        let path = dir.appendingPathComponent("in.tsv").path
        try Data(input.utf8).write(to: URL(fileURLWithPath: path))
        let r = try runNER(["tag", "--model", try model(), "--input", "conll", "--token-column", "1", path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "# comment\n1\tMayor\tx\tO\n2\tIngrid\tx\tB-PER\n3\tHolloway\tx\tI-PER\n\n1\tLakemoor\tx\tB-LOC\n\n")
    }

    func testConllOutputScoresWithEval() throws {
        let sample = repositoryRoot.appendingPathComponent("data/sample.conll").path
        let tagged = try runNER(["tag", "--model", try model(), "--input", "conll", sample])
        XCTAssertEqual(tagged.status, 0)
        let lines = tagged.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let original = try String(contentsOfFile: sample, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.filter { !$0.isEmpty }.count, original.filter { !$0.isEmpty }.count)
        let scored = try runNER(["eval", "--predictions", "-"], stdin: Data(tagged.stdout.utf8))
        XCTAssertEqual(scored.status, 0, scored.stderr)
        XCTAssertTrue(scored.stdout.contains("processed 447 tokens"), scored.stdout)
    }

    func testConllInputErrorIsReportedWithItsLine() throws {
        let r = try tag(["--input", "conll"], "a x\nb\n")
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains(":2: "), r.stderr)
    }

    // MARK: - Options

    func testSchemeOption() throws {
        let bioes = try tag(["--format", "conll", "--scheme", "bioes"], "Ingrid Holloway met Lakemoor people.\n")
        XCTAssertEqual(bioes.stdout.split(separator: "\n").map { $0.split(separator: "\t")[1] }.prefix(4),
                       ["B-PER", "E-PER", "O", "S-LOC"])
        let iob1 = try tag(["--format", "conll", "--scheme", "iob1"], "Ingrid Holloway met Lakemoor people.\n")
        XCTAssertEqual(iob1.stdout.split(separator: "\n").map { $0.split(separator: "\t")[1] }.prefix(4),
                       ["I-PER", "I-PER", "O", "I-LOC"])
        let bad = try tag(["--scheme", "xyz"], "x\n")
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.contains("xyz"))
        let column = try tag(["--token-column", "1"], "x\n")
        XCTAssertEqual(column.status, 64)
        XCTAssertTrue(column.stderr.contains("--token-column needs --input conll"), column.stderr)
    }

    func testFilesAreReadInOrderAndNamed() throws {
        let dir = try temporaryDirectory(self)
        let a = dir.appendingPathComponent("a.txt"), b = dir.appendingPathComponent("b.txt")
        try Data("Ingrid Holloway spoke.\n".utf8).write(to: a)
        try Data("Lakemoor voted.\n".utf8).write(to: b)
        let r = try runNER(["tag", "--model", try model(), "--format", "json", a.path, b.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let objects = try jsonLines(r.stdout)
        XCTAssertEqual(objects.map { $0["file"] as? String }, [a.path, b.path])
        XCTAssertEqual(objects.map { $0["start"] as? Int }, [0, 0], "offsets count from each file's start")
        let missing = try runNER(["tag", "--model", try model(), a.path, dir.appendingPathComponent("no.txt").path])
        XCTAssertEqual(missing.status, 1)
        XCTAssertEqual(missing.stderr, dir.appendingPathComponent("no.txt").path + ": error: no such file\n")
        XCTAssertEqual(missing.stdout, "", "files are checked before anything is tagged")
    }

    /// `--precision`: float32 and bfloat16 find the same entities with the default model, their
    /// scores differ only in the low digits (and not at all on a CPU without AVX512_BF16, where
    /// bfloat16 is float32); a value that is neither is a usage error naming the choices.
    func testPrecisionOptionChangesOnlyTheLowDigitsOfScores() throws {
        let text = "Teddy Roosevelt was a great President. Teddy bears are on sale in Paris!\n"
        let model = repositoryRoot.appendingPathComponent("models/default.ner").path
        var results: [[[String: Any]]] = []
        for precision in ["float32", "bfloat16"] {
            let r = try runNER(["tag", "--model", model, "--precision", precision, "--format", "json"], stdin: Data(text.utf8))
            XCTAssertEqual(r.status, 0, r.stderr)
            let entities = try jsonLines(r.stdout).flatMap { try XCTUnwrap($0["entities"] as? [[String: Any]]) }
            results.append(entities)
        }
        XCTAssertEqual(results[0].map { "\($0["label"] ?? "") \($0["text"] ?? "")" }, ["PER Teddy Roosevelt", "LOC Paris"])
        XCTAssertEqual(results[1].map { "\($0["label"] ?? "") \($0["text"] ?? "")" }, ["PER Teddy Roosevelt", "LOC Paris"])
        for (a, b) in zip(results[0], results[1]) {
            XCTAssertEqual(try XCTUnwrap(a["score"] as? Double), try XCTUnwrap(b["score"] as? Double), accuracy: 0.01)
        }
        let bad = try runNER(["tag", "--precision", "half"], stdin: Data(text.utf8))
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.contains("float32") && bad.stderr.contains("bfloat16"), bad.stderr)
    }

    func testHelpHasExamples() throws {
        let r = try runNER(["tag", "--help"])
        XCTAssertEqual(r.status, 0)
        for needle in ["EXAMPLES", "--input", "--format", "--scheme", "--model", "token_start", "inline", "html"] {
            XCTAssertTrue(r.stdout.contains(needle), needle)
        }
    }

    // MARK: - Streaming

    /// Writes `first` to a running `ner tag`, waits for `expected` on its stdout while its stdin
    /// stays open, then finishes.
    private func assertAnswersBeforeInputEnds(_ arguments: [String], first: String, expected: String) throws {
        let process = Process()
        process.executableURL = nerExecutable
        process.arguments = ["tag", "--model", try model()] + arguments
        let inPipe = Pipe(), outPipe = Pipe()
        process.standardInput = inPipe
        process.standardOutput = outPipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        inPipe.fileHandleForWriting.write(Data(first.utf8))
        let received = expectation(description: "output before the input ends")
        let output = OutputCollector()
        outPipe.fileHandleForReading.readabilityHandler = { handle in
            if output.append(handle.availableData, lookingFor: expected) {
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

    func testTextOutputStartsBeforeTheInputEnds() throws {
        try assertAnswersBeforeInputEnds([], first: "Ingrid Holloway spoke.\n\n", expected: "[PER Ingrid Holloway] spoke .\n")
    }

    func testTokenOutputStartsBeforeTheInputEnds() throws {
        try assertAnswersBeforeInputEnds(["--input", "tokens", "--format", "json"], first: "Ingrid Holloway spoke\n",
                                         expected: "\"Ingrid Holloway\"")
    }
}

/// Output of a running process, collected from a reading thread.
private final class OutputCollector: @unchecked Sendable {
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

extension TagCommandTests {
    /// Every input is opened one way (`InputFile`): gzip is recognised by its first bytes for
    /// `--input text` and `tokens` as for the other inputs, from a file and from standard input,
    /// and damaged gzip data is an error naming the input.
    func testTextAndTokenInputReadGzip() throws {
        let model = try model()
        let dir = try XCTUnwrap(Self.directory).appendingPathComponent("gzip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (input, text) in [("text", "Ingrid Holloway visited Lakemoor.\n\nThe bank in Lakemoor is closed.\n"),
                              ("tokens", "Ingrid Holloway visited Lakemoor .\nThe bank in Lakemoor is closed .\n")] {
            let plain = dir.appendingPathComponent("\(input).txt")
            try Data(text.utf8).write(to: plain)
            let gzip = Process()
            gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            gzip.arguments = ["gzip", "-k", plain.path]
            try gzip.run()
            gzip.waitUntilExit()
            XCTAssertEqual(gzip.terminationStatus, 0)
            let compressed = try Data(contentsOf: URL(fileURLWithPath: plain.path + ".gz"))
            XCTAssertEqual(Array(compressed.prefix(2)), [0x1F, 0x8B])
            let fromPlain = try runNER(["tag", "--model", model, "--input", input, "--format", "conll", plain.path])
            XCTAssertEqual(fromPlain.status, 0, fromPlain.stderr)
            XCTAssertTrue(fromPlain.stdout.contains("Lakemoor"), fromPlain.stdout)
            let fromFile = try runNER(["tag", "--model", model, "--input", input, "--format", "conll", plain.path + ".gz"])
            XCTAssertEqual(fromFile.status, 0, fromFile.stderr)
            XCTAssertEqual(fromFile.stdout, fromPlain.stdout, "\(input): a .gz file reads as the text it holds")
            let fromStdin = try runNER(["tag", "--model", model, "--input", input, "--format", "conll"], stdin: compressed)
            XCTAssertEqual(fromStdin.status, 0, fromStdin.stderr)
            XCTAssertEqual(fromStdin.stdout, fromPlain.stdout, "\(input): gzip on standard input reads as the text it holds")
            let damaged = dir.appendingPathComponent("\(input)-damaged.gz")
            try compressed.prefix(compressed.count / 2).write(to: damaged)
            let bad = try runNER(["tag", "--model", model, "--input", input, damaged.path])
            XCTAssertEqual(bad.status, 1, bad.stderr)
            XCTAssertTrue(bad.stderr.contains("\(damaged.path): error:") && bad.stderr.contains("gzip"), bad.stderr)
        }
    }
}
