import XCTest
@testable import NERKit

/// Patterns files (`ner tag --patterns`): the reader, the matcher, overlaps and the three modes.
final class PatternRulesTests: XCTestCase {
    private func file(_ text: String, name: String = "rules.jsonl") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("patterns-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent(name).path
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    private func set(_ lines: String) throws -> PatternSet {
        try PatternSet.load([try file(lines)])
    }

    /// The matches as "LABEL[start,end)" after overlaps are resolved.
    private func found(_ set: PatternSet, _ sentence: String) -> [String] {
        set.matches(in: sentence.split(separator: " ").map(String.init)).map { "\(set.label(of: $0.rule))[\($0.start),\($0.end))" }
    }

    // MARK: - Reading

    func testPhraseIsTokenisedByTheTokenizerAndMatchesAsWritten() throws {
        let s = try set(#"{"label": "PRODUCT", "pattern": "Teddy bears!"}"# + "\n")
        XCTAssertEqual(found(s, "Teddy bears ! are here"), ["PRODUCT[0,3)"])
        XCTAssertEqual(found(s, "teddy bears ! are here"), [])
        XCTAssertEqual(found(s, "TEDDY BEARS !"), [])
    }

    func testPlainPhrasesAreSplitAsTheTokenizerSplitsThem() throws {
        // Phrases of ASCII letters and digits take a shortcut; it must agree with the tokenizer.
        for phrase in ["Teddy bears", "  New   York ", "cannot 1999 A1b2", "x", "Teddy bears!", "U.S. Army", "don't stop", "Zürich 2"] {
            let s = try set("{\"label\": \"P\", \"pattern\": \"" + phrase + "\"}\n")
            let tokens = Tokenizer().tokenize(phrase).map(\.normalized)
            XCTAssertEqual(found(s, tokens.joined(separator: " ")), ["P[0,\(tokens.count))"], phrase)
        }
    }

    func testLowerPhraseMatchesLowercaseAndAllCapsText() throws {
        let s = try set(#"{"label": "PRODUCT", "pattern": "Teddy Bears", "lower": true}"# + "\n")
        XCTAssertEqual(found(s, "we sell teddy bears"), ["PRODUCT[2,4)"])
        XCTAssertEqual(found(s, "WE SELL TEDDY BEARS"), ["PRODUCT[2,4)"])
        XCTAssertEqual(found(s, "We sell Teddy Bears"), ["PRODUCT[2,4)"])
    }

    func testGazetteerLinesCommentsAndBlankLines() throws {
        let s = try set("# products\n\nPRODUCT\tTeddy bears\n  \nLOC\t New York \n")
        XCTAssertEqual(s.count, 2)
        XCTAssertEqual(found(s, "Teddy bears in New York"), ["PRODUCT[0,2)", "LOC[3,5)"])
        XCTAssertEqual(try GazetteerLine.parse("PER\tAda Lovelace", path: "f", line: 1), GazetteerLine(label: "PER", phrase: "Ada Lovelace"))
        XCTAssertNil(try GazetteerLine.parse("# comment", path: "f", line: 1))
    }

    func testIdIsKeptWithEachRule() throws {
        let s = try set(#"{"label": "ORG", "pattern": "Acme", "id": "acme-corp"}"# + "\nORG\tGlobex\n")
        XCTAssertEqual(s.id(of: 0), "acme-corp")
        XCTAssertNil(s.id(of: 1))
    }

    func testGzipFileIsRead() throws {
        let plain = try file("PRODUCT\tTeddy bears\n")
        let gz = plain + ".gz"
        let task = Process()
        task.executableURL = URL(fileURLWithPath: "/bin/sh")
        task.arguments = ["-c", "gzip -c '\(plain)' > '\(gz)'"]
        try task.run()
        task.waitUntilExit()
        let s = try PatternSet.load([gz])
        XCTAssertEqual(found(s, "Teddy bears"), ["PRODUCT[0,2)"])
        XCTAssertEqual(s.files, [PatternSet.File(path: gz, patterns: 1)])
    }

    func testEveryMalformedLineNamesFileLineAndProblem() throws {
        let cases: [(String, String)] = [
            ("PRODUCT Teddy bears", "found no tab"),
            ("\tTeddy", "empty label"),
            ("PRODUCT\t  ", "empty phrase"),
            ("PRODUCT\tTeddy\tbears", "more than one tab"),
            ("O\tTeddy", "\"O\" cannot be a label"),
            ("NEW PRODUCT\tTeddy", "contains whitespace"),
            ("{\"label\": \"PRODUCT\", \"pattern\": \"x\"", "invalid JSON at byte"),
            ("{\"label\": \"PRODUCT\"}", "no \"pattern\" field"),
            ("{\"pattern\": \"Teddy\"}", "no \"label\" field"),
            ("{\"label\": 3, \"pattern\": \"Teddy\"}", "\"label\" must be a string"),
            ("{\"label\": \"A B\", \"pattern\": \"Teddy\"}", "contains whitespace"),
            ("{\"label\": \"P\", \"pattern\": \"Teddy\", \"id\": 7}", "\"id\" must be a string"),
            ("{\"label\": \"P\", \"pattern\": \"Teddy\", \"patern\": 1}", "unknown field \"patern\""),
            ("{\"label\": \"P\", \"pattern\": \"Teddy\", \"label\": \"Q\"}", "duplicate key"),
            ("{\"label\": \"P\", \"pattern\": 5}", "\"pattern\" must be a string"),
            ("{\"label\": \"P\", \"pattern\": \"   \"}", "the phrase has no tokens"),
            ("{\"label\": \"P\", \"pattern\": \"x\", \"lower\": \"yes\"}", "\"lower\" must be true or false"),
            ("{\"label\": \"P\", \"pattern\": []}", "the token pattern is empty"),
            ("{\"label\": \"P\", \"pattern\": [{\"lower\": \"a\", \"op\": \"?\"}]}", "every element of the token pattern is optional"),
            ("{\"label\": \"P\", \"pattern\": [{\"pos\": \"NOUN\"}]}", "token 1 of the pattern: unsupported token attribute \"pos\""),
            ("{\"label\": \"P\", \"pattern\": [{\"lower\": \"a\"}, 3]}", "token 2 of the pattern: is a number"),
            ("{\"label\": \"P\", \"pattern\": [{\"lower\": \"a\", \"op\": \"{2}\"}]}", "\"op\" must be one of"),
            ("{\"label\": \"P\", \"pattern\": [{\"text\": {\"REGEX\": \"(\"}}]}", "invalid regular expression"),
            ("{\"label\": \"P\", \"pattern\": [{\"lower\": {\"FUZZY\": \"a\"}}]}", "unsupported operator \"FUZZY\""),
            ("{\"label\": \"P\", \"pattern\": [{\"lower\": {\"IN\": [1]}}]}", "IN needs an array of strings"),
            ("{\"label\": \"P\", \"pattern\": [{\"is_digit\": \"yes\"}]}", "\"is_digit\" must be true or false"),
            ("{\"label\": \"P\", \"pattern\": [{\"length\": -1}]}", "\"length\" must be a non-negative integer"),
            ("{\"label\": \"P\", \"pattern\": [{\"lower\": 5}]}", "\"lower\" must be a string"),
            ("{\"label\": \"P\", \"pattern\": [{\"lower\": \"a\"}], \"lower\": true}", "\"lower\" applies to phrase patterns"),
            ("[1, 2]", "found no tab"),
            ("{\"label\": \"P\", \"pattern\": [" + String(repeating: "{\"lower\": \"a\"}, ", count: 62) + "{\"lower\": \"a\"}]}",
             "the token pattern is too long"),
        ]
        for (line, expected) in cases {
            let path = try file("PRODUCT\tfine\n\(line)\n")
            XCTAssertThrowsError(try PatternSet.load([path]), line) { error in
                let message = "\(error)"
                XCTAssertTrue(message.hasPrefix("\(path):2: "), "\(line) → \(message)")
                XCTAssertTrue(message.contains(expected), "\(line) → \(message), expected \(expected)")
            }
        }
        let bad = try file("")
        FileManager.default.createFile(atPath: bad, contents: Data([0x50, 0x09, 0xFF, 0x0A]))
        XCTAssertThrowsError(try PatternSet.load([bad])) { XCTAssertEqual("\($0)", "\(bad):1: invalid UTF-8 at byte 3") }
        XCTAssertThrowsError(try PatternSet.load([bad + ".missing"])) { XCTAssertEqual("\($0)", "\(bad).missing: no such file") }
    }

    // MARK: - Token patterns

    func testTokenPatternOperators() throws {
        let s = try set("""
        {"label": "ORG", "pattern": [{"lower": "acme"}, {"lower": "corp", "op": "?"}]}
        {"label": "NUM", "pattern": [{"is_digit": true, "op": "+"}, {"lower": "units"}]}
        {"label": "SEQ", "pattern": [{"orth": "<"}, {"op": "*"}, {"orth": ">"}]}
        {"label": "NOT", "pattern": [{"orth": "no"}, {"lower": "way", "op": "!"}]}

        """)
        XCTAssertEqual(found(s, "ACME Corp sells"), ["ORG[0,2)"])
        XCTAssertEqual(found(s, "acme sells"), ["ORG[0,1)"])
        XCTAssertEqual(found(s, "we have 1 2 3 units"), ["NUM[2,6)"])
        XCTAssertEqual(found(s, "we have units"), [])
        XCTAssertEqual(found(s, "< a b c > d >"), ["SEQ[0,7)"])
        XCTAssertEqual(found(s, "< >"), ["SEQ[0,2)"])
        XCTAssertEqual(found(s, "no way"), [])
        XCTAssertEqual(found(s, "no idea"), ["NOT[0,2)"])
    }

    func testTokenAttributes() throws {
        let s = try set("""
        {"label": "YEAR", "pattern": [{"shape": "dddd"}]}
        {"label": "NAME", "pattern": [{"is_title": true}, {"TEXT": {"REGEX": "^[A-Z]\\\\.$"}}, {"IS_TITLE": true}]}
        {"label": "CODE", "pattern": [{"lower": {"IN": ["sku", "ref"]}}, {"length": {">=": 3}, "is_upper": true}]}
        {"label": "SHORT", "pattern": [{"orth": "x"}, {"lower": {"NOT_IN": ["y"]}}]}

        """)
        XCTAssertEqual(found(s, "in 1999 ."), ["YEAR[1,2)"])
        XCTAssertEqual(found(s, "in 19999 ."), ["YEAR[1,2)"])  // runs stop at 4: "dddd"
        XCTAssertEqual(found(s, "in 199 ."), [])
        XCTAssertEqual(found(s, "John F. Kennedy"), ["NAME[0,3)"])
        XCTAssertEqual(found(s, "John F. kennedy"), [])
        XCTAssertEqual(found(s, "SKU ABC1"), ["CODE[0,2)"])
        XCTAssertEqual(found(s, "ref AB"), [])
        XCTAssertEqual(found(s, "x z"), ["SHORT[0,2)"])
        XCTAssertEqual(found(s, "x Y"), [])
        XCTAssertEqual(TokenAttributes.shape("C-3PO"), "X-dXX")
        XCTAssertEqual(TokenAttributes.shape("Apple"), "Xxxxx")
        XCTAssertEqual(TokenAttributes.shape("abcdefg"), "xxxx")
        XCTAssertTrue(TokenAttributes.isTitle("O'Neil"))
        XCTAssertFalse(TokenAttributes.isTitle("iPhone"))
        XCTAssertFalse(TokenAttributes.isTitle("USA"))
        XCTAssertFalse(TokenAttributes.isTitle("1999"))
        XCTAssertTrue(TokenAttributes.isPunct("?!"))
    }

    // MARK: - Overlaps

    func testOverlapsLongestWinsThenFirstInFile() throws {
        let s = try set("""
        LOC\tNew York
        ORG\tNew York Times
        PER\tYork Times
        MISC\tYork Times

        """)
        // The longest match wins over the shorter ones it overlaps.
        XCTAssertEqual(found(s, "the New York Times said"), ["ORG[1,4)"])
        // Equal length: the first rule in the file.
        XCTAssertEqual(found(s, "New York Times"), ["ORG[0,3)"])
        XCTAssertEqual(found(s, "York Times"), ["PER[0,2)"])
        // Same phrase twice, different labels: the first.
        let twice = try set("A\tAcme\nB\tAcme\n")
        XCTAssertEqual(found(twice, "Acme"), ["A[0,1)"])
        // Equal length and rule: the earlier start.
        let pairs = try set("P\tx x\n")
        XCTAssertEqual(found(pairs, "x x x"), ["P[0,2)"])
        // Rules across files keep file order.
        let first = try file("B\tAcme\n", name: "b.tsv"), second = try file("A\tAcme\n", name: "a.tsv")
        XCTAssertEqual(found(try PatternSet.load([first, second]), "Acme"), ["B[0,1)"])
    }

    /// `PatternMatch.resolve` gives what a plain greedy pass in the documented order (longest,
    /// then first rule, then first start) gives, on random matches.
    func testResolveKeepsTheDocumentedOrder() {
        func reference(_ matches: [PatternMatch], _ count: Int) -> [PatternMatch] {
            var taken = Set<Int>(), kept: [PatternMatch] = []
            let order = matches.filter { $0.start >= 0 && $0.end <= count && $0.start < $0.end }.sorted {
                ($1.end - $1.start, $0.rule, $0.start) < ($0.end - $0.start, $1.rule, $1.start)
            }
            for m in order where (m.start..<m.end).allSatisfy({ !taken.contains($0) }) {
                taken.formUnion(m.start..<m.end)
                kept.append(m)
            }
            return kept.sorted { $0.start < $1.start }
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let count = Int.random(in: 1...30, using: &generator)
            let matches = (0..<Int.random(in: 2...25, using: &generator)).map { _ -> PatternMatch in
                let start = Int.random(in: 0..<count, using: &generator)
                return PatternMatch(start: start, end: min(count, start + Int.random(in: 1...4, using: &generator)),
                                    rule: Int.random(in: 0..<6, using: &generator))
            }
            XCTAssertEqual(PatternMatch.resolve(matches, tokenCount: count), reference(matches, count), "\(matches)")
        }
    }

    func testPhraseAndTokenPatternCompeteByLength() throws {
        let s = try set("""
        ORG\tAcme
        {"label": "ORG2", "pattern": [{"lower": "acme"}, {"lower": "corp"}]}

        """)
        XCTAssertEqual(found(s, "Acme Corp"), ["ORG2[0,2)"])
        XCTAssertEqual(found(s, "Acme Inc"), ["ORG[0,1)"])
    }

    // MARK: - Modes

    private func entity(_ label: String, _ start: Int, _ end: Int, _ source: EntitySource? = nil) -> TaggedEntity {
        TaggedEntity(label: label, tokenStart: start, tokenEnd: end, score: source == .pattern ? 1 : 0.9, source: source)
    }

    private func apply(_ mode: PatternMode, _ rules: String, tokens: String, model: [TaggedEntity]) throws -> TaggedSentence {
        let words = tokens.split(separator: " ").map(String.init)
        let tags = TagScheme.iob2.tags(for: model.map { EntitySpan(type: $0.label, start: $0.tokenStart, end: $0.tokenEnd) }, count: words.count)
        return EntityRules(patterns: try set(rules), mode: mode).apply(TaggedSentence(tags: tags, entities: model), tokens: words, scheme: .iob2)
    }

    func testFillAddsMatchesOnlyWhereTheModelFoundNothingOverlapping() throws {
        let model = [entity("ORG", 0, 1)]
        let r = try apply(.fill, "PRODUCT\tTeddy bears\nPER\tAcme Bob\n", tokens: "Acme Bob sells Teddy bears", model: model)
        XCTAssertEqual(r.entities, [entity("ORG", 0, 1, .model), TaggedEntity(label: "PRODUCT", tokenStart: 3, tokenEnd: 5, score: 1, source: .pattern)])
        XCTAssertEqual(r.tags, ["B-ORG", "O", "O", "B-PRODUCT", "I-PRODUCT"])
    }

    func testOverrideReplacesEveryModelEntityAMatchOverlaps() throws {
        let model = [entity("ORG", 0, 1), entity("PER", 1, 2), entity("LOC", 4, 5)]
        let r = try apply(.override, "PER\tAcme Bob\n", tokens: "Acme Bob went to Paris", model: model)
        XCTAssertEqual(r.entities.map(\.label), ["PER", "LOC"])
        XCTAssertEqual(r.entities.map(\.source), [.pattern, .model])
        XCTAssertEqual(r.tags, ["B-PER", "I-PER", "O", "O", "B-LOC"])
    }

    func testOnlyKeepsMatchesAloneAndIgnoresTheModel() throws {
        let r = try apply(.only, "PER\tBob\n", tokens: "Acme Bob", model: [entity("ORG", 0, 1)])
        XCTAssertEqual(r.entities.map(\.label), ["PER"])
        XCTAssertEqual(r.tags, ["O", "B-PER"])
    }

    func testWithoutMatchesTheModelsTagsStayAndEntitiesAreMarkedModel() throws {
        let model = [entity("ORG", 0, 1)]
        let r = try apply(.fill, "PER\tNobody\n", tokens: "Acme sells", model: model)
        XCTAssertEqual(r.entities, [entity("ORG", 0, 1, .model)])
        XCTAssertEqual(r.tags, ["B-ORG", "O"])
    }

    func testMatchIdComesWithTheEntity() throws {
        let r = try apply(.only, #"{"label": "ORG", "pattern": "Acme", "id": "Q1"}"# + "\n", tokens: "Acme", model: [])
        XCTAssertEqual(r.entities.first?.patternID, "Q1")
    }
}
