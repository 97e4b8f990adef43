import XCTest
@testable import NERKit

/// The paragraph reader that feeds the tokenizer from standard input.
final class TokenizerParagraphReaderTests: XCTestCase {
    /// Reads `bytes` through a pipe, as from standard input.
    private func paragraphs(_ bytes: [UInt8], maxParagraphBytes: Int = 1 << 20, maxLineBytes: Int = 1 << 20,
                            bufferSize: Int = 1 << 16) throws -> ([Paragraph], ParagraphReader) {
        let pipe = Pipe()
        let writer = pipe.fileHandleForWriting
        DispatchQueue.global().async {
            writer.write(Data(bytes))
            try? writer.close()
        }
        let reader = ParagraphReader(fileDescriptor: pipe.fileHandleForReading.fileDescriptor,
                                     maxParagraphBytes: maxParagraphBytes, maxLineBytes: maxLineBytes, bufferSize: bufferSize)
        var out: [Paragraph] = []
        while let p = try reader.next() { out.append(p) }
        return (out, reader)
    }

    /// A line longer than the bound arrives in pieces of at most that size, cut after a space
    /// (or between UTF-8 sequences when there is none), with offsets and line numbers intact.
    func testAnOverlongLineIsReadInBoundedPieces() throws {
        let long = (0..<400).map { "w\($0)\u{00E9}" }.joined(separator: " ")   // ~2.8 KB, no line break
        let spaces = String(repeating: " ", count: 3000) + "x"                 // whitespace pieces are not blank lines
        let unbroken = String(repeating: "\u{1F600}", count: 700)              // 2,800 bytes of 4-byte scalars, no space
        let input = "short\n" + long + "\nnext\n\n" + spaces + "\n" + unbroken + "\nend\n"
        let (ps, reader) = try paragraphs(Array(input.utf8), maxParagraphBytes: 1024, maxLineBytes: 1024, bufferSize: 64)
        XCTAssertNil(reader.firstInvalidLine, "no piece was cut inside a UTF-8 sequence")
        XCTAssertEqual(ps.map(\.text).joined(), input.replacingOccurrences(of: "next\n\n", with: "next\n"))
        XCTAssertLessThanOrEqual(ps.map(\.text.utf8.count).max() ?? 0, 2048)
        XCTAssertTrue(ps.contains { $0.text.hasPrefix("x\n") || $0.text.contains(" x\n") }, "the spaces stay with their line")
        XCTAssertEqual(ps.first { $0.text.contains("next") }.map(\.firstLine).map { $0 <= 3 }, true)
        XCTAssertTrue(ps.last?.text.hasSuffix("\nend\n") == true || ps.last?.text == "end\n")
        let scalars = Array(input.unicodeScalars)
        for p in ps {
            let n = p.text.unicodeScalars.count
            XCTAssertEqual(String(String.UnicodeScalarView(scalars[p.scalarBase..<(p.scalarBase + n)])), p.text)
        }
        // Every token of the long line comes out whole.
        let words = ps.flatMap { p in Tokenizer().tokenize(p.text).map(\.text) }
        XCTAssertEqual(words.filter { $0.hasPrefix("w") }.count, 400)
        XCTAssertEqual(Tokenizer().tokenize(ps.map(\.text).joined()).count, words.count)
    }

    func testSplitsAtBlankLinesAndKeepsOffsetsIntoTheWholeInput() throws {
        let input = "\n  \nFirst para\nstill first.\n\n \t\r\nZ\u{00FC}rich \u{1F600}\r\n\r\nLast"
        let (ps, reader) = try paragraphs(Array(input.utf8), bufferSize: 16)
        XCTAssertEqual(ps.map(\.text), ["First para\nstill first.\n", "Z\u{00FC}rich \u{1F600}\r\n", "Last"])
        XCTAssertEqual(ps.map(\.firstLine), [3, 7, 9])
        XCTAssertNil(reader.firstInvalidLine)
        let scalars = Array(input.unicodeScalars), bytes = Array(input.utf8)
        for p in ps {
            let n = p.text.unicodeScalars.count, b = p.text.utf8.count
            XCTAssertEqual(String(String.UnicodeScalarView(scalars[p.scalarBase..<(p.scalarBase + n)])), p.text)
            XCTAssertEqual(String(decoding: bytes[p.byteBase..<(p.byteBase + b)], as: UTF8.self), p.text)
        }
        // Token offsets computed per paragraph point into the whole input.
        for p in ps {
            for t in Tokenizer().tokenize(p.text, scalarBase: p.scalarBase, byteBase: p.byteBase) {
                XCTAssertEqual(String(String.UnicodeScalarView(scalars[t.scalarStart..<t.scalarEnd])), t.text)
                XCTAssertEqual(String(decoding: bytes[t.byteStart..<t.byteEnd], as: UTF8.self), t.text)
            }
        }
    }

    func testInvalidUTF8IsReplacedAndItsLineRemembered() throws {
        let bytes: [UInt8] = Array("ok\nbad ".utf8) + [0xFF, 0xC3] + Array(" end\n\nalso \u{00E9}\n".utf8) + [0xE2, 0x82]
        let (ps, reader) = try paragraphs(bytes)
        XCTAssertEqual(ps.map(\.text), ["ok\nbad \u{FFFD}\u{FFFD} end\n", "also \u{00E9}\n\u{FFFD}"])
        XCTAssertEqual(reader.firstInvalidLine, 2)
    }

    func testLongParagraphsAreCutAtLineEnds() throws {
        let line = String(repeating: "word ", count: 20) + "\n"
        let (ps, _) = try paragraphs(Array(String(repeating: line, count: 10).utf8), maxParagraphBytes: 250)
        XCTAssertEqual(ps.count, 4)  // 3 + 3 + 3 + 1 lines of 101 bytes
        XCTAssertEqual(ps.map(\.text).joined(), String(repeating: line, count: 10))
        XCTAssertEqual(ps.map(\.byteBase), [0, 303, 606, 909])
    }

    func testEmptyInput() throws {
        XCTAssertEqual(try paragraphs([]).0, [])
        XCTAssertEqual(try paragraphs(Array("\n\n  \n".utf8)).0, [])
    }
}
