/// Step counters stored in checkpoint tensors, which hold Float32 values: a Float32 is exact only
/// up to 2^24 (16.7 million steps), so each counter is stored as two values, its high and its
/// low 24 bits, both exact. Checkpoints written before this held one value per counter, which
/// `decode` still reads.
enum StepCounterEncoding {
    static func encode(_ values: [Int]) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(2 * values.count)
        for v in values {
            out.append(Float(v >> 24))
            out.append(Float(v & 0xFF_FFFF))
        }
        return out
    }

    /// The `count` counters in `stored`, in either layout; nil when the size fits neither or a
    /// value is not a whole non-negative number.
    static func decode(_ stored: [Float], count: Int) -> [Int]? {
        guard stored.allSatisfy({ $0 >= 0 && $0 < 16_777_216 && $0.rounded() == $0 }) else { return nil }
        if stored.count == 2 * count {
            return (0..<count).map { Int(stored[2 * $0]) << 24 | Int(stored[2 * $0 + 1]) }
        }
        if stored.count == count { return stored.map { Int($0) } }
        return nil
    }
}
