import XCTest
@testable import NERKit

final class CoNLLReaderTests: XCTestCase {
    private func file(_ text: String) throws -> String { try file(Array(text.utf8)) }

    private func file(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("conll-\(UUID().uuidString).txt").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    private func read(_ text: String, columns: CoNLLColumns = .init(), requireTags: Bool = true) throws -> [CoNLLSentence] {
        try CoNLLReader.readAll(path: try file(text), columns: columns, requireTags: requireTags)
    }

    /// The `path:line: message` text of the error reading `text` throws.
    private func error(_ text: String, columns: CoNLLColumns = .init(), requireTags: Bool = true) throws -> (path: String, text: String) {
        let path = try file(text)
        return (path, errorText(path, columns: columns, requireTags: requireTags))
    }

    private func errorText(_ path: String, columns: CoNLLColumns = .init(), requireTags: Bool = true) -> String {
        do {
            _ = try CoNLLReader.readAll(path: path, columns: columns, requireTags: requireTags)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    // MARK: - Layouts

    func testTabSeparatedTwoColumns() throws {
        let s = try read("Anna\tB-PER\nBerg\tI-PER\nsings\tO\n\nOslo\tS-LOC\n")
        XCTAssertEqual(s.count, 2)
        XCTAssertEqual(s[0].tokens, ["Anna", "Berg", "sings"])
        XCTAssertEqual(s[0].tags, ["B-PER", "I-PER", "O"])
        XCTAssertEqual(s[0].lines, ["Anna\tB-PER", "Berg\tI-PER", "sings\tO"])
        XCTAssertEqual(s[0].lineNumbers, [1, 2, 3])
        XCTAssertEqual(s[1].tokens, ["Oslo"])
        XCTAssertEqual(s[1].lineNumbers, [5])
        XCTAssertFalse(s[0].startsDocument)
    }

    func testRunsOfSpacesAndTabsSeparateColumns() throws {
        let s = try read("Anna  NNP \t B-NP   B-PER  \nran\tVBD\tB-VP\tO\n")
        XCTAssertEqual(s.count, 1)
        XCTAssertEqual(s[0].tokens, ["Anna", "ran"])
        XCTAssertEqual(s[0].tags, ["B-PER", "O"])
        XCTAssertEqual(s[0].lines[0], "Anna  NNP \t B-NP   B-PER  ", "the original line is kept as it was")
    }

    func testGermEvalCommentsAndColumnsChosenByIndex() throws {
        let text = """
        #\thttp://example.org/wiki/Lake_Tessel [2020-01-01]
        1\tLake\tB-LOC\tO
        2\tTessel\tI-LOC\tO
        3\tfreezes\tO\tO

        #\thttp://example.org/news/42 [2020-01-02]
        1\tMira\tB-PER\tO
        2\tOkafor\tI-PER\tO

        """
        let s = try read(text, columns: CoNLLColumns(token: 1, tag: 2))
        XCTAssertEqual(s.count, 2)
        XCTAssertEqual(s[0].tokens, ["Lake", "Tessel", "freezes"])
        XCTAssertEqual(s[0].tags, ["B-LOC", "I-LOC", "O"])
        XCTAssertEqual(s[0].comments, ["#\thttp://example.org/wiki/Lake_Tessel [2020-01-01]"])
        XCTAssertEqual(s[0].lineNumbers, [2, 3, 4])
        XCTAssertEqual(s[1].tokens, ["Mira", "Okafor"])
        XCTAssertEqual(s[1].lineNumbers, [7, 8])
        // The same file with negative indices: token is 3rd from the end, tag 2nd from the end.
        let negative = try read(text, columns: CoNLLColumns(token: -3, tag: -2))
        XCTAssertEqual(negative.map(\.tokens), s.map(\.tokens))
        XCTAssertEqual(negative.map(\.tags), s.map(\.tags))
        // And the last column (all O) as tag column.
        XCTAssertEqual(try read(text, columns: CoNLLColumns(token: 1)).map(\.tags), [["O", "O", "O"], ["O", "O"]])
    }

    func testHashIsATokenWhenItsLineLooksLikeTheOthers() throws {
        let text = """
        # a comment with words in it
        #\tO
        love\tO
        #\tO
        Tesselfest\tB-EVENT

        #
        #\tO

        """
        let s = try read(text)
        XCTAssertEqual(s.count, 2)
        XCTAssertEqual(s[0].tokens, ["#", "love", "#", "Tesselfest"])
        XCTAssertEqual(s[0].tags, ["O", "O", "O", "B-EVENT"])
        XCTAssertEqual(s[0].comments, ["# a comment with words in it"])
        XCTAssertEqual(s[0].lineNumbers, [2, 3, 4, 5])
        // A lone "#" (one column) before a two-column "#" token is a comment.
        XCTAssertEqual(s[1].tokens, ["#"])
        XCTAssertEqual(s[1].comments, ["#"])
        XCTAssertEqual(s[1].lineNumbers, [8])
    }

    func testHashLineWithInvalidTagButRightColumnCountIsAComment() throws {
        let s = try read("# note here\nGo\tVB\tO\n")
        XCTAssertEqual(s[0].tokens, ["Go"])
        XCTAssertEqual(s[0].comments, ["# note here"])
    }

    func testBlocksOfOnlyCommentsAreNotSentences() throws {
        let s = try read("# just a comment\n\n# another\n\nx O\n")
        XCTAssertEqual(s.count, 1)
        XCTAssertEqual(s[0].tokens, ["x"])
    }

    func testDocumentStartLines() throws {
        let text = """
        -DOCSTART- -X- -X- O

        Anna NNP B-NP B-PER
        sings VBZ B-VP O

        Oslo NNP B-NP B-LOC

        -DOCSTART- -X- -X- O
        Berg NNP B-NP B-PER
        -DOCSTART- -X- -X- O
        Lund NNP B-NP B-LOC
        """
        let reader = try CoNLLReader(path: try file(text))
        var s: [CoNLLSentence] = []
        while let x = try reader.next() { s.append(x) }
        XCTAssertEqual(s.map(\.tokens), [["Anna", "sings"], ["Oslo"], ["Berg"], ["Lund"]])
        XCTAssertEqual(s.map(\.startsDocument), [true, false, true, true])
        XCTAssertEqual(s[0].documentLine, "-DOCSTART- -X- -X- O")
        XCTAssertNil(s[1].documentLine)
        XCTAssertEqual(s.map(\.lineNumbers), [[3, 4], [6], [9], [11]])
        XCTAssertEqual(reader.documentCount, 3)
    }

    func testCRLFByteOrderMarkBlankRunsAndNoFinalNewline() throws {
        let text = "\u{FEFF}Anna B-PER\r\nsings O\r\n\r\n\r\n  \t \r\n\r\nOslo B-LOC\r\nrains O"
        let s = try read(text)
        XCTAssertEqual(s.map(\.tokens), [["Anna", "sings"], ["Oslo", "rains"]])
        XCTAssertEqual(s.map(\.tags), [["B-PER", "O"], ["B-LOC", "O"]])
        XCTAssertEqual(s[0].lines, ["Anna B-PER", "sings O"], "no BOM, no CR in the kept lines")
        XCTAssertEqual(s[1].lineNumbers, [7, 8])
    }

    func testUntaggedFilesWithoutTagColumn() throws {
        let s = try read("Anna\nsings\n\n#\nrains\n", requireTags: false)
        XCTAssertEqual(s.map(\.tokens), [["Anna", "sings"], ["#", "rains"]])
        XCTAssertEqual(s.map(\.tags), [[], []])
    }

    func testStreamingReturnsOneSentenceAtATime() throws {
        var text = ""
        for i in 0..<2000 { text += "w\(i) O\nx B-LOC\n\n" }
        let reader = try CoNLLReader(path: try file(text))
        var count = 0
        while let s = try reader.next() {
            XCTAssertEqual(s.tokens, ["w\(count)", "x"])
            count += 1
        }
        XCTAssertEqual(count, 2000)
        XCTAssertNil(try reader.next(), "stays at the end")
    }

    // MARK: - Errors

    func testBadTagIsReportedWithFileLineAndValue() throws {
        let e = try error("Anna B-PER\nBerg B_PER\n")
        XCTAssertEqual(e.text, "\(e.path):2: invalid tag \"B_PER\": expected O, or B-, I-, E- or S- followed by an entity type (like B-PER)")
        let emptyType = try error("x O\n\ny B-\n")
        XCTAssertEqual(emptyType.text, "\(emptyType.path):3: invalid tag \"B-\": expected O, or B-, I-, E- or S- followed by an entity type (like B-PER)")
    }

    func testWrongColumnCount() throws {
        let e = try error("a\n\nAnna NNP B-NP B-PER\nsings VBZ O\n")
        XCTAssertEqual(e.text, "\(e.path):1: the line has only 1 column, so there is no tag column (is the file untagged?)")
        let e2 = try error("Anna NNP B-NP B-PER\nsings VBZ O\n")
        XCTAssertEqual(e2.text, "\(e2.path):2: found 3 columns but line 1, the sentence's first, has 4: \"sings VBZ O\"")
    }

    func testInvalidUTF8() throws {
        let path = try file(Array("ok O\n".utf8) + [0x43, 0x61, 0x66, 0xE9] + Array(" O\n".utf8))
        XCTAssertEqual(errorText(path), "\(path):2: invalid UTF-8: byte 0xE9 at byte 4 of the line (if the file is Latin-1, convert it: iconv -f latin1 -t utf-8)")
    }

    func testMissingColumn() throws {
        let e = try error("Anna NNP B-NP B-PER\n", columns: CoNLLColumns(token: 0, tag: 4))
        XCTAssertEqual(e.text, "\(e.path):1: tag column 4 does not exist: the line has 4 columns (columns are counted from 0, negative numbers count from the end)")
        let e2 = try error("Anna B-PER\n", columns: CoNLLColumns(token: -3), requireTags: false)
        XCTAssertEqual(e2.text, "\(e2.path):1: token column -3 does not exist: the line has 2 columns (columns are counted from 0, negative numbers count from the end)")
    }

    func testCorruptGzipDataEndsReadingAfterOneError() throws {
        var text = ""
        for i in 0..<500 { text += "word\(i) O\nLund B-LOC\n\n" }
        let plain = try file(text)
        let gz = plain + ".gz"
        let task = Process()
        task.executableURL = URL(fileURLWithPath: "/bin/sh")
        task.arguments = ["-c", "gzip -c '\(plain)' > '\(gz)'"]
        try task.run(); task.waitUntilExit()
        addTeardownBlock { try? FileManager.default.removeItem(atPath: gz) }
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: gz)))
        XCTAssertGreaterThan(bytes.count, 300)
        for i in 100..<160 { bytes[i] ^= 0x55 }
        try Data(bytes).write(to: URL(fileURLWithPath: gz))

        let reader = try CoNLLReader(path: gz)
        var errors = 0
        for _ in 0..<2000 {
            do {
                if try reader.next() == nil { break }
            } catch {
                errors += 1
            }
        }
        XCTAssertEqual(errors, 1)
        XCTAssertNil(try reader.next())
    }

    func testReadingGoesOnWithTheNextSentenceAfterAnError() throws {
        let reader = try CoNLLReader(path: try file("a O\nb X\nc O\n\nd B-LOC\n\ne O f\n\ng O\n"))
        var results: [String] = []
        while true {
            do {
                guard let s = try reader.next() else { break }
                results.append(s.tokens.joined(separator: " "))
            } catch let e as NERError {
                results.append("error at \(e.line ?? 0)")
            }
        }
        XCTAssertEqual(results, ["error at 2", "d", "error at 7", "g"])
    }
}
