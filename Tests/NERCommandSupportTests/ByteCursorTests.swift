import Foundation
import XCTest
@testable import NERCommandSupport
@testable import NERKit

/// `ByteCursor` writes what `JSONText`'s appending functions append, within the bounds it is given.
final class ByteCursorTests: XCTestCase {
    func testIntegersAreWrittenAsSwiftPrintsThem() {
        var numbers = [0, 1, -1, 9, 10, -10, 99, 100, 101, 999, 1000, 65535, Int(Int32.max), Int.max, Int.min, Int.min + 1]
        var power = 1
        for _ in 0..<18 {
            power *= 10
            numbers += [power - 1, power, power + 1, -power]
        }
        for n in numbers {
            var out: [UInt8] = []
            out.append(atMost: JSONText.maxIntegerBytes) { $0.writeInteger(n) }
            XCTAssertEqual(String(decoding: out, as: UTF8.self), "\(n)")
            var appended: [UInt8] = []
            JSONText.appendInteger(n, to: &appended)
            XCTAssertEqual(String(decoding: appended, as: UTF8.self), "\(n)")
        }
    }

    func testQuotedStringsAreWhatAppendQuotedWrites() {
        let texts: [[UInt8]] = [
            [], Array("Teddy bears".utf8), Array("say \"hi\"\\".utf8), Array("tab\tnew\nline\r".utf8),
            Array(0..<0x80), Array("naïve 🧸 e\u{301}".utf8),
        ]
        for text in texts {
            var expected: [UInt8] = []
            text.withUnsafeBufferPointer { JSONText.appendQuoted(contiguous: $0, to: &expected) }
            var out: [UInt8] = [0x41]
            out.append(atMost: JSONText.quotedBound(text.count)) { cursor in text.withUnsafeBufferPointer { cursor.writeQuoted($0) } }
            XCTAssertEqual(out, [0x41] + expected)
            XCTAssertLessThanOrEqual(expected.count, JSONText.quotedBound(text.count))
            // What it writes parses back to the text.
            let parsed = try? JSONSerialization.jsonObject(with: Data(expected), options: .fragmentsAllowed) as? String
            XCTAssertEqual(parsed.map { Array($0.utf8) }, text)
        }
    }

    /// The check finds every byte that needs an escape, wherever it is, and no other byte (all
    /// 256 tried).
    func testEveryByteThatNeedsAnEscapeIsFoundWhereverItIs() {
        let plain = Array("Teddy bears, naïve 🧸 and 5 € a piece!".utf8)
        for c in 0...255 {
            let needs = c < 0x20 || c == 0x22 || c == 0x5C
            for k in [0, 1, 7, 8, 9, 15, 16, 23, plain.count] {
                var text = plain
                text.insert(UInt8(c), at: k)
                let found = text.withUnsafeBufferPointer { JSONText.needsEscape($0) }
                XCTAssertEqual(found, needs, "byte \(c) at \(k)")
            }
        }
        XCTAssertFalse(plain.withUnsafeBufferPointer { JSONText.needsEscape($0) })
    }

    func testPiecesKeepTheirOrderAndOnlyWhatIsWrittenIsAppended() {
        var out: [UInt8] = Array("[".utf8)
        out.append(atMost: 100) { c in
            c.write("{\"n\": ")
            c.writeInteger(-42)
            c.write(UInt8(ascii: "}"))
            Array(", ".utf8).withUnsafeBufferPointer { c.write($0) }
        }
        out.append(atMost: 0) { _ in }
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "[{\"n\": -42}, ")
    }
}
