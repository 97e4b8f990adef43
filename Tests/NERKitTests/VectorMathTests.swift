import Foundation
import XCTest
@testable import NERKit

final class VectorMathTests: XCTestCase {
    func testMatchesLibmAcrossTheRange() {
        var worstExp: Float = 0, worstSig: Float = 0, worstTanh: Float = 0
        var x: Float = -30
        while x <= 30 {
            let e = VectorMath.exp(VectorMath.V(repeating: x))[0]
            if x < 80 { worstExp = max(worstExp, abs(e - expf(x)) / expf(x)) }
            worstSig = max(worstSig, abs(VectorMath.sigmoid(x) - 1 / (1 + expf(-x))))
            worstTanh = max(worstTanh, abs(VectorMath.tanh(x) - tanhf(x)))
            x += 0.0137
        }
        XCTAssertLessThan(worstExp, 1e-6)
        XCTAssertLessThan(worstSig, 1e-6)
        XCTAssertLessThan(worstTanh, 1e-6)
    }

    func testSaturatesWithoutNaN() {
        for x: Float in [-1000, -100, -88, 88, 100, 1000] {
            XCTAssertFalse(VectorMath.sigmoid(x).isNaN)
            XCTAssertEqual(VectorMath.tanh(x), x > 0 ? 1 : -1, accuracy: 1e-6)
        }
        XCTAssertEqual(VectorMath.sigmoid(-1000), 0, accuracy: 1e-30)
    }

    func testInPlaceHandlesTails() {
        var v: [Float] = (0..<13).map { Float($0) * 0.5 - 3 }
        let expected = v.map { tanhf($0) }
        v.withUnsafeMutableBufferPointer { VectorMath.tanhInPlace($0.baseAddress!, 13) }
        for (a, b) in zip(v, expected) { XCTAssertEqual(a, b, accuracy: 1e-6) }
    }
}
