import Foundation
import XCTest

/// `--patterns` end to end with the default model: `ner tag` in every output format and with
/// `--input jsonl`, the modes, `ner eval`, and `ner serve` with its SIGHUP reload.
final class PatternCommandTests: XCTestCase {
    static var defaultModel: String { repositoryRoot.appendingPathComponent("models/default.ner").path }

    private func file(_ text: String, name: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ner-patterns-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent(name).path
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    private func products() throws -> String {
        try file(#"{"label": "PRODUCT", "pattern": "Teddy bears", "id": "teddy-bear"}"# + "\n", name: "products.jsonl")
    }

    private func tag(_ arguments: [String], _ input: String) throws -> ProcessResult {
        try runNER(["tag", "--model", Self.defaultModel] + arguments, stdin: Data(input.utf8))
    }

    private func entities(_ jsonLine: Substring) throws -> [[String: Any]] {
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(jsonLine.utf8)) as? [String: Any])
        return try XCTUnwrap(object["entities"] as? [[String: Any]])
    }

    func testTeddyBearsAreAProductInEveryFormat() throws {
        let rules = try products()
        let text = "Teddy bears are on sale!\n"
        let inline = try tag(["--patterns", rules], text)
        XCTAssertEqual(inline.status, 0, inline.stderr)
        XCTAssertEqual(inline.stdout, "[PRODUCT Teddy bears] are on sale !\n")

        let json = try tag(["--patterns", rules, "--format", "json"], text)
        XCTAssertEqual(json.status, 0, json.stderr)
        let found = try entities(json.stdout.split(separator: "\n")[0])
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found[0]["label"] as? String, "PRODUCT")
        XCTAssertEqual(found[0]["text"] as? String, "Teddy bears")
        XCTAssertEqual(found[0]["source"] as? String, "pattern")
        XCTAssertEqual(found[0]["id"] as? String, "teddy-bear")
        XCTAssertEqual(found[0]["score"] as? Double, 1.0)

        let conll = try tag(["--patterns", rules, "--format", "conll"], text)
        XCTAssertTrue(conll.stdout.hasPrefix("Teddy\tB-PRODUCT\nbears\tI-PRODUCT\nare\tO\n"), conll.stdout)

        let html = try tag(["--patterns", rules, "--format", "html"], text)
        XCTAssertTrue(html.stdout.contains("data-label=\"PRODUCT\" title=\"PRODUCT 1.0\">Teddy bears</mark>"), html.stdout)
        XCTAssertTrue(html.stdout.contains("<div class=\"legend\">"), html.stdout)

        let tokens = try tag(["--patterns", rules, "--input", "tokens"], "Teddy bears are on sale !\n")
        XCTAssertEqual(tokens.stdout, "[PRODUCT Teddy bears] are on sale !\n")
    }

    func testJSONIsUnchangedWithoutPatternsAndSaysTheSourceWithThem() throws {
        let text = "Teddy Roosevelt was a great President.\n"
        let plain = try tag(["--format", "json"], text)
        XCTAssertFalse(plain.stdout.contains("\"source\""), plain.stdout)
        let rules = try file("PRODUCT\tsale\n", name: "g.tsv")
        let with = try tag(["--format", "json", "--patterns", rules], text)
        let found = try entities(with.stdout.split(separator: "\n")[0])
        XCTAssertEqual(found.map { $0["label"] as? String }, ["PER"])
        XCTAssertEqual(found.map { $0["source"] as? String }, ["model"])
        XCTAssertNil(found[0]["id"])
        // Everything else as without patterns.
        XCTAssertEqual(with.stdout.replacingOccurrences(of: ", \"source\": \"model\"", with: ""), plain.stdout)
    }

    func testModesFillOverrideOnly() throws {
        let rules = try file("LOC\tRoosevelt\n", name: "loc.tsv")
        let text = "Teddy Roosevelt was a great President.\n"
        XCTAssertEqual(try tag([], text).stdout, "[PER Teddy Roosevelt] was a great President .\n")
        XCTAssertEqual(try tag(["--patterns", rules], text).stdout, "[PER Teddy Roosevelt] was a great President .\n")
        XCTAssertEqual(try tag(["--patterns", rules, "--patterns-mode", "fill"], text).stdout,
                       "[PER Teddy Roosevelt] was a great President .\n")
        XCTAssertEqual(try tag(["--patterns", rules, "--patterns-mode", "override"], text).stdout,
                       "Teddy [LOC Roosevelt] was a great President .\n")
        let only = try tag(["--patterns", rules, "--patterns-mode", "only"], "Roosevelt met Paris Hilton in Rome.\n")
        XCTAssertEqual(only.stdout, "[LOC Roosevelt] met Paris Hilton in Rome .\n")
    }

    func testRulesMatchLowercaseAndAllCapsText() throws {
        let rules = try file(#"{"label": "PRODUCT", "pattern": "Teddy bears", "lower": true}"# + "\n", name: "lower.jsonl")
        let override = ["--patterns", rules, "--patterns-mode", "override"]
        XCTAssertEqual(try tag(override, "teddy bears are on sale\n").stdout, "[PRODUCT teddy bears] are on sale\n")
        XCTAssertEqual(try tag(override, "TEDDY BEARS ARE ON SALE\n").stdout, "[PRODUCT TEDDY BEARS] ARE ON SALE\n")
        let exact = try file("PRODUCT\tTeddy bears\n", name: "exact.tsv")
        XCTAssertEqual(try tag(["--patterns", exact, "--patterns-mode", "only"], "TEDDY BEARS ARE ON SALE\n").stdout,
                       "TEDDY BEARS ARE ON SALE\n")
    }

    func testRecordInputCarriesSourceAndId() throws {
        let rules = try products()
        let r = try tag(["--patterns", rules, "--input", "jsonl"], #"{"id": 7, "text": "Teddy bears are on sale!"}"# + "\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix(#"{"id": 7, "text": "Teddy bears are on sale!", "entities": [{"label": "PRODUCT", "text": "Teddy bears", "start": 0, "end": 11, "token_start": 0, "token_end": 2, "score": 1.0, "source": "pattern", "id": "teddy-bear"}]}"#), r.stdout)
    }

    func testBadPatternsFileIsAnErrorNamingFileAndLine() throws {
        let rules = try file("PRODUCT\tTeddy bears\n{\"label\": \"X\"}\n", name: "bad.jsonl")
        let r = try tag(["--patterns", rules], "Teddy bears\n")
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("\(rules):2: error: no \"pattern\" field"), r.stderr)
        XCTAssertEqual(r.stdout, "")
        let usage = try tag(["--patterns-mode", "only"], "x\n")
        XCTAssertEqual(usage.status, 64)
        XCTAssertTrue(usage.stderr.contains("--patterns-mode needs --patterns FILE"), usage.stderr)
    }

    /// A phrase table keeps a phrase's length in 24 bits: a longer phrase, as a gazetteer line or
    /// in JSON, is an error naming the file and line (the release binary reads the 16 MB lines
    /// in a moment).
    func testPhraseLongerThanATableHoldsIsAnErrorNamingItsLine() throws {
        let max = (1 << 24) - 1
        let word = String(repeating: "a", count: max / 2)
        for (name, line) in [("long.txt", "P\t\(word) \(word)b"), ("long.jsonl", "{\"label\": \"P\", \"pattern\": \"\(word) \(word)b\"}")] {
            let rules = try file("P\tshort\n\(line)\n", name: name)
            let r = try tag(["--patterns", rules], "short\n")
            XCTAssertEqual(r.status, 1, name)
            XCTAssertTrue(r.stderr.contains("\(rules):2: error: the phrase is \(max + 1) bytes long; a phrase has at most \(max)"), r.stderr)
            XCTAssertEqual(r.stdout, "")
        }
    }

    func testCompiledPatternsTagAsTheirSources() throws {
        let rules = try products()
        let names = try file("ORG\tAcme Corp\nPRODUCT\tteddy bears\n", name: "names.tsv")
        let compiled = (rules as NSString).deletingLastPathComponent + "/shop.nerpat"
        let made = try runNER(["compile-patterns", rules, names, "--output", compiled])
        XCTAssertEqual(made.status, 0, made.stderr)
        XCTAssertEqual(made.stdout, "\(compiled): 3 rules (PRODUCT, ORG) from \(rules), \(names)\n")
        let text = "Teddy bears are on sale!\nWe bought teddy bears from Acme Corp today.\n"
        for format in ["inline", "json", "conll"] {
            let fromSources = try tag(["--patterns", rules, "--patterns", names, "--format", format], text)
            let fromCompiled = try tag(["--patterns", compiled, "--format", format], text)
            XCTAssertEqual(fromCompiled.status, 0, fromCompiled.stderr)
            XCTAssertEqual(fromCompiled.stdout, fromSources.stdout, format)
        }
        let inline = try tag(["--patterns", compiled], text).stdout
        XCTAssertTrue(inline.hasPrefix("[PRODUCT Teddy bears] are on sale !\n"), inline)
        XCTAssertTrue(inline.contains("[PRODUCT teddy bears]"), inline)
        let record = #"{"id": 7, "text": "Teddy bears are on sale!"}"# + "\n"
        XCTAssertEqual(try tag(["--patterns", compiled, "--input", "jsonl"], record).stdout,
                       try tag(["--patterns", rules, "--input", "jsonl"], record).stdout)
        // A bad source: the reader's error, exit 1, nothing written.
        let bad = try file("PRODUCT\tTeddy bears\n{\"label\": \"X\"}\n", name: "bad.jsonl")
        let failed = try runNER(["compile-patterns", bad, "--output", compiled + ".new"])
        XCTAssertEqual(failed.status, 1)
        XCTAssertTrue(failed.stderr.contains("\(bad):2: error: no \"pattern\" field"), failed.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: compiled + ".new"))
        // A damaged compiled file: an error naming it.
        var bytes = try XCTUnwrap(FileManager.default.contents(atPath: compiled))
        bytes[bytes.count - 1] ^= 0xFF
        FileManager.default.createFile(atPath: compiled, contents: bytes)
        let damaged = try tag(["--patterns", compiled], text)
        XCTAssertEqual(damaged.status, 1)
        XCTAssertTrue(damaged.stderr.contains("\(compiled): error: not a valid compiled patterns file: its checksum is"), damaged.stderr)
        XCTAssertEqual(damaged.stdout, "")
    }

    func testEvalMeasuresWhatRulesAdd() throws {
        let gold = try file("Teddy B-PRODUCT\nbears I-PRODUCT\nare O\non O\nsale O\n. O\n\n", name: "gold.txt")
        let rules = try file("PRODUCT\tTeddy bears\n", name: "g.tsv")
        let without = try runNER(["eval", "--model", Self.defaultModel, "--format", "json", gold])
        let fill = try runNER(["eval", "--model", Self.defaultModel, "--format", "json", "--patterns", rules, gold])
        let override = try runNER(["eval", "--model", Self.defaultModel, "--format", "json", "--patterns", rules, "--patterns-mode", "override", gold])
        let only = try runNER(["eval", "--model", Self.defaultModel, "--format", "json", "--patterns", rules, "--patterns-mode", "only", gold])
        func f1(_ r: ProcessResult) throws -> Double {
            XCTAssertEqual(r.status, 0, r.stderr)
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            return try XCTUnwrap(object["f1"] as? Double, r.stdout)
        }
        // The model calls "Teddy" a person: fill leaves it so, override and only put the rule's PRODUCT.
        XCTAssertEqual(try f1(without), 0)
        XCTAssertEqual(try f1(fill), 0)
        XCTAssertEqual(try f1(override), 100)
        XCTAssertEqual(try f1(only), 100)
        XCTAssertFalse(override.stderr.contains("entity types"), override.stderr)
    }

    /// `--patterns-mode only` without `--model` reads no model: a copy of `ner` with no model
    /// anywhere it looks tags and scores with the rules alone, as the default model's run does;
    /// `fill` there still needs a model and says so.
    func testOnlyModeNeedsNoModel() throws {
        let rules = try file("PRODUCT\tTeddy bears\n", name: "g.tsv")
        let gold = try file("Teddy B-PRODUCT\nbears I-PRODUCT\nare O\non O\nsale O\n. O\n\n", name: "gold.txt")
        let dir = URL(fileURLWithPath: "/tmp").appendingPathComponent("ner-only-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let copy = dir.appendingPathComponent("ner")
        try FileManager.default.copyItem(at: nerExecutable, to: copy)
        func run(_ arguments: [String], _ input: String = "") throws -> ProcessResult {
            try runProcess(copy, arguments, stdin: Data(input.utf8), currentDirectory: dir, environment: ["NER_MODEL": ""])
        }
        let text = "Teddy bears are on sale!\n"
        for format in ["inline", "json", "conll"] {
            let alone = try run(["tag", "--patterns", rules, "--patterns-mode", "only", "--format", format], text)
            XCTAssertEqual(alone.status, 0, alone.stderr)
            let withModel = try tag(["--patterns", rules, "--patterns-mode", "only", "--format", format], text)
            XCTAssertEqual(alone.stdout, withModel.stdout, format)
        }
        XCTAssertEqual(try run(["tag", "--patterns", rules, "--patterns-mode", "only"], text).stdout, "[PRODUCT Teddy bears] are on sale !\n")
        let scored = try run(["eval", "--format", "json", "--patterns", rules, "--patterns-mode", "only", gold])
        XCTAssertEqual(scored.status, 0, scored.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(scored.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["f1"] as? Double, 100)
        // A gold type no rule has: the warning names the rules, not a model.
        let misc = try file("Teddy B-PRODUCT\nbears I-PRODUCT\nare O\nGerman B-MISC\n. O\n\n", name: "misc.txt")
        let warned = try run(["eval", "--patterns", rules, "--patterns-mode", "only", misc])
        XCTAssertEqual(warned.status, 0, warned.stderr)
        XCTAssertTrue(warned.stderr.contains("\(misc): warning: entity types the rules do not know: MISC (they know PRODUCT)"), warned.stderr)
        let fill = try run(["tag", "--patterns", rules], text)
        XCTAssertEqual(fill.status, 1)
        XCTAssertTrue(fill.stderr.contains("no default model found"), fill.stderr)
    }

    // MARK: - ner serve

    func testServeAnswersWithRulesListsThemAndReloadsOnSIGHUPUnderLoad() async throws {
        let rules = try file("PRODUCT\tTeddy bears\n", name: "serve.tsv")
        let server = try await ServerProcess(["--model", Self.defaultModel, "--patterns", rules, "--patterns-mode", "override"],
                                             test: self)
        let model = try await server.get("/v1/model")
        let patterns = try XCTUnwrap(model.json["patterns"] as? [String: Any], model.body)
        XCTAssertEqual(patterns["mode"] as? String, "override")
        XCTAssertEqual(patterns["count"] as? Int, 1)
        XCTAssertEqual((patterns["files"] as? [[String: Any]])?.first?["path"] as? String, rules)
        XCTAssertEqual((patterns["files"] as? [[String: Any]])?.first?["patterns"] as? Int, 1)

        let first = try await server.tag("Teddy bears and Lego bricks are on sale.")
        XCTAssertEqual(first.status, 200, first.body)
        let labels = (first.json["entities"] as? [[String: Any]] ?? []).map { "\($0["label"] ?? "")/\($0["source"] ?? "")" }
        XCTAssertTrue(labels.contains("PRODUCT/pattern"), first.body)

        // Requests keep coming while the file changes and SIGHUP reloads it; none may fail.
        let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var seen: [Int] = []
                    for _ in 0..<40 { seen.append(try await server.tag("Teddy bears and Lego bricks are on sale.").status) }
                    return seen
                }
            }
            try await Task.sleep(nanoseconds: 100_000_000)
            try Data("PRODUCT\tTeddy bears\nPRODUCT\tLego bricks\n".utf8).write(to: URL(fileURLWithPath: rules))
            kill(server.process.processIdentifier, SIGHUP)
            var all: [Int] = []
            for try await part in group { all += part }
            return all
        }
        XCTAssertEqual(statuses.count, 160)
        XCTAssertEqual(Set(statuses), [200])
        XCTAssertEqual(server.logLines(atLeast: 1, where: { $0["message"] as? String == "patterns reloaded" }).count, 1, server.stderr)
        let after = try await server.tag("Teddy bears and Lego bricks are on sale.")
        let texts = (after.json["entities"] as? [[String: Any]] ?? []).filter { $0["source"] as? String == "pattern" }.map { $0["text"] as? String }
        XCTAssertEqual(texts, ["Teddy bears", "Lego bricks"], after.body)
        let reloaded = try await server.get("/v1/model")
        XCTAssertEqual((reloaded.json["patterns"] as? [String: Any])?["count"] as? Int, 2, reloaded.body)

        // A broken file on reload keeps the rules loaded before.
        try Data("PRODUCT Teddy bears\n".utf8).write(to: URL(fileURLWithPath: rules))
        kill(server.process.processIdentifier, SIGHUP)
        XCTAssertEqual(server.logLines(atLeast: 1, where: { ($0["message"] as? String)?.hasPrefix("cannot reload the patterns") == true }).count, 1,
                       server.stderr)
        let kept = try await server.get("/v1/model")
        XCTAssertEqual((kept.json["patterns"] as? [String: Any])?["count"] as? Int, 2, kept.body)
        XCTAssertEqual(server.stop(), 0)
    }
}
