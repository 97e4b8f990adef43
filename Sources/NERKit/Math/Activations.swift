import Foundation

/// Scalar helpers for the output layers (the LSTM gates use CKernels' vector activations).
enum Activations {
    /// log(Σ exp(x_i)) without overflow.
    @inline(__always)
    static func logSumExp(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var m = -Float.infinity
        for i in 0..<n where x[i] > m { m = x[i] }
        if m == -Float.infinity { return m }
        var s: Float = 0
        for i in 0..<n { s += expf(x[i] - m) }
        return m + logf(s)
    }
}
