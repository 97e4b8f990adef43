import Foundation
import XCTest
@testable import NERCommandSupport
@testable import NERKit

/// `ner tag --format spans|doccano|label-studio|conllu|brat` and `ner convert`'s writers
/// (`AnnotationFileWriter`): every format read back unchanged by `CorpusReader` from the
/// annotation fixtures (Tests/Fixtures/annotations), other fields passed through, and nothing
/// written when the input is bad.
final class AnnotationWriterTests: XCTestCase {
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

    private func write(_ text: String, name: String = "bad.jsonl") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ner-annotations-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testEveryWriterIsReadBackUnchanged() throws {
        for input in ["prodigy.jsonl", "doccano.jsonl", "label-studio.json", "conllu.conllu", "brat"] {
            let original = try read(fixture(input)).docs.filter { !$0.isEmpty }
            for format in AnnotationOutputFormat.allCases {
                let out = try write("", name: "x").replacingOccurrences(of: "/x", with: "/out-\(format.rawValue)")
                let reader = try CorpusReader(path: fixture(input))
                _ = try AnnotationFileWriter.write(format: format, to: out) { try reader.nextDocument() }
                // Text that ner tokenised reads back the same with ner's tokenizer; a column file's
                // text (tokens joined by spaces) needs whitespace tokenization.
                let fromColumns = input == "conllu.conllu"
                let back = try read(out, CorpusReadOptions(format: format.corpusFormat, tokenization: fromColumns ? .whitespace : .ner))
                XCTAssertEqual(back.docs.filter { !$0.isEmpty }, original, "\(input) -> \(format.rawValue)")
                if [.spans, .conll, .conllu].contains(format) {
                    // With the tokens written, nothing needs adjusting on the way back.
                    XCTAssertEqual(back.reader.adjustments.total, 0, "\(input) -> \(format.rawValue): \(back.reader.adjustments.summary ?? "")")
                }
            }
        }
    }

    func testOtherFieldsPassThrough() throws {
        let out = try write("", name: "out.jsonl")
        let reader = try CorpusReader(path: fixture("prodigy.jsonl"))
        _ = try AnnotationFileWriter.write(format: .doccano, to: out) { try reader.nextDocument() }
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        XCTAssertTrue(lines[0].hasPrefix("{\"meta\": {\"source\": \"fixture\", \"n\": 1}, \"text\": "), String(lines[0]))
        XCTAssertTrue(lines[1].hasPrefix("{\"id\": \"r3\", \"text\": "), String(lines[1]))
        XCTAssertFalse(lines[0].contains("\"spans\""), "the fields another reader would read spans from are replaced")
    }

    func testNothingIsWrittenWhenTheInputIsBad() throws {
        let bad = try write("{\"text\": \"a b\", \"spans\": []}\n{\"text\": \"x\", \"spans\": [{\"start\": 0, \"end\": 3, \"label\": \"X\"}]}\n")
        let out = (bad as NSString).deletingLastPathComponent + "/out.json"
        let reader = try CorpusReader(path: bad)
        XCTAssertThrowsError(try AnnotationFileWriter.write(format: .labelStudio, to: out) { try reader.nextDocument() })
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        let folder = (bad as NSString).deletingLastPathComponent + "/brat-out"
        let again = try CorpusReader(path: bad)
        XCTAssertThrowsError(try AnnotationFileWriter.write(format: .brat, to: folder) { try again.nextDocument() })
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: (bad as NSString).deletingLastPathComponent).sorted(), ["bad.jsonl"])
    }
}
