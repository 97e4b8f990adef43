import XCTest
@testable import NERKit

final class EvaluationPredictionFileReaderTests: XCTestCase {
    private func file(_ contents: String) throws -> String {
        try file(Data(contents.utf8))
    }

    private func file(_ data: Data) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pred-\(UUID().uuidString).txt")
        try data.write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    private func readAll(_ path: String) throws -> [PredictionSentence] {
        let reader = try PredictionFileReader(path: path)
        var sentences: [PredictionSentence] = []
        while let s = try reader.next() { sentences.append(s) }
        return sentences
    }

    private func assertError(_ contents: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let path = try self.file(contents)
        XCTAssertThrowsError(try readAll(path), file: file, line: line) { error in
            XCTAssertEqual((error as? NERError)?.description, "\(path):\(expected)", file: file, line: line)
        }
    }

    func testSentencesDocstartAndBoundaries() throws {
        let path = try file("""
            -DOCSTART- -X- -X- O O

            Anna NNP B-PER B-PER
            Lee\tNNP\tI-PER\tO
            -DOCSTART- -X- -X- O O
            Bern NNP S-LOC S-LOC


            -X- -X- O O
            Oslo NNP B-LOC I-LOC
            """)
        let sentences = try readAll(path)
        XCTAssertEqual(sentences, [
            PredictionSentence(tokens: ["Anna", "Lee"], gold: ["B-PER", "I-PER"], predicted: ["B-PER", "O"], line: 3),
            PredictionSentence(tokens: ["Bern"], gold: ["S-LOC"], predicted: ["S-LOC"], line: 6),
            PredictionSentence(tokens: ["Oslo"], gold: ["B-LOC"], predicted: ["I-LOC"], line: 10),
        ])
    }

    func testTwoColumnFilesHaveNoWords() throws {
        let sentences = try readAll(try file("B-PER B-PER\r\nO O\r\n"))
        XCTAssertEqual(sentences, [PredictionSentence(tokens: nil, gold: ["B-PER", "O"], predicted: ["B-PER", "O"], line: 1)])
    }

    func testEmptyFilesHaveNoSentences() throws {
        XCTAssertEqual(try readAll(try file("")), [])
        XCTAssertEqual(try readAll(try file("\n\n-DOCSTART- -X- O O\n\n")), [])
    }

    func testMalformedTags() throws {
        try assertError("a B-PER B-PER\nb PER O\n", "2: malformed gold tag 'PER': expected O or B-, I-, E-, S- followed by a type")
        try assertError("a O B-\n", "1: malformed predicted tag 'B-': expected O or B-, I-, E-, S- followed by a type")
        try assertError("a O X-PER\n", "1: malformed predicted tag 'X-PER': expected O or B-, I-, E-, S- followed by a type")
        try assertError("a o O\n", "1: malformed gold tag 'o': expected O or B-, I-, E-, S- followed by a type")
    }

    func testColumnCounts() throws {
        try assertError("a NN O O\n\nb O O\n", "3: found 3 columns, expected 4 as on line 1")
        try assertError("\nB-PER\n", "2: expected at least 2 columns (gold tag, predicted tag), found 1")
    }

    func testInvalidUTF8() throws {
        let path = try file(Data([0x61, 0xFF, 0x20, 0x4F, 0x20, 0x4F, 0x0A]))
        XCTAssertThrowsError(try readAll(path)) { error in
            XCTAssertEqual((error as? NERError)?.description, "\(path):1: not valid UTF-8")
        }
    }

    func testTagValidation() {
        // The prediction reader accepts exactly what the corpus layer's one tag parser does.
        for tag in ["O", "B-PER", "I-GPE-X", "E-a", "S-LOC", "U-PER", "L-ORG"] { XCTAssertNotNil(ParsedTag(tag), tag) }
        for tag in ["", "B", "B-", "PER", "O-PER", "b-PER", "BB-PER", "-PER"] {
            XCTAssertNil(ParsedTag(tag), tag)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("tag-\(UUID().uuidString).txt").path
            try? "Anna B-PER \(tag.isEmpty ? "X-" : tag)\n".write(toFile: path, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: path) }
            XCTAssertThrowsError(try PredictionFileReader(path: path).next(), tag)
        }
    }
}
