import Foundation

/// A trainable tensor with its gradient. Embedding tables are `sparseRows`: a batch touches a
/// few hundred of their rows, so the backward pass records which rows it wrote and the optimiser
/// updates only those instead of sweeping the whole table.
package final class Parameter {
    let name: String
    let shape: [Int]
    package let count: Int
    let value: UnsafeMutablePointer<Float>
    let grad: UnsafeMutablePointer<Float>
    let sparseRows: Bool
    /// When frozen the optimiser leaves the value alone (e.g. fixed pretrained vectors).
    var frozen = false
    /// Rows with a gradient in the current batch (sparse parameters only).
    package private(set) var touchedRows: [Int32] = []
    private var touchedMark: [Bool]

    var rowSize: Int { shape.count > 1 ? shape[1...].reduce(1, *) : 1 }
    var rows: Int { shape.first ?? 1 }

    init(_ name: String, shape: [Int], sparseRows: Bool = false) {
        self.name = name
        self.shape = shape
        self.count = shape.reduce(1, *)
        self.sparseRows = sparseRows
        value = Self.zeroedFloats(count)
        grad = Self.zeroedFloats(count)
        touchedMark = sparseRows ? [Bool](repeating: false, count: shape.first ?? 0) : []
    }

    deinit {
        free(value)
        free(grad)
    }

    /// `count` zero floats from calloc, which maps large blocks as zero pages that take no memory
    /// until written: a model loaded for tagging never writes its gradients, and writing zeros
    /// into them made every tagger carry them (the embedding table's alone is 19 MB for the
    /// default model; a one-sentence `ner tag` peaked at 97 MB with them).
    private static func zeroedFloats(_ count: Int) -> UnsafeMutablePointer<Float> {
        guard let raw = calloc(max(count, 1), MemoryLayout<Float>.size) else {
            fatalError("out of memory allocating \(count) floats")
        }
        return raw.assumingMemoryBound(to: Float.self)
    }

    /// Marks a row of a sparse parameter as having a gradient in this batch.
    @inline(__always)
    func touch(_ row: Int32) {
        if !touchedMark[Int(row)] {
            touchedMark[Int(row)] = true
            touchedRows.append(row)
        }
    }

    func zeroGrad() {
        if sparseRows {
            let r = rowSize
            for row in touchedRows {
                (grad + Int(row) * r).update(repeating: 0, count: r)
                touchedMark[Int(row)] = false
            }
            touchedRows.removeAll(keepingCapacity: true)
        } else {
            grad.update(repeating: 0, count: count)
        }
    }

    /// Fills the value uniformly in [-limit, limit).
    func initUniform(_ limit: Float, _ rng: inout SeededRandom) {
        for i in 0..<count { value[i] = rng.uniform(limit) }
    }

    func fill(_ x: Float) { value.update(repeating: x, count: count) }

    var values: [Float] {
        precondition(!valuesDiscarded, "parameter \(name): its values were handed to a compact copy")
        return Array(UnsafeBufferPointer(start: value, count: count))
    }

    /// Set by `discardValueMemory()`: `value` then reads as zeros.
    package private(set) var valuesDiscarded = false

    /// Gives the memory of `value` back to the system (its pages read as zeros afterwards), for a
    /// table whose values a compact copy now serves (`Embedding.keepRowsInHalfPrecision`). The
    /// pointer stays valid; `values` refuses to read it from then on.
    func discardValueMemory() {
        let page = max(Int(sysconf(Int32(_SC_PAGESIZE))), 1)
        let start = (Int(bitPattern: value) + page - 1) / page * page
        let end = Int(bitPattern: value + count) / page * page
        if end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) {
            _ = madvise(pointer, end - start, MADV_DONTNEED)
        }
        valuesDiscarded = true
    }

    func setValues(_ v: [Float]) {
        precondition(v.count == count, "parameter \(name): \(v.count) values for \(count)")
        v.withUnsafeBufferPointer { value.update(from: $0.baseAddress!, count: count) }
    }

    /// Σ grad² over the parts of the gradient that may be non-zero.
    func gradSquaredNorm() -> Double {
        var s: Double = 0
        if sparseRows {
            let r = rowSize
            for row in touchedRows {
                let g = grad + Int(row) * r
                for i in 0..<r { s += Double(g[i] * g[i]) }
            }
        } else {
            for i in 0..<count { s += Double(grad[i] * grad[i]) }
        }
        return s
    }

    func scaleGrad(_ f: Float) {
        if sparseRows {
            let r = rowSize
            for row in touchedRows {
                let g = grad + Int(row) * r
                for i in 0..<r { g[i] *= f }
            }
        } else {
            for i in 0..<count { grad[i] *= f }
        }
    }
}
