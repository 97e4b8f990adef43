/// Vectorised exp, sigmoid and tanh over contiguous Float buffers: the LSTM gates spend most of
/// their time here, and libm's scalar `expf`/`tanhf` cost several times more than these SIMD
/// versions. Accuracy is a few ulp (Cephes-style range reduction and a degree-6 polynomial).
package enum VectorMath {
    package typealias V = SIMD8<Float>

    @inline(__always)
    package static func exp(_ x: V) -> V {
        // exp(x) = 2^n · exp(r), n = round(x / ln 2), r = x − n ln 2 ∈ [−ln2/2, ln2/2].
        let lo = V(repeating: -87.3), hi = V(repeating: 88.3)
        var clamped = x.replacing(with: lo, where: x .< lo)
        clamped = clamped.replacing(with: hi, where: clamped .> hi)
        // Adding 1.5·2²³ rounds to an integer in the low mantissa bits (no generic conversions,
        // which the compiler would not vectorise).
        let magic = V(repeating: 12_582_912)
        let shifted = clamped * V(repeating: 1.442_695_04) + magic
        let n = shifted - magic
        var r = clamped - n * V(repeating: 0.693_359_375)
        r = r + n * V(repeating: 2.121_944_4e-4)
        let r2 = r * r
        var p = V(repeating: 1.987_569_15e-4)
        p = p * r + V(repeating: 1.398_199_95e-3)
        p = p * r + V(repeating: 8.333_451_9e-3)
        p = p * r + V(repeating: 4.166_579_6e-2)
        p = p * r + V(repeating: 1.666_666_55e-1)
        p = p * r + V(repeating: 5.000_000_1e-1)
        let e = p * r2 + r + V(repeating: 1)
        // Scale by 2^n through the exponent bits.
        let ni = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
        let bits = (ni &+ 127) &<< 23
        return e * unsafeBitCast(bits, to: V.self)
    }

    @inline(__always)
    package static func sigmoid(_ x: V) -> V {
        V(repeating: 1) / (V(repeating: 1) + exp(-x))
    }

    @inline(__always)
    package static func tanh(_ x: V) -> V {
        // tanh(x) = 1 − 2 / (exp(2x) + 1); exact at the extremes, a few ulp of 1 near 0.
        V(repeating: 1) - V(repeating: 2) / (exp(x + x) + V(repeating: 1))
    }

    @inline(__always)
    package static func sigmoid(_ x: Float) -> Float { sigmoid(V(repeating: x))[0] }

    @inline(__always)
    package static func tanh(_ x: Float) -> Float { tanh(V(repeating: x))[0] }

    /// p[i] = σ(p[i]) for i < n.
    @inline(__always)
    package static func sigmoidInPlace(_ p: UnsafeMutablePointer<Float>, _ n: Int) {
        apply(p, n, sigmoid)
    }

    /// p[i] = tanh(p[i]) for i < n.
    @inline(__always)
    package static func tanhInPlace(_ p: UnsafeMutablePointer<Float>, _ n: Int) {
        apply(p, n, tanh)
    }

    @inline(__always)
    static func apply(_ p: UnsafeMutablePointer<Float>, _ n: Int, _ f: (V) -> V) {
        var i = 0
        let raw = UnsafeMutableRawPointer(p)
        while i + 8 <= n {
            let v = raw.loadUnaligned(fromByteOffset: i * 4, as: V.self)
            raw.storeBytes(of: f(v), toByteOffset: i * 4, as: V.self)
            i += 8
        }
        if i < n {
            var v = V(repeating: 0)
            for j in 0..<(n - i) { v[j] = p[i + j] }
            let r = f(v)
            for j in 0..<(n - i) { p[i + j] = r[j] }
        }
    }
}
