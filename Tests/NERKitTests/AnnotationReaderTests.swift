import Foundation
import XCTest
@testable import NERKit

/// The readers of annotation exports through `CorpusReader`, on fixtures written here from each
/// tool's published export format (Tests/Fixtures/annotations): spaCy/Prodigy and doccano JSON
/// lines, a Label Studio export, CoNLL-U and brat standoff, with their awkward cases; and
/// malformed inputs. (The writers, read back, are NERCommandSupportTests.AnnotationWriterTests.)
final class AnnotationReaderTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/annotations").path

    private func fixture(_ name: String) -> String { (Self.fixtures as NSString).appendingPathComponent(name) }

    /// Each document as "token/TAG ..." with " | " between sentences.
    private func read(_ path: String, _ options: CorpusReadOptions = .init()) throws -> (docs: [String], reader: CorpusReader) {
        let reader = try CorpusReader(path: path, options: options)
        var docs: [String] = []
        while let doc = try reader.nextDocument() { docs.append(Self.show(doc)) }
        return (docs, reader)
    }

    static func show(_ doc: AlignedDocument) -> String {
        let tags = doc.tags
        return doc.sentences.map { r in r.map { "\(doc.tokens[$0].text)/\(tags[$0])" }.joined(separator: " ") }.joined(separator: " | ")
    }

    func testFormatsAreDetectedFromTheContent() throws {
        XCTAssertEqual(try CorpusFormat.detect(path: fixture("prodigy.jsonl")), .jsonl)
        XCTAssertEqual(try CorpusFormat.detect(path: fixture("doccano.jsonl")), .jsonl)
        XCTAssertEqual(try CorpusFormat.detect(path: fixture("label-studio.json")), .labelStudio)
        XCTAssertEqual(try CorpusFormat.detect(path: fixture("conllu.conllu")), .conllu)
        XCTAssertEqual(try CorpusFormat.detect(path: fixture("brat")), .brat)
    }

    func testProdigyRecords() throws {
        let (docs, reader) = try read(fixture("prodigy.jsonl"), CorpusReadOptions(misaligned: .split))
        XCTAssertEqual(docs, [
            "🚀/O Zoé/B-PER flew/O to/O Paris/B-LOC ./O",
            "Ann/B-PER Lee/I-PER lives/O in/O Oslo/B-LOC ./O | She/O works/O for/O Acme/B-ORG Corp/I-ORG ./O",
            "The/O University/B-ORG of/I-ORG Oslo/I-ORG hired/O US/B-LOC -based/O Dr/O Kim/B-PER on/O aspirin/B-DRUG_NAME ./O",
            "",
        ])
        let counts = reader.adjustments.counts
        XCTAssertEqual(counts["record skipped"], 2, "the rejected and the ignored record")
        XCTAssertEqual(counts["trimmed spaces"], 2)
        XCTAssertEqual(counts["dropped, overlapping"], 2, "Oslo nested in University of Oslo; \"of Oslo hired\" crossing it")
        // "US" in "US-based", and "Acme Corp" ending inside the tokenizer's sentence-final "Corp.".
        XCTAssertEqual(reader.adjustments.kept.filter { $0.kind == .splitToken }.map(\.description),
                       ["record 3: span [38, 47) ORG: split a token: \"Corp.\" cut at 47",
                        "record 4: span [29, 31) LOC: split a token: \"US-based\" cut at 31"])
        XCTAssertEqual(counts["label changed"], 1)
        let dropped = reader.adjustments.kept.filter { $0.kind == .droppedOverlap }
        XCTAssertEqual(dropped.map(\.location.line), [4, 4])
        XCTAssertEqual(dropped.map(\.location.name), ["record 4", "record 4"])
    }

    /// By default a span off token boundaries grows to the whole tokens (`expand`, chosen by
    /// bench/misaligned.sh): the tokens are those `ner tag` sees in the same text.
    func testSpansOffTokenBoundariesAreExpandedByDefault() throws {
        XCTAssertEqual(CorpusReadOptions().misaligned, .expand)
        let (docs, reader) = try read(fixture("prodigy.jsonl"))
        XCTAssertEqual(docs[1], "Ann/B-PER Lee/I-PER lives/O in/O Oslo/B-LOC ./O | She/O works/O for/O Acme/B-ORG Corp./I-ORG")
        XCTAssertTrue(docs[2].contains("hired/O US-based/B-LOC Dr/O"), docs[2])
        XCTAssertEqual(reader.adjustments.kept.filter { $0.kind == .expanded }.count, 2)
    }

    func testDoccanoBothStyles() throws {
        let (docs, _) = try read(fixture("doccano.jsonl"))
        XCTAssertEqual(docs, ["label1/O 😄/O Tokyo/B-LOC ,/O Osaka/B-LOC", "Mary/B-PER met/O 👩‍❤️‍👩/O Sue/B-PER in/O Kyoto/B-LOC ./O"])
    }

    func testLabelStudioExport() throws {
        let (docs, reader) = try read(fixture("label-studio.json"))
        XCTAssertEqual(docs, ["Angela/B-PER Merkel/I-PER visited/O 🇫🇷/O Paris/B-LOC on/O Monday/O ./O",
                              "💩/O Old/O export/O :/O Lisbon/B-LOC and/O Porto/B-LOC ./O"])
        XCTAssertEqual(reader.adjustments.counts["record skipped"], 2, "no annotation; only a cancelled one")
        XCTAssertEqual(reader.adjustments.counts["read as UTF-16 offsets"], 2, "the old export's offsets after 💩")
        XCTAssertEqual(reader.adjustments.kept.first { $0.kind == .skippedRecord }?.location.name, "task 2 (id 12)")
        // The cancelled annotation is chosen when asked for by number: it has no result.
        let (second, _) = try read(fixture("label-studio.json"), CorpusReadOptions(annotation: 2))
        XCTAssertEqual(second, ["Angela/O Merkel/O visited/O 🇫🇷/O Paris/O on/O Monday/O ./O"])
    }

    func testCoNLLU() throws {
        let (docs, _) = try read(fixture("conllu.conllu"))
        XCTAssertEqual(docs, ["Anna/B-PER lives/O in/O New/B-LOC York/I-LOC ./O | Vamos/O nos/O a/O Madrid/B-LOC ./O"])
        let sentences = try CorpusReader.readAll(path: fixture("conllu.conllu")).sentences
        XCTAssertEqual(sentences.map(\.startsDocument), [true, false])
        XCTAssertEqual(sentences[1].lineNumbers, [14, 15, 16, 17, 18], "the multiword token line 13 is not a token")
    }

    func testBratFolder() throws {
        let (docs, reader) = try read(fixture("brat"))
        XCTAssertEqual(docs, ["Barack/B-PER Obama/I-PER visited/O Berlin/B-LOC ./O | The/B-ORG New/I-ORG York/I-ORG Times/I-ORG reported/O it/O ./O",
                              "Über/O 🎉/O Zürich/B-LOC"])
        XCTAssertEqual(reader.adjustments.counts["dropped, discontinuous"], 1)
        XCTAssertEqual(reader.adjustments.kept.first?.location.line, 3)
    }

    // MARK: - Malformed input

    private func write(_ text: String, name: String = "bad.jsonl") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ner-annotations-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func assertError(_ content: String, name: String = "bad.jsonl", line: Int?, contains expected: String,
                             file: StaticString = #filePath, lineNumber: UInt = #line) throws {
        let path = try write(content, name: name)
        XCTAssertThrowsError(try CorpusReader.readAll(path: path), file: file, line: lineNumber) { error in
            guard let e = error as? NERError else { return XCTFail("\(error)", file: file, line: lineNumber) }
            XCTAssertEqual(e.path, path, file: file, line: lineNumber)
            XCTAssertEqual(e.line, line, "\(e)", file: file, line: lineNumber)
            XCTAssertTrue(e.message.contains(expected), "\(e.message) lacks \(expected)", file: file, line: lineNumber)
        }
    }

    func testMalformedJSONLinesNameTheLineAndRecord() throws {
        try assertError("{\"text\": \"a\", \"spans\": []}\n{\"text\": \"b\", \"spans\": [\n", line: 2, contains: "record 2: invalid JSON")
        try assertError("{\"text\": \"abc\", \"spans\": [{\"start\": 1, \"end\": 9, \"label\": \"X\"}]}\n", line: 1,
                        contains: "record 1: end offset 9 is past the end of the text (3 code points)")
        try assertError("{\"text\": \"abc\", \"label\": [[2, 1, \"X\"]]}\n", line: 1, contains: "span end 1 is before its start 2")
        try assertError("{\"spans\": []}\n", line: 1, contains: "no \"text\" field")
        try assertError("[1, 2]\n", name: "bad.txt", line: 1, contains: "expected a task object, found '1'")
        try assertError("{\"text\": \"abc\", \"spans\": [{\"start\": \"1\", \"end\": 2, \"label\": \"X\"}]}\n", line: 1,
                        contains: "\"start\" is a string, not an integer")
    }

    /// The records are read by ner's own JSON reader (`HeaderJSON`): the byte of a syntax error,
    /// a key given twice, and numbers: `3.0` is the whole number 3, `true` and `2.5` are no offsets.
    func testJSONRecordDetails() throws {
        try assertError("{\"text\": \"abc\", \"spans\": [}\n", line: 1, contains: "record 1: invalid JSON at byte 27: unexpected character")
        try assertError("{\"text\": \"abc\", \"text\": \"d\"}\n", line: 1, contains: "duplicate key \"text\"")
        try assertError("{\"text\": \"abc\", \"label\": [[true, 2, \"X\"]]}\n", line: 1, contains: "\"start\" is a boolean, not an integer")
        try assertError("{\"text\": \"abc\", \"label\": [[0, 2.5, \"X\"]]}\n", line: 1, contains: "\"end\" is a number (2.5), not an integer")
        try assertError("[{\"id\": 7, \"data\": {\"text\": \"ab\"}, \"annotations\": [{\"result\": [{\"type\": \"labels\", \"value\": {\"start\": 0, \"end\": 5, \"labels\": [\"X\"]}}]}]}]",
                        name: "ls.json", line: 1, contains: "task 1 (id 7): end offset 5")
        let path = try write("{\"text\": \"Oslo caf\\u00e9 \\ud83d\\ude80\", \"label\": [[0.0, 4e0, \"LOC\"], [10, 11, \"SYM\"]]}\n", name: "ok.jsonl")
        let (docs, _) = try read(path)
        XCTAssertEqual(docs, ["Oslo/B-LOC café/O 🚀/B-SYM"])
    }

    func testMalformedLabelStudioAndBrat() throws {
        try assertError("[{\"id\": 1, \"data\": {\"text\": \"ab\"}, \"annotations\": [{\"result\": [{\"type\": \"labels\", \"value\": {\"start\": 0, \"end\": 5, \"labels\": [\"X\"]}}]}]}]",
                        name: "ls.json", line: 1, contains: "task 1 (id 1): end offset 5 is past the end")
        try assertError("[{\"id\": 1, \"data\": {\"text\": \"ab\"}}\n", name: "ls.json", line: 1, contains: "the JSON array is not closed")
        let dir = try write("Some text.\n", name: "doc.txt")
        XCTAssertThrowsError(try CorpusReader.readAll(path: (dir as NSString).deletingLastPathComponent)) { error in
            XCTAssertTrue("\(error)".contains("doc.ann: missing"), "\(error)")
        }
        try "T1\tLOC 0 x\tSome\n".write(toFile: (dir as NSString).deletingPathExtension + ".ann", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try CorpusReader.readAll(path: (dir as NSString).deletingLastPathComponent)) { error in
            XCTAssertEqual((error as? NERError)?.line, 1)
            XCTAssertTrue("\(error)".contains("are not START END"), "\(error)")
        }
        try assertError("1\tA\tA\tX\t_\t_\t0\troot\t_\tNER=Q-X\n", name: "bad.conllu", line: 1, contains: "invalid tag \"Q-X\"")
    }
}
