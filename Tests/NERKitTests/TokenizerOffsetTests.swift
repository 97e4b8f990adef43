import XCTest
@testable import NERKit

/// Every token's offsets must point at its text in the original input, both as Unicode scalar
/// offsets and as UTF-8 byte offsets, including with a base offset.
final class TokenizerOffsetTests: XCTestCase {
    private let inputs = [
        "Mr. Smith went to Washington. He arrived on Jan. 5.",
        "M\u{00FC}ller visited S\u{00E3}o Paulo, Z\u{00FC}rich and Ahmed \u{00D6}zt\u{00FC}rk.",
        "Mu\u{0308}ller and Sa\u{0303}o Paulo (NFD) didn\u{2019}t wait.",
        "\u{6211}\u{7231}\u{5317}\u{4EAC}\u{3002}\u{6771}\u{4EAC}\u{30BF}\u{30EF}\u{30FC} \u{1F600}!",
        "I \u{2764}\u{FE0F} NY \u{1F44D}\u{1F3FD} \u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467} \u{1F1EB}\u{1F1F7}.",
        "\u{041C}\u{043E}\u{0441}\u{043A}\u{0432}\u{0430}\r\n\r\n\u{0420}\u{043E}\u{0441}\u{0441}\u{0438}\u{044F}\t$5, 50% e.g. john@x.org",
        "\u{00A0}\u{3000}leading space and trailing \u{2028}",
    ]

    private func check(_ tokens: [TextToken], in text: String, scalarBase: Int = 0, byteBase: Int = 0,
                       file: StaticString = #filePath, line: UInt = #line) {
        let scalars = Array(text.unicodeScalars)
        let bytes = Array(text.utf8)
        var previousEnd = 0
        for t in tokens {
            let s = String(String.UnicodeScalarView(scalars[(t.scalarStart - scalarBase)..<(t.scalarEnd - scalarBase)]))
            let b = String(decoding: bytes[(t.byteStart - byteBase)..<(t.byteEnd - byteBase)], as: UTF8.self)
            XCTAssertEqual(Array(s.unicodeScalars), Array(t.text.unicodeScalars), "scalar slice", file: file, line: line)
            XCTAssertEqual(Array(b.unicodeScalars), Array(t.text.unicodeScalars), "byte slice", file: file, line: line)
            XCTAssertGreaterThanOrEqual(t.scalarStart - scalarBase, previousEnd, file: file, line: line)
            XCTAssertLessThan(t.scalarStart, t.scalarEnd, file: file, line: line)
            previousEnd = t.scalarEnd - scalarBase
        }
    }

    func testOffsetsSliceTheOriginalInput() {
        for text in inputs {
            let tokens = Tokenizer().tokenize(text)
            XCTAssertFalse(tokens.isEmpty)
            check(tokens, in: text)
            check(Tokenizer().sentences(text).flatMap(\.tokens), in: text)
        }
    }

    func testBaseOffsetsAreAdded() {
        for text in inputs {
            let plain = Tokenizer().sentences(text)
            let based = Tokenizer().sentences(text, scalarBase: 100, byteBase: 250)
            XCTAssertEqual(plain.count, based.count)
            check(based.flatMap(\.tokens), in: text, scalarBase: 100, byteBase: 250)
            check(Tokenizer().tokenize(text, scalarBase: 7, byteBase: 9), in: text, scalarBase: 7, byteBase: 9)
            for (p, b) in zip(plain, based) {
                XCTAssertEqual(b.scalarStart, p.scalarStart + 100)
                XCTAssertEqual(b.byteEnd, p.byteEnd + 250)
            }
        }
    }

    func testKnownOffsetsOfAccentedAndAstralText() {
        // "Zürich 😀 ok": ü is 1 scalar / 2 bytes, 😀 is 1 scalar / 4 bytes.
        let t = Tokenizer().tokenize("Z\u{00FC}rich \u{1F600} ok")
        XCTAssertEqual(t.map(\.scalarStart), [0, 7, 9])
        XCTAssertEqual(t.map(\.scalarEnd), [6, 8, 11])
        XCTAssertEqual(t.map(\.byteStart), [0, 8, 13])
        XCTAssertEqual(t.map(\.byteEnd), [7, 12, 15])
        // NFD: "Mu\u{308}ller" is 7 scalars in the input even though its NFC form has 6.
        let d = Tokenizer().tokenize("Mu\u{0308}ller x")
        XCTAssertEqual(d[0].scalarEnd, 7)
        XCTAssertEqual(d[0].byteEnd, 8)
        XCTAssertEqual(d[1].scalarStart, 8)
        XCTAssertEqual(d[0].normalized.unicodeScalars.count, 6)
    }
}
