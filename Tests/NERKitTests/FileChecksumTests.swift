import CZlib
import XCTest
@testable import NERKit

/// `FileChecksum` folds long ranges with carry-less multiplies where the CPU has them: it must
/// give zlib's CRC-32, byte for byte, for every length and start, fed whole or in pieces.
final class FileChecksumTests: XCTestCase {
    private func zlibCRC(_ bytes: ArraySlice<UInt8>, from crc: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBufferPointer { b in UInt32(crc32(uLong(crc), b.baseAddress, uInt(b.count))) }
    }

    private func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var c = FileChecksum()
        bytes.withUnsafeBytes { c.update($0) }
        return c.value
    }

    func testEveryLengthAndStartGivesZlibsCRC() {
        var generator = SystemRandomNumberGenerator()
        let data = (0..<5_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for length in 0...300 {
            for start in [0, 1, 7, 15] {
                let piece = data[start..<(start + length)]
                XCTAssertEqual(checksum(piece), zlibCRC(piece), "length \(length), start \(start)")
            }
        }
        for length in [1_000, 4_096, 4_097, 4_999] {
            XCTAssertEqual(checksum(data[..<length]), zlibCRC(data[..<length]), "length \(length)")
        }
        // Known values: the standard check value, and all zeros and all ones.
        XCTAssertEqual(checksum(Array("123456789".utf8)[...]), 0xCBF4_3926)
        XCTAssertEqual(checksum([UInt8](repeating: 0, count: 4_096)[...]), zlibCRC([UInt8](repeating: 0, count: 4_096)[...]))
        XCTAssertEqual(checksum([UInt8](repeating: 0xFF, count: 333)[...]), zlibCRC([UInt8](repeating: 0xFF, count: 333)[...]))
    }

    func testPiecesFedInOrderGiveTheWholesCRC() {
        var generator = SystemRandomNumberGenerator()
        let data = (0..<20_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for _ in 0..<50 {
            var cuts = (0..<Int.random(in: 1...6, using: &generator)).map { _ in Int.random(in: 0...data.count, using: &generator) }
            cuts = ([0] + cuts + [data.count]).sorted()
            var c = FileChecksum()
            for (a, b) in zip(cuts, cuts.dropFirst()) { data[a..<b].withUnsafeBytes { c.update($0) } }
            XCTAssertEqual(c.value, zlibCRC(data[...]), "\(cuts)")
        }
    }
}
