import Foundation
import XCTest
@testable import NERCommandSupport
@testable import NERKit

/// The readers behind `ner tag --input text|tokens|conll`: offsets, surrounding text, line
/// numbers and repair of invalid UTF-8.
final class TagOutputInputTests: XCTestCase {
    private func file(_ bytes: [UInt8]) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tag-input-\(UUID().uuidString).txt")
        try Data(bytes).write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url.path
    }

    private func readAll(_ format: TagInputFormat, _ path: String) throws -> (sentences: [TagInputSentence], warnings: [String]) {
        let input = try TagInputOpener.open(format, path: path)
        var sentences: [TagInputSentence] = [], warnings: [String] = []
        while let s = try input.next() {
            sentences.append(s)
            if let w = input.takeWarning() { warnings.append(w.description) }
        }
        if let w = input.takeWarning() { warnings.append(w.description) }
        return (sentences, warnings)
    }

    func testTextOffsetsSliceTheWholeInput() throws {
        let text = "  Zoë met Ana in 東京.  Then 🙂 left\nthe house.\n\n\nCafe\u{301} Paris!\n"
        let path = try file(Array(text.utf8))
        let (sentences, warnings) = try readAll(.text, path)
        XCTAssertEqual(warnings, [])
        XCTAssertEqual(sentences.map(\.text), ["Zoë met Ana in 東京.", "Then 🙂 left\nthe house.", "Cafe\u{301} Paris!"])
        let scalars = Array(text.unicodeScalars)
        func slice(_ a: Int, _ b: Int) -> String { String(String.UnicodeScalarView(scalars[a..<b])) }
        for s in sentences {
            XCTAssertEqual(slice(s.start, s.end), s.text)
            for t in s.tokens { XCTAssertEqual(slice(t.start, t.end), t.text) }
            XCTAssertEqual(s.file, path)
            XCTAssertNil(s.line)
        }
        XCTAssertEqual(sentences[2].tokens[0].normalized, "Caf\u{E9}")
        XCTAssertEqual(sentences[2].tokens[0].text, "Cafe\u{301}")
        // Surrounding text: everything of the paragraphs is kept, blank lines are marked.
        XCTAssertEqual(sentences.map(\.before), ["  ", "  ", ""])
        XCTAssertEqual(sentences.map(\.after), ["", "\n", "\n"])
        XCTAssertEqual(sentences.map(\.afterBlankLine), [false, false, true])
    }

    func testTextInvalidUTF8IsReplacedAndReportedOnce() throws {
        let path = try file(Array("Bad \u{FF}".utf8) + [0xFF, 0x0A, 0x0A] + Array("more ".utf8) + [0xC3, 0x0A])
        let (sentences, warnings) = try readAll(.text, path)
        XCTAssertEqual(sentences.map { $0.tokens.map(\.text) }, [["Bad", "ÿ", "\u{FFFD}"], ["more", "\u{FFFD}"]])
        XCTAssertEqual(warnings, ["\(path):1: invalid UTF-8, replaced with U+FFFD"])
    }

    func testTokensLinesWithLineNumbersSkippingBlankLines() throws {
        let path = try file(Array("Zoë  met\tAna\n\n   \nCafe\u{301} x\r\nnul\u{0}byte\n".utf8))
        let (sentences, _) = try readAll(.tokens, path)
        XCTAssertEqual(sentences.map { $0.tokens.map(\.text) }, [["Zoë", "met", "Ana"], ["Cafe\u{301}", "x"], ["nul\u{0}byte"]])
        XCTAssertEqual(sentences.map(\.line), [1, 4, 5])
        XCTAssertEqual(sentences.map(\.text), ["Zoë met Ana", "Cafe\u{301} x", "nul\u{0}byte"])
        XCTAssertEqual(sentences[1].modelTokens, ["Caf\u{E9}", "x"])
        XCTAssertEqual(sentences[1].tokens[1].start, 6)
    }

    func testCoNLLKeepsLinesAndReadsTheTokenColumn() throws {
        let path = try file(Array("-DOCSTART- -X- O\n\n1 Ana B-PER\n2 sang O\n\n3 Zoë B-PER\n".utf8))
        let input = try TagInputOpener.open(.conll, path: path, columns: CoNLLColumns(token: 1))
        let first = try XCTUnwrap(try input.next())
        XCTAssertEqual(first.tokens.map(\.text), ["Ana", "sang"])
        XCTAssertEqual(first.conll?.lines, ["1 Ana B-PER", "2 sang O"])
        XCTAssertEqual(first.conll?.startsDocument, true)
        XCTAssertEqual(first.line, 3)
        XCTAssertEqual(try input.next()?.tokens.map(\.text), ["Zoë"])
        XCTAssertNil(try input.next())
    }

    func testMissingFileIsAnError() {
        for format in TagInputFormat.allCases {
            XCTAssertThrowsError(try TagInputOpener.open(format, path: "/nonexistent/in.txt")) { error in
                XCTAssertEqual((error as? NERError)?.path, "/nonexistent/in.txt")
            }
        }
    }
}
