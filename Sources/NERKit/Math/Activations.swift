import Foundation

/// Elementwise activations over contiguous buffers.
public enum Activations {
    @inline(__always)
    public static func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }

    @inline(__always)
    public static func tanh(_ x: Float) -> Float { tanhf(x) }

    /// log(Σ exp(x_i)) without overflow.
    @inline(__always)
    public static func logSumExp(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        var m = -Float.infinity
        for i in 0..<n where x[i] > m { m = x[i] }
        if m == -Float.infinity { return m }
        var s: Float = 0
        for i in 0..<n { s += expf(x[i] - m) }
        return m + logf(s)
    }
}
