import CKernels
import XCTest
@testable import NERKit

/// The bfloat16 recurrent product (`PackedBFloat16Matrix`, AVX512_BF16): each row's result is the
/// same bits whatever rows are multiplied with it, equals the float32-summed product of the
/// operands rounded to bfloat16, and is within bfloat16's rounding of the float32 product.
final class BFloat16ProductTests: XCTestCase {
    /// x rounded to bfloat16 (nearest, ties to even), as a Float.
    func bfloat16(_ x: Float) -> Float {
        let u = x.bitPattern
        return Float(bitPattern: (u &+ 0x7fff &+ ((u >> 16) & 1)) & 0xffff_0000)
    }

    func requireBFloat16() throws {
        if !InferencePrecision.cpuHasBFloat16 { throw XCTSkip("this CPU has no AVX512_BF16") }
    }

    func testRowsAreTheSameBitsAloneAndInAnyBatchAndCloseToTheReference() throws {
        try requireBFloat16()
        var rng = SeededRandom(seed: 11)
        // The default model's recurrent shape (200 → 800), an odd k, columns not a multiple of
        // 64 (four strips of 16) nor of 16.
        for (n, k) in [(800, 200), (800, 7), (70, 33), (17, 2), (5, 1)] {
            let b = (0..<(n * k)).map { _ in rng.uniform(1) }
            let packed = PackedBFloat16Matrix()
            b.withUnsafeBufferPointer { packed.pack(transposeOf: $0.baseAddress!, rows: k, columns: n) }
            for m in [1, 3, 4, 5, 9, 64] {
                let a = (0..<(m * k)).map { _ in rng.uniform(1) }
                var all = [Float](repeating: .nan, count: m * n)
                XCTAssertTrue(all.withUnsafeMutableBufferPointer { RowsProduct.multiply(m: m, a, packed, $0.baseAddress!) })
                for r in 0..<m {
                    var one = [Float](repeating: .nan, count: n)
                    Array(a[(r * k)..<((r + 1) * k)]).withUnsafeBufferPointer { ar in
                        _ = one.withUnsafeMutableBufferPointer { RowsProduct.multiply(m: 1, ar.baseAddress!, packed, $0.baseAddress!) }
                    }
                    for j in 0..<n {
                        let got = all[r * n + j]
                        XCTAssertEqual(one[j].bitPattern, got.bitPattern, "n \(n) k \(k) m \(m): row \(r) column \(j)")
                        var rounded = 0.0, exact = 0.0, magnitude = 0.0
                        for p in 0..<k {
                            let x = a[r * k + p], w = b[j * k + p]
                            rounded += Double(bfloat16(x)) * Double(bfloat16(w))
                            exact += Double(x) * Double(w)
                            magnitude += abs(Double(x) * Double(w))
                        }
                        let m = max(magnitude, 1e-30)
                        // The products of the rounded operands summed in float32: k roundings.
                        XCTAssertLessThanOrEqual(abs(Double(got) - rounded), Double(k) * Double(Float.ulpOfOne) * m,
                                                 "n \(n) k \(k) row \(r) column \(j): against the rounded operands")
                        // Each operand within 2⁻⁸ of itself (8 significant bits): a product within 2⁻⁷.
                        XCTAssertLessThanOrEqual(abs(Double(got) - exact), (0.0079 + Double(k) * Double(Float.ulpOfOne)) * m,
                                                 "n \(n) k \(k) row \(r) column \(j): against float32")
                    }
                }
            }
        }
    }

    func testAccumulateAddsToC() throws {
        try requireBFloat16()
        let t: [Float] = [1, 4, 2, 5, 3, 6]  // Bᵀ, B = [[1, 2, 3], [4, 5, 6]]: k 2, n 3
        let packed = PackedBFloat16Matrix()
        t.withUnsafeBufferPointer { packed.pack(transposeOf: $0.baseAddress!, rows: 2, columns: 3) }
        let a: [Float] = [1, 1, 2, 0]
        var c: [Float] = [10, 20, 30, 40, 50, 60]
        XCTAssertTrue(c.withUnsafeMutableBufferPointer { RowsProduct.multiply(m: 2, a, packed, accumulate: true, $0.baseAddress!) })
        XCTAssertEqual(c, [15, 27, 39, 42, 54, 66])
        XCTAssertTrue(c.withUnsafeMutableBufferPointer { RowsProduct.multiply(m: 2, a, packed, $0.baseAddress!) })
        XCTAssertEqual(c, [5, 7, 9, 2, 4, 6])
    }

    /// Each path (0 vdpbf16ps, 1 AMX tiles of 16 rows × 16 columns, k in tiles of 32 padded with
    /// zeros), with and without accumulating, gives each row the same bits alone as in the batch
    /// and is within k float32 roundings of the products of the bfloat16-rounded operands, for row
    /// counts that are not whole tiles (1, 15, 17, 33, 100: one to seven row tiles, the last
    /// partial), columns that are not whole strips and k that is not a whole tile (nor even). The
    /// two paths differ in the low bits (bench/kernels/semantics.c), so neither is compared
    /// with the other bit for bit.
    func testEachPathGivesEachRowTheSameBitsAloneAndInAnyBatchAndCloseToTheReference() throws {
        try requireBFloat16()
        var rng = SeededRandom(seed: 13)
        let paths: [Int32] = ner_has_amx() != 0 ? [0, 1] : [0]
        for (n, k) in [(800, 200), (70, 33), (17, 2), (130, 64), (48, 31)] {
            let b = (0..<(n * k)).map { _ in rng.uniform(1) }
            let packed = PackedBFloat16Matrix()
            b.withUnsafeBufferPointer { packed.pack(transposeOf: $0.baseAddress!, rows: k, columns: n) }
            for m in [1, 15, 17, 33, 100] {
                let a = (0..<(m * k)).map { _ in rng.uniform(1) }
                let start = (0..<(m * n)).map { _ in rng.uniform(1) }
                for path in paths {
                    for accumulate: Int32 in [0, 1] {
                        var all = start
                        let taken = packed.withPointer { bp in
                            all.withUnsafeMutableBufferPointer { cp in
                                a.withUnsafeBufferPointer { ner_rows_product_bf16_on(path, m, n, k, $0.baseAddress!, k, bp, cp.baseAddress!, n, accumulate) }
                            }
                        }
                        XCTAssertEqual(taken, path)
                        for r in [0, m / 2, m - 1] {
                            var one = Array(start[(r * n)..<((r + 1) * n)])
                            _ = packed.withPointer { bp in
                                one.withUnsafeMutableBufferPointer { cp in
                                    Array(a[(r * k)..<((r + 1) * k)]).withUnsafeBufferPointer {
                                        ner_rows_product_bf16_on(path, 1, n, k, $0.baseAddress!, k, bp, cp.baseAddress!, n, accumulate)
                                    }
                                }
                            }
                            for j in 0..<n {
                                let got = all[r * n + j]
                                XCTAssertEqual(one[j].bitPattern, got.bitPattern, "path \(path) n \(n) k \(k) m \(m) accumulate \(accumulate): row \(r) column \(j)")
                                var rounded = accumulate != 0 ? Double(start[r * n + j]) : 0, magnitude = abs(rounded)
                                for p in 0..<k {
                                    let product = Double(bfloat16(a[r * k + p])) * Double(bfloat16(b[j * k + p]))
                                    rounded += product
                                    magnitude += abs(product)
                                }
                                XCTAssertLessThanOrEqual(abs(Double(got) - rounded), Double(k + 1) * Double(Float.ulpOfOne) * max(magnitude, 1e-30),
                                                         "path \(path) n \(n) k \(k) m \(m) accumulate \(accumulate): row \(r) column \(j)")
                            }
                        }
                    }
                }
            }
        }
    }
}
