import CKernels

/// A matrix B[k×n] laid out for `RowsProduct` (strips of 16 columns, k × 16 floats each): packed
/// once, multiplied by many row blocks.
final class PackedMatrix {
    private let storage = FloatBuffer()
    private(set) var rows = 0, columns = 0

    /// Packs B[k×n], row-major with rows `ldb` apart (default n).
    func pack(_ b: UnsafePointer<Float>, rows k: Int, columns n: Int, ldb: Int? = nil) {
        let p = storage.reserve(max(1, ner_packed_floats(k, n)))
        ner_pack(k, n, b, ldb ?? n, 1, p)
        rows = k; columns = n
    }

    /// Packs B = Tᵀ, given T[n×k] row-major with rows `ldt` apart (default k): a weight matrix
    /// stored output-major, as the layers keep them.
    func pack(transposeOf t: UnsafePointer<Float>, rows k: Int, columns n: Int, ldt: Int? = nil) {
        let p = storage.reserve(max(1, ner_packed_floats(k, n)))
        ner_pack(k, n, t, 1, ldt ?? k, p)
        rows = k; columns = n
    }

    var pointer: UnsafePointer<Float> { UnsafePointer(storage.pointer) }
}

/// A matrix B[k×n] in bfloat16 for `RowsProduct` (`InferencePrecision.bfloat16`): packed once
/// from float32 weights, multiplied by many row blocks.
final class PackedBFloat16Matrix {
    private var storage: [UInt16] = []
    private(set) var rows = 0, columns = 0

    /// Packs B = Tᵀ, given T[n×k] row-major (a weight matrix stored output-major).
    func pack(transposeOf t: UnsafePointer<Float>, rows k: Int, columns n: Int) {
        storage = [UInt16](repeating: 0, count: max(1, ner_packed_bf16_halves(k, n)))
        storage.withUnsafeMutableBufferPointer { ner_pack_bf16(k, n, t, 1, k, $0.baseAddress!) }
        rows = k; columns = n
    }

    /// Drops the packed values (the matrix then has no columns).
    func clear() {
        storage = []
        rows = 0; columns = 0
    }

    func withPointer<R>(_ body: (UnsafePointer<UInt16>) -> R) -> R {
        storage.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

/// The matrix products of inference: C[m×n] = A[m×k] · B with B packed (`PackedMatrix`, k×n), C
/// overwritten or, with `accumulate`, added to.
///
/// Not OpenBLAS: OpenBLAS picks its kernel, and with it the order in which a dot product's terms
/// are summed, by the shape of the product and a row's position in it, so a sentence's scores
/// changed in the last bit with the sentences batched beside it, and `ner tag` over a file split
/// in parts (GNU parallel, Spark) did not write the bytes of one run over the whole file. The C
/// kernel (`CKernels`, AVX2 and FMA chosen at run time) computes every row with the same
/// instructions in the same order, and reads weights packed once instead of repacking them on
/// every call.
enum RowsProduct {
    static func multiply(m: Int, _ a: UnsafePointer<Float>, lda: Int? = nil, _ b: PackedMatrix,
                         accumulate: Bool = false, _ c: UnsafeMutablePointer<Float>, ldc: Int? = nil) {
        if m == 0 || b.columns == 0 { return }
        ner_rows_product(m, b.columns, b.rows, a, lda ?? b.rows, b.pointer, c, ldc ?? b.columns, accumulate ? 1 : 0)
    }

    /// C = A · B in bfloat16 (see `PackedBFloat16Matrix`); false, with C untouched, when the CPU
    /// lacks AVX512_BF16.
    static func multiply(m: Int, _ a: UnsafePointer<Float>, lda: Int? = nil, _ b: PackedBFloat16Matrix,
                         accumulate: Bool = false, _ c: UnsafeMutablePointer<Float>, ldc: Int? = nil) -> Bool {
        if m == 0 || b.columns == 0 { return true }
        return b.withPointer {
            ner_rows_product_bf16(m, b.columns, b.rows, a, lda ?? b.rows, $0, c, ldc ?? b.columns, accumulate ? 1 : 0) != 0
        }
    }
}
