import XCTest
@testable import NERKit

/// Compiled patterns files (`ner compile-patterns`): the same matches as the files they were made
/// from, alone or mixed with other files in any order, and every damaged or crafted file an error.
final class CompiledPatternsTests: XCTestCase {
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("compiled-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: dir)
    }

    private func file(_ name: String, _ text: String) -> String {
        let path = dir.appendingPathComponent(name).path
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    /// Every kind of rule: exact and lowercase phrases, a repeated phrase, ids, gazetteer lines,
    /// token patterns between them (so rule numbers interleave), non-ASCII text.
    private let rules = """
    {"label": "PRODUCT", "pattern": "Teddy bears", "id": "toy-1"}
    {"label": "ORG", "pattern": [{"lower": "acme"}, {"lower": "corp", "op": "?"}], "id": "acme"}
    {"label": "LOC", "pattern": "new york", "lower": true}
    {"label": "PER", "pattern": "Teddy"}
    {"label": "DRUG", "pattern": "Zürich Pharma 2000"}
    {"label": "NUM", "pattern": [{"is_digit": true, "op": "+"}, {"lower": "mg"}]}
    {"label": "LOC", "pattern": "Teddy bears"}
    PRODUCT\tU.S. Army knife
    ORG\tNew York Times

    """

    private let sentences = [
        "Teddy bears are on sale at Acme Corp in New York",
        "NEW YORK times : the New York Times said Teddy 's Teddy bears",
        "Zürich Pharma 2000 sells 20 mg and 5 5 MG doses",
        "a U.S. Army knife from ACME",
        "nothing here at all",
    ]

    private func found(_ set: PatternSet) -> [String] {
        sentences.map { sentence in
            set.matches(in: sentence.split(separator: " ").map(String.init))
                .map { "\(set.label(of: $0.rule))[\($0.start),\($0.end))\(set.id(of: $0.rule).map { "#" + $0 } ?? "")" }
                .joined(separator: " ")
        }
    }

    func testCompiledFileMatchesAsItsSources() throws {
        let source = file("rules.jsonl", rules)
        let loaded = try PatternSet.load([source])
        let compiled = dir.appendingPathComponent("rules.nerpat").path
        try CompiledPatterns.write(loaded, to: compiled)
        XCTAssertTrue(CompiledPatterns.isCompiled(path: compiled))
        XCTAssertFalse(CompiledPatterns.isCompiled(path: source))
        let back = try PatternSet.load([compiled])
        XCTAssertEqual(found(back), found(loaded))
        XCTAssertEqual(back.count, loaded.count)
        XCTAssertEqual(back.labels, loaded.labels)
        XCTAssertEqual(back.files, [PatternSet.File(path: compiled, patterns: 9)])
        // The rules really match (the comparison above is not of two empty lists).
        XCTAssertEqual(found(back)[0], "PRODUCT[0,2)#toy-1 ORG[6,8)#acme LOC[9,11)")
        XCTAssertEqual(found(back)[2], "DRUG[0,3) NUM[4,6) NUM[7,10)")
        // Written again from what was read, it reads back the same.
        let again = dir.appendingPathComponent("again.nerpat").path
        try CompiledPatterns.write(back, to: again)
        XCTAssertEqual(found(try PatternSet.load([again])), found(loaded))
    }

    func testCompiledFilesMixWithOtherFilesInAnyOrder() throws {
        let a = file("a.jsonl", rules)
        let b = file("b.tsv", "SHOP\tTeddy bears\nSHOP\tacme corp\nCITY\tYork\n")
        let compiledA = dir.appendingPathComponent("a.nerpat").path, compiledB = dir.appendingPathComponent("b.nerpat").path
        try CompiledPatterns.write(try PatternSet.load([a]), to: compiledA)
        try CompiledPatterns.write(try PatternSet.load([b]), to: compiledB)
        let ab = try PatternSet.load([a, b]), ba = try PatternSet.load([b, a])
        XCTAssertNotEqual(found(ab), found(ba), "the order of the files matters, so the cases below test it")
        XCTAssertEqual(found(try PatternSet.load([compiledA, b])), found(ab))
        XCTAssertEqual(found(try PatternSet.load([a, compiledB])), found(ab))
        XCTAssertEqual(found(try PatternSet.load([compiledA, compiledB])), found(ab))
        XCTAssertEqual(found(try PatternSet.load([compiledB, a])), found(ba))
        XCTAssertEqual(found(try PatternSet.load([b, compiledA])), found(ba))
    }

    func testLargeTableRoundTrips() throws {
        // Enough phrases that the table grows several times and the bulk insertion runs.
        var lines = ""
        for k in 0..<20_000 { lines += "L\(k % 7)\tword\(k) w\(k % 13)\n" }
        let source = file("many.tsv", lines)
        let loaded = try PatternSet.load([source])
        let compiled = dir.appendingPathComponent("many.nerpat").path
        try CompiledPatterns.write(loaded, to: compiled)
        let back = try PatternSet.load([compiled])
        for k in stride(from: 0, to: 20_000, by: 997) {
            let tokens = ["x", "word\(k)", "w\(k % 13)", "word\(k)", "w99"]
            XCTAssertEqual(back.matches(in: tokens), loaded.matches(in: tokens))
            XCTAssertEqual(back.matches(in: tokens).map { back.label(of: $0.rule) }, ["L\(k % 7)"])
        }
    }

    func testTokenPatternWithoutItsLineCannotBeCompiled() throws {
        var set = PatternSet()
        set.add(EntityPattern(label: "X", body: .tokens([TokenSpec(tests: [.equals(.lower, "x")], op: .one)])))
        let path = dir.appendingPathComponent("x.nerpat").path
        XCTAssertThrowsError(try CompiledPatterns.write(set, to: path)) {
            XCTAssertEqual("\($0)", "\(path): token pattern 1 was not read from a file, so it has no line to keep")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "nothing written")
    }

    // MARK: - Damaged and crafted files

    private func compiledBytes() throws -> (path: String, bytes: [UInt8]) {
        let path = dir.appendingPathComponent("good.nerpat").path
        try CompiledPatterns.write(try PatternSet.load([file("r.jsonl", rules)]), to: path)
        return (path, [UInt8](FileManager.default.contents(atPath: path)!))
    }

    private func assertError(_ bytes: [UInt8], contains text: String, line: UInt = #line) {
        let path = dir.appendingPathComponent("bad-\(UUID().uuidString).nerpat").path
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        XCTAssertThrowsError(try PatternSet.load([path]), line: line) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix(path + ": "), message, line: line)
            XCTAssertTrue(message.contains(text), message, line: line)
        }
    }

    /// Where a section starts and its element count, from the file's header.
    private func section(_ name: String, in bytes: [UInt8]) throws -> (offset: Int, count: Int) {
        let length = bytes[8..<16].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try JSONSerialization.jsonObject(with: Data(bytes[16..<(16 + length)])) as! [String: Any]
        var offset = 16 + length
        for s in header["sections"] as! [[String: Any]] {
            let width = s["width"] as! Int, count = s["count"] as! Int
            if s["name"] as! String == name { return (offset, count) }
            offset += (width * count + 7) / 8 * 8
        }
        XCTFail("no section \(name)")
        return (0, 0)
    }

    /// `bytes` with the header's checksum made right for its sections again.
    private func withChecksumRepaired(_ bytes: [UInt8]) -> [UInt8] {
        let length = bytes[8..<16].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        var checksum = FileChecksum()
        checksum.update(Array(bytes[(16 + length)...]))
        var out = bytes
        let header = Array(bytes[16..<(16 + length)])
        let key = Array("\"crc32\":\"".utf8)
        let at = (0...(header.count - key.count)).first { Array(header[$0..<($0 + key.count)]) == key }! + 16 + key.count
        out.replaceSubrange(at..<(at + 8), with: Array(FileChecksum.hex(checksum.value).utf8))
        return out
    }

    func testDamagedFilesAreErrorsNamingTheFile() throws {
        let (_, good) = try compiledBytes()
        assertError(Array(good[..<(good.count - 8)]), contains: "is past the end")
        assertError(Array(good[..<(good.count - 3)]), contains: "is past the end")
        assertError(Array(good[..<40]), contains: "the header's length")
        assertError(Array(good[..<12]), contains: "ends inside the signature")
        assertError(good + [0, 0, 0, 0, 0, 0, 0, 0], contains: "8 bytes follow the last section")
        var flipped = good
        flipped[flipped.count - 20] ^= 0x10
        assertError(flipped, contains: "the file is damaged")
        var header = good
        header[20] = UInt8(ascii: "#")
        assertError(header, contains: "its header is not the JSON expected")
        var length = good
        length[14] = 1
        assertError(length, contains: "the header's length")
    }

    func testCraftedTablesAreErrorsNotCrashes() throws {
        let (_, good) = try compiledBytes()
        // A slot naming a phrase past the end.
        var slots = good
        let s = try section("exact.slots", in: good)
        let used = (0..<s.count).first { k in slots[s.offset + 8 * k + 4..<s.offset + 8 * k + 8] != [0xFF, 0xFF, 0xFF, 0xFF] }!
        slots.replaceSubrange((s.offset + 8 * used + 4)..<(s.offset + 8 * used + 8), with: [0xFF, 0xFF, 0xFF, 0x7F])
        assertError(withChecksumRepaired(slots), contains: "a slot names phrase")
        // Every slot full: a lookup would never end.
        var full = good
        for k in 0..<s.count where full[s.offset + 8 * k + 4..<s.offset + 8 * k + 8] == [0xFF, 0xFF, 0xFF, 0xFF] {
            full.replaceSubrange((s.offset + 8 * k + 4)..<(s.offset + 8 * k + 8), with: [0, 0, 0, 0])
        }
        assertError(withChecksumRepaired(full), contains: "over half full")
        // A phrase naming a rule that does not exist.
        var rule = good
        let r = try section("exact.rules", in: good)
        rule.replaceSubrange(r.offset..<(r.offset + 4), with: [0x00, 0x01, 0x00, 0x00])
        assertError(withChecksumRepaired(rule), contains: "a phrase names rule 256")
        // Phrase offsets past the text.
        var starts = good
        let o = try section("exact.starts", in: good)
        starts[o.offset + 8] = 0xFF
        assertError(withChecksumRepaired(starts), contains: "phrase offsets")
        // A rule with a label that does not exist.
        var label = good
        let l = try section("ruleLabels", in: good)
        label[l.offset] = 0x40
        assertError(withChecksumRepaired(label), contains: "a rule names a label")
        // The repaired checksum alone makes a good file again (so the cases above fail for what they changed).
        XCTAssertNoThrow(try CompiledPatterns.read({ () -> String in
            let path = dir.appendingPathComponent("repaired.nerpat").path
            FileManager.default.createFile(atPath: path, contents: Data(withChecksumRepaired(good)))
            return path
        }()))
    }
}
