import CKernels
import XCTest
@testable import NERKit

/// The inference products (`RowsProduct`, C kernel): each row's result is the same bits whatever
/// rows are multiplied with it, and close to a double-precision reference.
final class RowsProductTests: XCTestCase {
    func testRowsAreTheSameBitsAloneAndInAnyBatch() {
        var rng = SeededRandom(seed: 5)
        // The default model's shapes (gates 800 of input 88 and hidden 200, 17 tags of 400, 30
        // filters of 90) and small ones whose column count is not a multiple of 16.
        for (n, k) in [(800, 200), (800, 88), (17, 400), (30, 90), (48, 12), (5, 3)] {
            let b = (0..<(n * k)).map { _ in rng.uniform(1) }
            let packed = PackedMatrix()
            b.withUnsafeBufferPointer { packed.pack(transposeOf: $0.baseAddress!, rows: k, columns: n) }
            for m in [1, 5, 6, 7, 17, 40] {
                let a = (0..<(m * k)).map { _ in rng.uniform(1) }
                var all = [Float](repeating: .nan, count: m * n)
                all.withUnsafeMutableBufferPointer { RowsProduct.multiply(m: m, a, packed, $0.baseAddress!) }
                for r in 0..<m {
                    var one = [Float](repeating: .nan, count: n)
                    Array(a[(r * k)..<((r + 1) * k)]).withUnsafeBufferPointer { ar in
                        one.withUnsafeMutableBufferPointer { RowsProduct.multiply(m: 1, ar.baseAddress!, packed, $0.baseAddress!) }
                    }
                    for j in 0..<n {
                        XCTAssertEqual(one[j].bitPattern, all[r * n + j].bitPattern, "n \(n) k \(k) m \(m): row \(r) column \(j)")
                        var reference = 0.0, magnitude = 0.0
                        for p in 0..<k {
                            reference += Double(a[r * k + p]) * Double(b[j * k + p])
                            magnitude += abs(Double(a[r * k + p]) * Double(b[j * k + p]))
                        }
                        // k roundings of a running sum: at most k ulps of the sum of magnitudes.
                        let bound = Double(k) * Double(Float.ulpOfOne) * max(magnitude, 1e-30)
                        XCTAssertLessThanOrEqual(abs(Double(all[r * n + j]) - reference), bound, "n \(n) k \(k) row \(r) column \(j)")
                    }
                }
            }
        }
    }

    /// The AVX-512 path (four strips of 16 columns by 4 rows, then the one-to-three strips left
    /// by up to 6 rows) gives the AVX2 path's bits, with and without accumulating, for shapes whose rows and
    /// strips do not divide evenly (60 columns: four strips, the last of 12 columns; 100: four
    /// strips, then three, the last of 4).
    func testTheAVX512PathGivesTheAVX2PathsBits() throws {
        var rng = SeededRandom(seed: 9)
        for (n, k) in [(800, 200), (17, 400), (30, 90), (48, 12), (5, 3), (64, 7), (60, 5), (100, 9)] {
            let b = (0..<(n * k)).map { _ in rng.uniform(1) }
            let packed = PackedMatrix()
            b.withUnsafeBufferPointer { packed.pack(transposeOf: $0.baseAddress!, rows: k, columns: n) }
            for m in [1, 3, 4, 5, 9, 64] {
                let a = (0..<(m * k)).map { _ in rng.uniform(1) }
                let start = (0..<(m * n)).map { _ in rng.uniform(1) }
                for accumulate: Int32 in [0, 1] {
                    var results: [[Float]] = []
                    for path: Int32 in [1, 2] {
                        var c = start
                        let taken = c.withUnsafeMutableBufferPointer { cp in
                            a.withUnsafeBufferPointer { ap in
                                ner_rows_product_on(path, m, n, k, ap.baseAddress!, k, packed.pointer, cp.baseAddress!, n, accumulate)
                            }
                        }
                        if taken != path { throw XCTSkip("this CPU has no \(path == 2 ? "AVX-512" : "AVX2")") }
                        results.append(c)
                    }
                    let differing = results[0].indices.first { results[0][$0].bitPattern != results[1][$0].bitPattern }
                    XCTAssertNil(differing, "n \(n) k \(k) m \(m) accumulate \(accumulate): element \(differing ?? -1) differs")
                }
            }
        }
    }

    func testAccumulateAddsToC() {
        let b: [Float] = [1, 2, 3, 4, 5, 6]  // B = [[1, 2, 3], [4, 5, 6]], k 2, n 3
        let packed = PackedMatrix()
        b.withUnsafeBufferPointer { packed.pack($0.baseAddress!, rows: 2, columns: 3) }
        let a: [Float] = [1, 1, 2, 0]
        var c: [Float] = [10, 20, 30, 40, 50, 60]
        c.withUnsafeMutableBufferPointer { RowsProduct.multiply(m: 2, a, packed, accumulate: true, $0.baseAddress!) }
        XCTAssertEqual(c, [15, 27, 39, 42, 54, 66])
        c.withUnsafeMutableBufferPointer { RowsProduct.multiply(m: 2, a, packed, $0.baseAddress!) }
        XCTAssertEqual(c, [5, 7, 9, 2, 4, 6])
    }
}
