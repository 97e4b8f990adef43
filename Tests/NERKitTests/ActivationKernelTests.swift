import CKernels
import Foundation
import XCTest

/// The gate activations of CKernels against libm: exp within a few ulp, σ and tanh within 1e-6
/// (tanh near 0 is computed as 1 − 2/(e^2x + 1), accurate in absolute, not relative, terms).
final class ActivationKernelTests: XCTestCase {
    private func applied(_ f: (UnsafeMutablePointer<Float>, Int) -> Void, _ xs: [Float]) -> [Float] {
        var v = xs
        v.withUnsafeMutableBufferPointer { f($0.baseAddress!, $0.count) }
        return v
    }

    /// Distance in units in the last place of `expected`.
    private func ulps(_ value: Float, _ expected: Float) -> Float { abs(value - expected) / expected.ulp }

    func testExpIsWithinFourUlpsOfLibm() {
        let xs = stride(from: Float(-87), through: 88, by: 0.0137).map { $0 }
        let got = applied(ner_exp, xs)
        let worst = zip(got, xs).map { ulps($0, expf($1)) }.max()!
        XCTAssertLessThanOrEqual(worst, 4, "worst exp error in ulps")
        XCTAssertGreaterThan(xs.count, 10_000)
    }

    func testSigmoidAndTanhMatchLibm() {
        let xs = stride(from: Float(-30), through: 30, by: 0.0137).map { $0 }
        let sig = applied(ner_sigmoid, xs), th = applied(ner_tanh, xs)
        XCTAssertLessThan(zip(sig, xs).map { abs($0 - 1 / (1 + expf(-$1))) }.max()!, 1e-6)
        XCTAssertLessThan(zip(th, xs).map { abs($0 - tanhf($1)) }.max()!, 1e-6)
    }

    func testSaturatesWithoutNaN() {
        let xs: [Float] = [-1000, -100, -88, 88, 100, 1000, .greatestFiniteMagnitude, -.greatestFiniteMagnitude]
        let sig = applied(ner_sigmoid, xs), th = applied(ner_tanh, xs)
        for (k, x) in xs.enumerated() {
            XCTAssertFalse(sig[k].isNaN, "σ(\(x))")
            XCTAssertEqual(th[k], x > 0 ? 1 : -1, accuracy: 1e-6, "tanh(\(x))")
        }
        XCTAssertEqual(sig[0], 0, accuracy: 1e-30)
    }

    /// Lengths that are not multiples of 8 go through the scalar lane for their tail, with the
    /// same bits as the vector lanes: a value comes out the same wherever it sits.
    func testTailsGiveTheSameBitsAsVectorLanes() {
        let xs = (0..<13).map { Float($0) * 0.37 - 2.4 }
        for f in [ner_exp, ner_sigmoid, ner_tanh] {
            let all = applied(f, xs)
            for k in xs.indices {
                XCTAssertEqual(applied(f, [xs[k]])[0].bitPattern, all[k].bitPattern, "element \(k)")
            }
        }
    }
}
