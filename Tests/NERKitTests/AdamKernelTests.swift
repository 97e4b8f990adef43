import CKernels
import XCTest
@testable import NERKit

/// Adam's update in CKernels (`ner_adam_update`, as dispatched and on each of its portable, AVX2
/// and AVX-512 paths the CPU has) against the scalar loop `Optimizer` ran before it, bit for bit:
/// moving the update to C must not change what training computes.
final class AdamKernelTests: XCTestCase {
    /// The loop as Optimizer.update wrote it in Swift (no fused multiply-add: Swift does not
    /// contract).
    private func reference(_ w: inout [Float], _ g: [Float], _ m: inout [Float], _ v: inout [Float],
                           beta1 b1: Float, beta2 b2: Float, stepSize: Float, epsilon eps: Float) {
        for i in w.indices {
            m[i] = b1 * m[i] + (1 - b1) * g[i]
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
            w[i] -= stepSize * m[i] / (v[i].squareRoot() + eps)
        }
    }

    func testEveryPathGivesTheScalarLoopsBits() {
        var rng = SeededRandom(seed: 13)
        // Counts around the 8- and 16-lane blocks, and the default model's LSTM shapes.
        for n in [1, 7, 8, 15, 16, 17, 33, 800 * 88, 800 * 200 + 5] {
            for scale in [Float(1e-3), 1, 1e3] {
                let w0 = (0..<n).map { _ in rng.uniform(1) }
                let g = (0..<n).map { _ in rng.uniform(scale) }
                let m0 = (0..<n).map { _ in rng.uniform(scale) }
                let v0 = (0..<n).map { _ in abs(rng.uniform(scale * scale)) }
                let steps = Float(1 + n % 50)
                let stepSize = 0.001 * (1 - powf(0.999, steps)).squareRoot() / (1 - powf(0.9, steps))
                var w = w0, m = m0, v = v0
                reference(&w, g, &m, &v, beta1: 0.9, beta2: 0.999, stepSize: stepSize, epsilon: 1e-8)
                for path: Int32 in [-1, 0, 1, 2] {  // -1: as dispatched
                    var wk = w0, mk = m0, vk = v0
                    var taken = path
                    if path < 0 {
                        ner_adam_update(&wk, g, &mk, &vk, n, 0.9, 0.999, stepSize, 1e-8)
                    } else {
                        taken = ner_adam_update_on(path, &wk, g, &mk, &vk, n, 0.9, 0.999, stepSize, 1e-8)
                    }
                    if taken != path { continue }  // this CPU lacks the path
                    let label = "path \(path), n \(n), scale \(scale)"
                    XCTAssertEqual(wk.map(\.bitPattern), w.map(\.bitPattern), "\(label): weights")
                    XCTAssertEqual(mk.map(\.bitPattern), m.map(\.bitPattern), "\(label): first moments")
                    XCTAssertEqual(vk.map(\.bitPattern), v.map(\.bitPattern), "\(label): second moments")
                }
            }
        }
    }
}
