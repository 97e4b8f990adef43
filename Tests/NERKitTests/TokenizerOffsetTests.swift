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

    /// Random strings over a palette of tricky characters: no crash, offsets slice the input,
    /// tokens do not overlap, and only whitespace or invisible characters are left out.
    func testRandomInputsKeepInvariants() {
        let palette: [UInt32] = [0x41, 0x61, 0x7A, 0x31, 0x39, 0x2E, 0x2C, 0x27, 0x2019, 0x2D, 0x40, 0x23, 0x24,
                                 0x25, 0x26, 0x2F, 0x3A, 0x22, 0x28, 0x29, 0x60, 0x20, 0x0A, 0x0D, 0x09, 0xA0,
                                 0xFC, 0x308, 0x301, 0x6E, 0x74, 0x73, 0x77, 0x68, 0x200D, 0xFE0F, 0x1F600,
                                 0x1F3FD, 0x1F1EB, 0x4E2D, 0x3002, 0x41C, 0x2026, 0xAD, 0x200B, 0x2028, 0xFFFD, 0x0]
        var seed: UInt64 = 12345
        func nextIndex() -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(palette.count))
        }
        for _ in 0..<400 {
            let length = 1 + nextIndex() % 40
            let scalars = (0..<length).compactMap { _ in Unicode.Scalar(palette[nextIndex()]) }
            let text = String(String.UnicodeScalarView(scalars))
            let tokens = Tokenizer().sentences(text).flatMap(\.tokens)
            check(tokens, in: text)
            XCTAssertEqual(tokens, Tokenizer().tokenize(text))
            var covered = [Bool](repeating: false, count: scalars.count)
            for t in tokens { for k in t.scalarStart..<t.scalarEnd { covered[k] = true } }
            for (k, u) in scalars.enumerated() where !covered[k] {
                let cls = CharClass.classify(u.value)
                let leftOut = cls == CharClass.space || cls == CharClass.format || cls == CharClass.mark
                    || u.value == 0xFE0F || u.value == 0x1F3FD
                XCTAssertTrue(leftOut, "U+\(String(u.value, radix: 16)) left out of \(text.debugDescription)")
            }
        }
    }
}
