import XCTest
@testable import NERKit

/// The fast paths of the patterns reader and matcher against straightforward references on
/// seeded random rules and sentences: the plain-line reader against the general one, the phrase
/// table against a scan of every phrase at every position, the token-pattern automaton over
/// `SentenceTokens` against a backtracking matcher over `TokenAttributes`.
final class PatternMatcherDifferentialTests: XCTestCase {
    private var random = SeededRandom(seed: 33)

    private func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
    private func chance(_ p: Double) -> Bool { Double(random.next() >> 11) / Double(1 << 53) < p }
    private func number(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(random.next() % UInt64(range.count)) }

    private func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("patterns-\(UUID().uuidString).jsonl").path
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    /// A small vocabulary, so that phrases share prefixes and sentences hit them.
    private let words = ["New", "York", "new", "york", "NEW", "Times", "the", "A1b2", "1999", "Zürich", "ÉCOLE", "école",
                         "U.S.", "don't", "!", "x", "Xx", "ǅemal", "O'Neil", "iPhone", "C-3PO", "--", "12,5", "Acme"]

    // MARK: - Plain lines

    private func randomLine() -> String {
        if chance(0.25) {
            // Gazetteer lines, some malformed.
            let label = pick(["PRODUCT", "LOC", "O", "#LOC", " LOC", "A B", "", "Ünï"])
            let phrase = pick(["Teddy bears", "  New   York ", "x", "", "   ", "a\tb", "Zürich 2", "U.S. Army", "1999"])
            return label + pick(["\t", "\t", " ", "\t\t"]) + phrase
        }
        var members: [String] = []
        let keys = ["\"label\"", "\"pattern\"", "\"id\"", "\"lower\"", "\"Label\"", "\"extra\""]
        for _ in 0..<number(0...5) {
            let key = pick(keys)
            let value: String
            switch key {
            case "\"lower\"": value = pick(["true", "false", "\"yes\"", "tru", "1"])
            case "\"pattern\"":
                value = pick(["\"Teddy bears\"", "\" New  York \"", "\"x\"", "\"   \"", "\"U.S. Army\"", "\"Zürich\"",
                              "\"a\\\"b\"", "\"A1b2 c\"", "[{\"lower\": \"a\"}]", "5", "\"\""])
            default:
                value = pick(["\"PRODUCT\"", "\"LOC\"", "\"O\"", "\"A B\"", "\"\"", "\"P\\u0041\"", "\"Q1\"", "3", "\"ÜN\"", "null"])
            }
            let space = { [self] in pick(["", " ", "  ", "\t", "\r"]) }
            members.append(space() + key + space() + ":" + space() + value + space())
        }
        if members.isEmpty || chance(0.7) {
            // Mostly well-formed rules, so that the shortcut is taken often.
            members = ["\"label\": \"" + pick(["PRODUCT", "LOC", "DRUG"]) + "\"",
                       "\"pattern\": \"" + pick(["Teddy bears", "new york", " A1b2  x ", "Times", "THE NEW"]) + "\""]
            if chance(0.4) { members.append("\"id\": \"" + pick(["E1", "", "q 2", "x_y"]) + "\"") }
            if chance(0.4) { members.append("\"lower\": " + pick(["true", "false"])) }
            members.shuffle(using: &random)
        }
        var line = pick(["", " ", "\t"]) + "{" + members.joined(separator: pick([",", ", ", " ,"])) + "}" + pick(["", " ", "  x"])
        if chance(0.05) { line.removeLast() }
        return line
    }

    func testPlainLinesAreReadAsTheGeneralReaderReadsThem() throws {
        var taken = 0
        var words: [Range<Int>] = []
        for _ in 0..<4000 {
            let line = randomLine()
            let bytes = Array(line.utf8)
            guard let plain = bytes.withUnsafeBufferPointer({ PlainPatternLine($0, words: &words) }) else { continue }
            taken += 1
            let general = try XCTUnwrap(try EntityPattern.parse(line: bytes, path: "f", line: 1, tokenizer: Tokenizer()), line)
            XCTAssertEqual(general.label, String(decoding: bytes[plain.label], as: UTF8.self), line)
            XCTAssertEqual(general.id, plain.id.map { String(decoding: bytes[$0], as: UTF8.self) }, line)
            let phrase = String(decoding: bytes[plain.phrase], as: UTF8.self)
            let plainWords = plain.isPlain ? words.map { String(decoding: bytes[$0], as: UTF8.self) }
                                           : Tokenizer().tokenize(phrase).map(\.normalized)
            guard case .phrase(let tokens, let lower) = general.body else { return XCTFail(line) }
            XCTAssertEqual(lower, plain.lower, line)
            XCTAssertEqual(tokens, plain.lower ? plainWords.map { $0.lowercased() } : plainWords, line)
        }
        // The shortcut must be taken for the common lines, or this test checks nothing.
        XCTAssertGreaterThan(taken, 1500)
    }

    func testFilesReadWithTheShortcutMatchAsRulesAddedOneByOne() throws {
        var lines: [String] = []
        var reference = PatternSet()
        while lines.count < 600 {
            let line = randomLine()
            guard let rule = try? EntityPattern.parse(line: Array(line.utf8), path: "f", line: 1, tokenizer: Tokenizer()) else { continue }
            lines.append(line)
            reference.add(rule)
        }
        let loaded = try PatternSet.load([try file(lines.joined(separator: "\n") + "\n")])
        XCTAssertEqual(loaded.count, reference.count)
        XCTAssertEqual(loaded.labels, reference.labels)
        for rule in 0..<loaded.count {
            XCTAssertEqual(loaded.label(of: rule), reference.label(of: rule))
            XCTAssertEqual(loaded.id(of: rule), reference.id(of: rule))
        }
        let vocabulary = ["Teddy", "bears", "teddy", "BEARS", "new", "New", "york", "York", "A1b2", "a1b2", "x", "X", "Times", "THE", "NEW", "the"]
        var matched = 0
        for _ in 0..<500 {
            let sentence = (0..<number(1...12)).map { _ in pick(vocabulary) }
            let got = loaded.matches(in: sentence)
            XCTAssertEqual(got, reference.matches(in: sentence), sentence.joined(separator: " "))
            matched += got.count
        }
        XCTAssertGreaterThan(matched, 100)
    }

    /// The tokenizer's scanner read as byte ranges (the patterns reader's path for phrases that
    /// are not only letters, digits and spaces) against `tokenize`, on phrases of printable
    /// ASCII heavy in the characters that join or split tokens, and some not ASCII.
    func testTokenRangesAreTheTokensTokenizeMakes() {
        let pieces = ["U.S.", "Mr.", "e.g.", "don't", "O'Neil", "rock'n'roll", "'s", "n't", "--", "-", "...", ".", ",", ";",
                      ":", "!", "?", "\"", "'", "`", "(", ")", "[", "]", "{", "}", "$", "%", "&", "@", "#", "*", "+", "=",
                      "/", "<", ">", "|", "~", "^", "_", "12,5", "1.5", "49.24", "3/4", "1990s", "C-3PO", "life-threatening",
                      "http://x.org/a?b=c", "a@b.com", "A.B", "x", "Teddy", "bears", "IBM", "  ", " ", "Zürich", "e\u{301}",
                      "\u{1F600}", "Inc.", "Corp.", "Jan.", "p.m.", "No.", "St."]
        var ascii = 0
        for _ in 0..<20000 {
            var phrase = ""
            for _ in 0..<number(1...6) {
                phrase += pick(pieces)
                if chance(0.6) { phrase += " " }
            }
            let expected = Tokenizer().tokenize(phrase)
            var copy = phrase
            let ranges = copy.withUTF8 { Tokenizer().tokenRanges($0) }
            if expected.contains(where: { $0.normalized != $0.text }) {
                XCTAssertNil(ranges, phrase)
                continue
            }
            if phrase.utf8.allSatisfy({ $0 < 0x80 }) {
                ascii += 1
                XCTAssertNotNil(ranges, phrase)
            }
            guard let ranges else { continue }
            let bytes = Array(phrase.utf8)
            XCTAssertEqual(ranges.map { String(decoding: bytes[$0], as: UTF8.self) }, expected.map(\.normalized), phrase)
        }
        XCTAssertGreaterThan(ascii, 10000)
    }

    /// A file of many phrases (enough that they are put in the table in the order of their
    /// slots), repeated ones among them, against the same rules added one by one.
    func testALargeFileMatchesAsRulesAddedOneByOne() throws {
        var lines: [String] = []
        var reference = PatternSet()
        let vocabulary = ["Teddy", "bears", "U.S.", "Army", "new", "York", "C-3PO", "1.5", "x", "don't", "(", ")", "A1b2", "-"]
        for k in 0..<12000 {
            let phrase = (0..<number(1...4)).map { _ in pick(vocabulary) }.joined(separator: pick([" ", "  ", " "]))
            let lower = k % 5 == 2
            let line = "{\"label\": \"" + pick(["PRODUCT", "LOC", "DRUG"]) + "\", \"pattern\": \"" + phrase + "\"" + (lower ? ", \"lower\": true}" : "}")
            lines.append(line)
            reference.add(try XCTUnwrap(try EntityPattern.parse(line: Array(line.utf8), path: "f", line: 1, tokenizer: Tokenizer())))
        }
        let loaded = try PatternSet.load([try file(lines.joined(separator: "\n") + "\n")])
        XCTAssertEqual(loaded.count, reference.count)
        for rule in 0..<loaded.count { XCTAssertEqual(loaded.label(of: rule), reference.label(of: rule)) }
        var matched = 0
        for _ in 0..<1000 {
            var sentence = (0..<number(1...12)).map { _ in pick(vocabulary) }
            if chance(0.3) { sentence = sentence.map { chance(0.5) ? $0.uppercased() : $0 } }
            let got = loaded.matches(in: sentence)
            XCTAssertEqual(got, reference.matches(in: sentence), sentence.joined(separator: " "))
            matched += got.count
        }
        XCTAssertGreaterThan(matched, 1000)
    }

    // MARK: - Phrases

    /// Every (start, end, first rule) where a phrase equals the sentence's tokens (or, for a
    /// "lower" rule, their lowercase), by comparing every rule at every position.
    private func referencePhraseMatches(_ rules: [EntityPattern], _ sentence: [String]) -> [PatternMatch] {
        let lowers = sentence.map { $0.lowercased() }
        var found: [PatternMatch] = []
        for start in sentence.indices {
            for end in start + 1...sentence.count {
                for (k, rule) in rules.enumerated() {
                    guard case .phrase(let tokens, let lower) = rule.body else { continue }
                    if tokens == Array((lower ? lowers : sentence)[start..<end]) {
                        found.append(PatternMatch(start: start, end: end, rule: k))
                    }
                }
            }
        }
        // A phrase given twice matches with its first rule only.
        let firsts = found.filter { m in !found.contains { $0.start == m.start && $0.end == m.end && $0.rule < m.rule && sameKind(rules[$0.rule], rules[m.rule]) } }
        return PatternMatch.resolve(firsts, tokenCount: sentence.count)
    }

    private func sameKind(_ a: EntityPattern, _ b: EntityPattern) -> Bool {
        guard case .phrase(_, let x) = a.body, case .phrase(_, let y) = b.body else { return false }
        return x == y
    }

    func testPhraseTableFindsWhatAScanOfEveryPhraseFinds() {
        var rules: [EntityPattern] = []
        var set = PatternSet()
        // Enough phrases that the hash table and the prefix bits are rebuilt several times.
        for k in 0..<3000 {
            let lower = chance(0.2)
            var tokens = (0..<number(1...5)).map { _ in pick(words) }
            if lower { tokens = tokens.map { $0.lowercased() } }
            let rule = EntityPattern(label: "L\(k % 7)", body: .phrase(tokens: tokens, lower: lower))
            rules.append(rule)
            set.add(rule)
        }
        var matched = 0
        for _ in 0..<80 {
            var sentence = (0..<number(1...12)).map { _ in pick(words) }
            if chance(0.1) { sentence.append("New York") }  // a token holding a space matches no phrase token
            let got = set.matches(in: sentence)
            XCTAssertEqual(got, referencePhraseMatches(rules, sentence), sentence.joined(separator: " "))
            matched += got.count
        }
        XCTAssertGreaterThan(matched, 80)
    }

    /// A table made of stored parts whose one phrase has no bytes (the parts' checks let an
    /// empty phrase through, so a crafted compiled file can hold one), its slot's tag that of a
    /// token's hash: matching that token finds nothing and reads nothing out of bounds.
    func testATableOfOnlyAnEmptyPhraseMatchesNothing() throws {
        let seed: UInt64 = 42
        let token = Array("x".utf8)
        let tokenHash = token.withUnsafeBufferPointer { PhraseTable.tokenHash($0) }
        let h = PhraseTable.extend(seed, tokenHash)
        var slots = [UInt64](repeating: 0xFFFF_FFFF << 32, count: 16)
        slots[Int(truncatingIfNeeded: h >> 32) & 15] = UInt64(UInt32(truncatingIfNeeded: h))  // phrase 0
        let parts = PhraseTable.Parts(text: [], starts: [0, 0], rules: [0], slots: slots, prefixBits: [0],
                                      maxTokens: 1, seed: seed)
        let table = try PhraseTable(parts: parts, ruleCount: 1)
        XCTAssertEqual(table.count, 1)
        var found = 0
        token.withUnsafeBufferPointer { bytes in
            table.forEachMatch(bytes, tokens: [0..<1], hashes: [tokenHash]) { _, _, _ in found += 1 }
        }
        XCTAssertEqual(found, 0)
    }

    // MARK: - Token patterns

    private func randomSpec() -> TokenSpec {
        var tests: [TokenSpec.Test] = []
        for _ in 0..<pick([0, 1, 1, 1, 2]) {
            switch number(0...7) {
            case 0: tests.append(.equals(.lower, pick(words).lowercased()))
            case 1: tests.append(.equals(.text, pick(words)))
            case 2: tests.append(.equals(.shape, TokenAttributes.shape(pick(words))))
            case 3: tests.append(.isIn(.lower, Set((0..<3).map { _ in pick(words).lowercased() })))
            case 4: tests.append(.notIn(.text, Set((0..<3).map { _ in pick(words) })))
            case 5: tests.append(.length(pick([.equal, .atLeast, .atMost, .greater, .less]), number(0...5)))
            case 6: tests.append(.regex(.text, try! NSRegularExpression(pattern: pick(["^[A-Z]", "\\d", "o", "^.$"]))))
            default: tests.append(.flag(pick(TokenSpec.Flag.allCases), chance(0.7)))
            }
        }
        return TokenSpec(tests: tests, op: pick([.one, .one, .one, .optional, .zeroOrMore, .oneOrMore, .not]))
    }

    /// Whether a token passes a spec's tests, from `TokenAttributes` directly.
    private func referencePasses(_ spec: TokenSpec, _ token: String) -> Bool {
        func value(_ a: TokenSpec.Attribute) -> String {
            switch a {
            case .text: return token
            case .lower: return token.lowercased()
            case .shape: return TokenAttributes.shape(token)
            }
        }
        return spec.tests.allSatisfy { test in
            switch test {
            case .equals(let a, let v): return value(a) == v
            case .isIn(let a, let set): return set.contains(value(a))
            case .notIn(let a, let set): return !set.contains(value(a))
            case .regex(let a, let re):
                let s = value(a)
                return re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
            case .length(let c, let n): return c.holds(token.count, n)
            case .flag(let f, let wanted): return f.holds(for: token) == wanted
            }
        }
    }

    /// Every end of a match of `specs[k...]` starting at token `j`, by backtracking.
    private func referenceEnds(_ specs: ArraySlice<TokenSpec>, _ sentence: [String], _ j: Int) -> Set<Int> {
        guard let spec = specs.first else { return [j] }
        let rest = specs.dropFirst()
        var ends = Set<Int>()
        let passes = { (i: Int) in i < sentence.count && self.referencePasses(spec, sentence[i]) }
        switch spec.op {
        case .one: if passes(j) { ends.formUnion(referenceEnds(rest, sentence, j + 1)) }
        case .not: if j < sentence.count && !passes(j) { ends.formUnion(referenceEnds(rest, sentence, j + 1)) }
        case .optional:
            ends.formUnion(referenceEnds(rest, sentence, j))
            if passes(j) { ends.formUnion(referenceEnds(rest, sentence, j + 1)) }
        case .zeroOrMore, .oneOrMore:
            if spec.op == .zeroOrMore { ends.formUnion(referenceEnds(rest, sentence, j)) }
            var i = j
            while passes(i) {
                i += 1
                ends.formUnion(referenceEnds(rest, sentence, i))
            }
        }
        return ends
    }

    func testTokenPatternsFindWhatBacktrackingFinds() throws {
        var patterns: [[TokenSpec]] = []
        var set = PatternSet()
        while patterns.count < 60 {
            let specs = (0..<number(1...5)).map { _ in randomSpec() }
            guard (try? TokenPattern(specs)) != nil else { continue }
            set.add(EntityPattern(label: "T\(patterns.count % 5)", body: .tokens(specs)))
            patterns.append(specs)
        }
        let extra = ["a\r\nb", "\r\n\r\n\r\n\r\n\r\n", "", "MixedCase", "ǅ", "٣٤", "…", "a b"]
        var matched = 0
        for _ in 0..<300 {
            let sentence = (0..<number(1...14)).map { _ in chance(0.1) ? pick(extra) : pick(words) }
            var expected: [PatternMatch] = []
            for (rule, specs) in patterns.enumerated() {
                for start in sentence.indices {
                    for end in referenceEnds(specs[...], sentence, start).sorted() where end > start {
                        expected.append(PatternMatch(start: start, end: end, rule: rule))
                    }
                }
            }
            let got = set.matches(in: sentence)
            XCTAssertEqual(got, PatternMatch.resolve(expected, tokenCount: sentence.count), sentence.debugDescription)
            matched += got.count
        }
        XCTAssertGreaterThan(matched, 100)
    }

    func testSentenceTokensAgreeWithTokenAttributes() {
        let pieces = ["a", "Z", "é", "É", "1", "٣", ".", "'", "-", "$", "+", " ", "\r\n", "\t", "ǅ", "ß", "x", "X", "\u{301}", "!"]
        let needs: SentenceTokens.Needs = [.lowers, .textBytes, .lowerBytes, .shapes, .flags, .lengths]
        for _ in 0..<2000 {
            let token = (0..<number(0...8)).map { _ in pick(pieces) }.joined()
            let s = SentenceTokens([token, String(repeating: token, count: 30)], needs: needs)
            for (j, t) in s.texts.enumerated() {
                XCTAssertEqual(s.lowers[j], t.lowercased(), t.debugDescription)
                XCTAssertEqual(s.shapes[j], TokenAttributes.shape(t), t.debugDescription)
                XCTAssertEqual(s.lengths[j], t.count, t.debugDescription)
                XCTAssertEqual(Array(s.textBytes[s.textRanges[j]]), Array(t.utf8))
                XCTAssertEqual(Array(s.lowerBytes[s.lowerRanges[j]]), Array(t.lowercased().utf8))
                for flag in TokenSpec.Flag.allCases {
                    XCTAssertEqual(s.flags[j] & flag.bit != 0, flag.holds(for: t), "\(flag) \(t.debugDescription)")
                }
            }
        }
    }
}
