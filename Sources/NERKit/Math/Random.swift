/// A small, fast, seedable generator (SplitMix64) so that a seed fixes every random choice:
/// initial weights, dropout masks and batch order are the same on every run and machine.
struct SeededRandom: RandomNumberGenerator, Sendable {
    var state: UInt64

    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    @inline(__always)
    mutating func uniform() -> Float {
        Float(next() >> 40) * (1.0 / Float(1 << 24))
    }

    /// Uniform in [-limit, limit).
    @inline(__always)
    mutating func uniform(_ limit: Float) -> Float {
        (uniform() * 2 - 1) * limit
    }

    /// A new generator whose stream is independent of this one's.
    mutating func split() -> SeededRandom { SeededRandom(seed: next()) }
}
