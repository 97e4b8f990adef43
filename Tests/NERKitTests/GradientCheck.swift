import XCTest
@testable import NERKit

/// Compares analytic gradients with central finite differences in Float32.
/// `run` must zero nothing itself: it computes the loss and adds gradients into the parameters.
func checkGradients(_ name: String, parameters: [Parameter], samplesPerParameter: Int = 12,
                    eps: Float = 5e-3, relTol: Float = 3e-2, absTol: Float = 2e-3,
                    file: StaticString = #filePath, line: UInt = #line,
                    run: () -> Float) {
    for p in parameters { p.grad.update(repeating: 0, count: p.count) }
    _ = run()
    let analytic = parameters.map { Array(UnsafeBufferPointer(start: $0.grad, count: $0.count)) }
    var rng = SeededRandom(seed: 99)
    var checked = 0
    for (pi, p) in parameters.enumerated() {
        var indices = Set<Int>()
        // Prefer entries with a non-zero gradient, so the check is not vacuous, plus random ones.
        let nonzero = (0..<p.count).filter { abs(analytic[pi][$0]) > 1e-6 }
        for _ in 0..<samplesPerParameter {
            if !nonzero.isEmpty { indices.insert(nonzero[Int(rng.next() % UInt64(nonzero.count))]) }
            indices.insert(Int(rng.next() % UInt64(p.count)))
        }
        for i in indices.sorted() {
            let old = p.value[i]
            p.value[i] = old + eps
            let up = run()
            p.value[i] = old - eps
            let down = run()
            p.value[i] = old
            let numeric = (up - down) / (2 * eps)
            let a = analytic[pi][i]
            let tol = absTol + relTol * max(abs(a), abs(numeric))
            XCTAssert(abs(a - numeric) <= tol,
                      "\(name): \(p.name)[\(i)] analytic \(a) vs numeric \(numeric)", file: file, line: line)
            checked += 1
        }
        XCTAssert(nonzero.count > 0 || p.count == 0 || p.name.contains("crf"), "\(name): \(p.name) has an all-zero gradient", file: file, line: line)
    }
    XCTAssertGreaterThan(checked, 0, file: file, line: line)
}

/// Σ weight·output: a loss whose gradient with respect to the output is `weights` itself.
func weightedSum(_ out: UnsafePointer<Float>, _ weights: [Float]) -> Float {
    var s: Float = 0
    for i in 0..<weights.count { s += out[i] * weights[i] }
    return s
}

func randomArray(_ n: Int, _ rng: inout SeededRandom, scale: Float = 1) -> [Float] {
    (0..<n).map { _ in rng.uniform(scale) }
}
