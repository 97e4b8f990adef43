import XCTest
@testable import NERKit

/// The paragraph reader that feeds the tokenizer from standard input.
final class TokenizerParagraphReaderTests: XCTestCase {
    /// Reads `bytes` through a pipe, as from standard input.
    private func paragraphs(_ bytes: [UInt8], maxParagraphBytes: Int = 1 << 20, bufferSize: Int = 1 << 16)
        throws -> ([Paragraph], ParagraphReader) {
        let pipe = Pipe()
        let writer = pipe.fileHandleForWriting
        DispatchQueue.global().async {
            writer.write(Data(bytes))
            try? writer.close()
        }
        let reader = ParagraphReader(fileDescriptor: pipe.fileHandleForReading.fileDescriptor,
                                     maxParagraphBytes: maxParagraphBytes, bufferSize: bufferSize)
        var out: [Paragraph] = []
        while let p = try reader.next() { out.append(p) }
        return (out, reader)
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
