import XCTest
@testable import NERKit

final class CoNLLWriterTests: XCTestCase {
    func testWritesLinesBackWithThePredictionAppended() throws {
        let input = """
        -DOCSTART- -X- -X- O

        Anna NNP B-NP B-PER
        sings VBZ B-VP O

        #\thttp://example.org
        Oslo\tB-LOC

        """
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("w-\(UUID().uuidString).txt").path
        try Data(input.utf8).write(to: URL(fileURLWithPath: path))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        let sentences = try CoNLLReader.readAll(path: path)
        var writer = CoNLLWriter(to: "")
        try writer.write(sentences[0], predicted: ["B-PER", "B-ORG"])
        try writer.write(sentences[1], predicted: ["O"])
        XCTAssertEqual(writer.output, """
        -DOCSTART- -X- -X- O O

        Anna NNP B-NP B-PER B-PER
        sings VBZ B-VP O B-ORG

        #\thttp://example.org
        Oslo\tB-LOC\tO


        """)
    }

    func testWrittenFileReadsBackWithThePredictionAsTag() throws {
        let sentence = CoNLLSentence(tokens: ["Lake", "Tessel"], tags: ["B-LOC", "I-LOC"],
                                     lines: ["Lake B-LOC", "Tessel I-LOC"], lineNumbers: [1, 2])
        let text = try CoNLLWriter<String>.format(sentence, predicted: ["B-LOC", "O"])
        XCTAssertEqual(text, "Lake B-LOC B-LOC\nTessel I-LOC O\n\n")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("w-\(UUID().uuidString).txt").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        let back = try CoNLLReader.readAll(path: path, columns: CoNLLColumns(token: 0, tag: -2))
        XCTAssertEqual(back.map(\.tags), [["B-LOC", "I-LOC"]])
        XCTAssertEqual(try CoNLLReader.readAll(path: path).map(\.tags), [["B-LOC", "O"]])
    }

    /// Every byte of multi-byte characters, of strings stored inline (up to 15 bytes) and on
    /// the heap, lands where it belongs: the text is written straight into one string's storage.
    func testNonASCIIAndLongLinesAreWrittenWhole() throws {
        let long = String(repeating: "Ünïcödé-", count: 40)
        let lines = ["Zürich NNP B-LOC", "東京 B-LOC", long + " X O", "e\u{301} O"]
        let sentence = CoNLLSentence(tokens: ["Zürich", "東京", long, "e\u{301}"], lines: lines, lineNumbers: [1, 2, 3, 4])
        let tags = ["B-LOC", "S-LOC", "B-" + String(repeating: "TYPE", count: 10), "O"]
        XCTAssertEqual(try CoNLLWriter<String>.format(sentence, predicted: tags),
                       zip(lines, tags).map { "\($0) \($1)\n" }.joined() + "\n")
        XCTAssertEqual(CoNLLWriter<String>.format(tokens: sentence.tokens, tags: tags),
                       zip(sentence.tokens, tags).map { "\($0)\t\($1)\n" }.joined() + "\n")
        XCTAssertEqual(CoNLLWriter<String>.format(tokens: [], tags: []), "\n")
    }

    func testWrongNumberOfPredictionsIsAnError() {
        let sentence = CoNLLSentence(tokens: ["a", "b"], lineNumbers: [7, 8])
        var writer = CoNLLWriter(to: "")
        XCTAssertThrowsError(try writer.write(sentence, predicted: ["O"])) { e in
            XCTAssertEqual((e as? NERError)?.description, "1 predicted tags for 2 tokens (the sentence at line 7)")
        }
        XCTAssertEqual(writer.output, "")
    }
}
