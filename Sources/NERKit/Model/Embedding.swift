import CKernels

/// A lookup table: row `id` of `table` is the vector of item `id`. Gradients go only to the rows
/// a batch used (the table is a sparse parameter).
final class Embedding {
    let table: Parameter
    var dimension: Int { table.shape[1] }
    var count: Int { table.shape[0] }

    init(name: String, count: Int, dimension: Int) {
        table = Parameter(name, shape: [count, dimension], sparseRows: true)
    }

    func initialize(_ rng: inout SeededRandom, limit: Float? = nil) {
        table.initUniform(limit ?? (3 / Float(dimension)).squareRoot(), &rng)
    }

    /// Copies the vector of `ids[r]` into row r of `out` (row stride `stride`, starting at
    /// column `offset`); ids below 0 give a zero vector (padding).
    @inline(__always)
    func gather(_ ids: UnsafePointer<Int32>, count n: Int, into out: UnsafeMutablePointer<Float>, stride: Int, offset: Int = 0) {
        for r in 0..<n { copyRow(ids[r], into: out + r * stride + offset) }
    }

    /// Writes the vector of `id` to `dst`, zeros for a negative id (padding).
    @inline(__always)
    func copyRow(_ id: Int32, into dst: UnsafeMutablePointer<Float>) {
        if id < 0 { dst.update(repeating: 0, count: dimension) }
        else if let halfRows { ner_floats_from_halves(halfRows + Int(id) * dimension, dst, dimension) }
        else { dst.update(from: table.value + Int(id) * dimension, count: dimension) }
    }

    /// The table in half precision, once `keepRowsInHalfPrecision` made it.
    private var halfRows: UnsafeMutablePointer<UInt16>?

    deinit { halfRows?.deallocate() }

    /// For a table that will only be read from now on (a model loaded for tagging) and whose every
    /// value is a half-precision number (`ModelFile.save` stores word vectors so with
    /// `halfEmbeddings`, as the default model's are): keeps the rows as halves and gives the
    /// float32 table's memory back. The same values in half the bytes: 9.6 MB less for the
    /// default model's 96,450 × 50 table. Returns false, changing nothing, when some value is not
    /// exactly a half.
    @discardableResult
    func keepRowsInHalfPrecision() -> Bool {
        if halfRows != nil { return true }
        let n = table.count
        let rows = UnsafeMutablePointer<UInt16>.allocate(capacity: max(n, 1))
        guard ner_halves_from_floats(table.value, rows, n) != 0 else {
            rows.deallocate()
            return false
        }
        halfRows = rows
        table.discardValueMemory()
        return true
    }

    /// Whether the rows are kept in half precision (`keepRowsInHalfPrecision`).
    var keepsRowsInHalfPrecision: Bool { halfRows != nil }

    /// Adds row r of `dOut` (columns offset ..< offset+d) to the gradient of `ids[r]`.
    @inline(__always)
    func scatter(_ ids: UnsafePointer<Int32>, count n: Int, from dOut: UnsafePointer<Float>, stride: Int, offset: Int = 0) {
        let d = dimension
        if table.frozen { return }
        precondition(halfRows == nil, "\(table.name): a table kept in half precision is only read")
        for r in 0..<n {
            let id = ids[r]
            if id < 0 { continue }
            table.touch(id)
            let g = table.grad + Int(id) * d, src = dOut + r * stride + offset
            for j in 0..<d { g[j] += src[j] }
        }
    }
}
