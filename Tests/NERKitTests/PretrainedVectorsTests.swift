import XCTest
@testable import NERKit

final class PretrainedVectorsTests: XCTestCase {
    private func write(_ text: String, name: String = "vectors.txt") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func gzip(_ path: String) throws -> String {
        let task = Process()
        task.executableURL = URL(fileURLWithPath: "/bin/sh")
        task.arguments = ["-c", "gzip -c '\(path)' > '\(path).gz'"]
        try task.run()
        task.waitUntilExit()
        XCTAssertEqual(task.terminationStatus, 0)
        return path + ".gz"
    }

    private func assertError(_ text: String, _ expected: (line: Int?, message: String),
                             file: StaticString = #filePath, line: UInt = #line) throws {
        let path = try write(text)
        XCTAssertThrowsError(try PretrainedVectors.load(path: path), file: file, line: line) { error in
            XCTAssertEqual(error as? NERError, NERError(path: path, line: expected.line, expected.message), file: file, line: line)
        }
    }

    private let glove = """
        the 0.418 0.24968 -0.41242
        , 0.013441 0.23682 -0.16899
        river -1.5e-3 2E2 0.5
        zürich 1 -2 3
        """

    func testReadsGloVeTextInFileOrder() throws {
        let v = try PretrainedVectors.load(path: try write(glove + "\n"))
        XCTAssertEqual(v.dimension, 3)
        XCTAssertEqual(v.words, ["the", ",", "river", "zürich"])
        XCTAssertEqual(v.vectors, [0.418, 0.24968, -0.41242, 0.013441, 0.23682, -0.16899, -0.0015, 200, 0.5, 1, -2, 3])
        XCTAssertEqual(v.index(of: "river"), 2)
        XCTAssertEqual(v.index(of: "zürich"), 3)
        XCTAssertNil(v.index(of: "River"))
        XCTAssertEqual(Array(v.vector(at: 1)), [0.013441, 0.23682, -0.16899])
    }

    func testReadsGzippedFileTheSame() throws {
        let plain = try PretrainedVectors.load(path: try write(glove))
        let gz = try PretrainedVectors.load(path: try gzip(try write(glove)))
        XCTAssertEqual(gz.words, plain.words)
        XCTAssertEqual(gz.vectors, plain.vectors)
    }

    func testWord2VecHeaderAndTabsAndCRLF() throws {
        let v = try PretrainedVectors.load(path: try write("3 2\r\nking 0.5 -0.25\r\nqueen\t1.5\t2 \r\n2 7 8\r\n"))
        XCTAssertEqual(v.dimension, 2)
        XCTAssertEqual(v.words, ["king", "queen", "2"])
        XCTAssertEqual(v.vectors, [0.5, -0.25, 1.5, 2, 7, 8])
    }

    func testWord2VecHeaderCountMustMatch() throws {
        try assertError("3 2\nking 0.5 -0.25\nqueen 1 2\n", (1, "word2vec header says 3 vectors, but the file has 2"))
        try assertError("2 3\nking 0.5 -0.25\n", (2, "expected a word and 3 values, found 2 values"))
    }

    func testKeepFilterSeesWordAndRankAndStoresOnlyKeptWords() throws {
        var seen: [String] = []
        let v = try PretrainedVectors.load(path: try write(glove)) { word, rank in
            seen.append("\(rank):\(word)")
            return rank < 1 || word == "river"
        }
        XCTAssertEqual(seen, ["0:the", "1:,", "2:river", "3:zürich"])
        XCTAssertEqual(v.words, ["the", "river"])
        XCTAssertEqual(v.vectors, [0.418, 0.24968, -0.41242, -0.0015, 200, 0.5])
        XCTAssertEqual(v.index(of: "river"), 1)
        XCTAssertNil(v.index(of: ","))
    }

    func testWordsContainingSpaces() throws {
        let v = try PretrainedVectors.load(path: try write("the 1 2\nNew York 3 4\n. . . 5 6\n"))
        XCTAssertEqual(v.words, ["the", "New York", ". . .", ])
        XCTAssertEqual(v.vectors, [1, 2, 3, 4, 5, 6])
        // The first line may itself have a spaced word.
        let w = try PretrainedVectors.load(path: try write("Los Angeles 1 2\nthe 3 4\n"))
        XCTAssertEqual(w.dimension, 2)
        XCTAssertEqual(w.words, ["Los Angeles", "the"])
    }

    func testMalformedLinesNameFileAndLine() throws {
        try assertError("a 1 2\nb 1\n", (2, "expected a word and 2 values, found 1 values"))
        try assertError("a 1 2\nb 1 2 3\n", (2, "expected a word and 2 values, found 3 values"))
        try assertError("a 1 2\nb 1 x2\n", (2, "value 2 'x2' is not a number"))
        try assertError("a 1 2\nb 1 1e99\n", (2, "value 2 '1e99' is out of the Float range"))
        try assertError("a 1 2\nb nan 1\n", (2, "value 1 'nan' is not a number"))
        try assertError("a 1 2\nb 1e+ 1\n", (2, "value 1 '1e+' is not a number"))
        try assertError("a 1 2\n\nb 1 2\n", (2, "empty line (expected a word and its vector)"))
        try assertError("a 1 2\nb 3 4\na 5 6\n", (3, "word 'a' already appeared on line 1"))
        try assertError("justaword\n", (1, "expected a word followed by numbers"))
        try assertError("", (nil, "no vectors: the file is empty"))
        try assertError("10 50\n", (1, "word2vec header says 10 vectors, but the file has 0"))
    }

    func testInvalidUTF8WordIsAnError() throws {
        let path = try write("")
        try Data([0x61, 0x20, 0x31, 0x0A, 0xFF, 0xFE, 0x20, 0x32, 0x0A]).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try PretrainedVectors.load(path: path)) { e in
            XCTAssertEqual(e as? NERError, NERError(path: path, line: 2, "the word is not valid UTF-8"))
        }
    }

    func testNumbersAreCorrectlyRounded() throws {
        // Long mantissas and large exponents take the strtof path; results must match Float(String).
        let texts = ["0.1", "-0.38497", "3.4028234e38", "1.17549435e-38", "1e-45", "0.0051498413085937500001",
                     "123456789012345678901234567890", "16777217", ".5", "5.", "+2.5e-3", "-0", "7e10", "3e-11"]
        let line = "w " + texts.joined(separator: " ")
        let v = try PretrainedVectors.load(path: try write(line))
        XCTAssertEqual(v.dimension, texts.count)
        for (i, t) in texts.enumerated() {
            XCTAssertEqual(v.vectors[i], Float(t), t)
        }
        XCTAssertEqual(v.vectors[11].sign, .minus)
    }

    func testInMemoryInitChecksSizes() throws {
        XCTAssertThrowsError(try PretrainedVectors(dimension: 2, words: ["a"], vectors: [1, 2, 3]))
        var v = try PretrainedVectors(dimension: 1, words: ["a", "b", "a"], vectors: [1, 2, 3])
        XCTAssertEqual(v.index(of: "a"), 0)
        v.words = ["x", "y", "z"]
        XCTAssertEqual(v.index(of: "y"), 1)
        XCTAssertNil(v.index(of: "a"))
    }

    /// A file of GloVe's shape (50 dimensions, thousands of words, gzip-compressed, most
    /// frequent word first), written here: the rank filter keeps the first 1000 words, with
    /// their vectors, in file order.
    func testGloVeShapedGzipFileWithARankFilter() throws {
        let words = ["the"] + (1..<3000).map { "w\($0)" }
        func value(_ row: Int, _ column: Int) -> Float { Float((row * 50 + column) % 997) / 100 - 5 }
        let text = words.enumerated().map { row, word in
            ([word] + (0..<50).map { "\(value(row, $0))" }).joined(separator: " ")
        }.joined(separator: "\n") + "\n"
        let v = try PretrainedVectors.load(path: try gzip(try write(text, name: "glove.50d.txt"))) { _, rank in rank < 1000 }
        XCTAssertEqual(v.dimension, 50)
        XCTAssertEqual(v.words, Array(words.prefix(1000)))
        XCTAssertEqual(v.vectors.count, 1000 * 50)
        XCTAssertEqual(Array(v.vectors[(999 * 50)..<(1000 * 50)]), (0..<50).map { value(999, $0) })
    }
}
