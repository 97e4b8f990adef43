import Foundation
import CKernels

/// The layout every recurrent layer works on: `steps` time steps of `batch` sequences, row
/// `t * batch + b` holding sequence b at time t. Sequences are sorted longest first, so at step
/// t the live sequences are exactly rows `0 ..< active[t]` of that step (the "packed" layout of
/// cuDNN and PyTorch): one GEMM per step, no masks.
struct SequenceLayout: Equatable {
    let steps: Int
    let batch: Int
    let lengths: [Int]
    /// active[t] = number of sequences longer than t (non-increasing in t).
    let active: [Int]

    init(lengths: [Int]) {
        precondition(zip(lengths, lengths.dropFirst()).allSatisfy { $0 >= $1 }, "lengths must be sorted longest first")
        self.lengths = lengths
        batch = lengths.count
        steps = lengths.first ?? 0
        var act = [Int](repeating: 0, count: steps)
        for t in 0..<steps {
            var n = 0
            while n < batch && lengths[n] > t { n += 1 }
            act[t] = n
        }
        active = act
    }

    var rows: Int { steps * batch }

    /// For each row of the time-reversed layout, the row of the original it reads
    /// (sequence b reversed within its own length), or -1 for padding.
    func reversedRows() -> [Int32] {
        var map = [Int32](repeating: -1, count: rows)
        for b in 0..<batch {
            let n = lengths[b]
            for t in 0..<n { map[t * batch + b] = Int32((n - 1 - t) * batch + b) }
        }
        return map
    }
}

/// One direction of an LSTM (Hochreiter and Schmidhuber; the formulation with a forget gate):
///   z = Wx·x(t) + Wh·h(t-1) + b, split into gates i, f, candidate g, o
///   c(t) = σ(f)·c(t-1) + σ(i)·tanh(g),  h(t) = σ(o)·tanh(c(t))
/// `forward` keeps the activations it needs in its own buffers; `backward` consumes them. The
/// input projection of all steps is one GEMM, the recurrent product one GEMM per step, and the
/// weight gradients one GEMM each over the whole batch.
final class LSTMLayer {
    let inputSize: Int
    let hiddenSize: Int
    let wx: Parameter   // [4H × D]
    let wh: Parameter   // [4H × H]
    let bias: Parameter // [4H]

    // Activations of the last forward pass.
    private let gates = FloatBuffer()   // [rows × 4H]: σ(i), σ(f), tanh(g), σ(o)
    private let cells = FloatBuffer()   // [rows × H]
    private let tanhCells = FloatBuffer()
    let output = FloatBuffer()   // [rows × H]
    private let dGates = FloatBuffer()
    private let dhNext = FloatBuffer()
    private let dcNext = FloatBuffer()
    private var layout = SequenceLayout(lengths: [])
    private var input: UnsafePointer<Float>? = nil
    // Inference only (`infer`): the recurrent products of one step and the running states.
    private let inferRecurrent = FloatBuffer()  // [batch × 4H]
    private let inferHidden = FloatBuffer()     // [batch × Hp]
    private let inferCell = FloatBuffer()       // [batch × Hp], Hp = H rounded up to 8
    private let inferGates = FloatBuffer()      // [4 × Hp] one step's gates
    /// Wxᵀ [D × 4H] and Whᵀ [H × 4H] packed for `RowsProduct`, so no product of a recurrent
    /// step repacks them. Kept from `prepareForInference()`, else rebuilt per call.
    private let inferWx = PackedMatrix()
    private let inferWh = PackedMatrix()
    /// Whᵀ in bfloat16, packed when `recurrentPrecision` is effectively bfloat16.
    private let inferWhBFloat16 = PackedBFloat16Matrix()
    private var inferWeightsReady = false
    /// The arithmetic of `infer`'s recurrent products (training always runs in float32).
    var recurrentPrecision = InferencePrecision.float32 {
        didSet { if recurrentPrecision != oldValue { inferWeightsReady = false } }
    }
    private var inferRows: [UnsafePointer<Float>] = []  // row → its input projection
    /// Training's per-step products: Whᵀ [H × 4H] for the forward pass and Wh [4H × H] for the
    /// backward pass, packed once per pass (OpenBLAS packed the weights again at every step).
    private let stepWh = PackedMatrix()
    private let stepWhBack = PackedMatrix()

    init(name: String, inputSize: Int, hiddenSize: Int) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        wx = Parameter("\(name).wx", shape: [4 * hiddenSize, inputSize])
        wh = Parameter("\(name).wh", shape: [4 * hiddenSize, hiddenSize])
        bias = Parameter("\(name).bias", shape: [4 * hiddenSize])
    }

    var parameters: [Parameter] { [wx, wh, bias] }

    /// Uniform ±1/√H as in the common LSTM implementations; forget-gate bias 1 so that the
    /// cell remembers by default early in training.
    func initialize(_ rng: inout SeededRandom) {
        let limit = 1 / Float(hiddenSize).squareRoot()
        wx.initUniform(limit, &rng)
        wh.initUniform(limit, &rng)
        bias.fill(0)
        for j in hiddenSize..<(2 * hiddenSize) { bias.value[j] = 1 }
    }

    /// Runs the layer over `x` ([layout.rows × inputSize], padding rows may hold anything
    /// finite). The input must stay valid until `backward`. Returns `output` ([rows × H]; padding rows zero).
    @discardableResult
    func forward(_ x: UnsafePointer<Float>, layout: SequenceLayout) -> UnsafeMutablePointer<Float> {
        self.layout = layout
        self.input = x
        let H = hiddenSize, G = 4 * H, B = layout.batch, rows = layout.rows
        let z = gates.reserve(rows * G)
        let c = cells.zeroed(rows * H)
        let tc = tanhCells.zeroed(rows * H)
        let h = output.zeroed(rows * H)
        if rows == 0 { return h }
        // Input projection for every step at once: z = x·Wxᵀ + b.
        for r in 0..<rows { (z + r * G).update(from: bias.value, count: G) }
        BLAS.gemm(transB: true, m: rows, n: G, k: inputSize, x, wx.value, beta: 1, z)
        if layout.steps > 1 { stepWh.pack(transposeOf: wh.value, rows: H, columns: G) }
        for t in 0..<layout.steps {
            let n = layout.active[t]
            let zt = z + t * B * G
            if t > 0 {
                RowsProduct.multiply(m: n, h + (t - 1) * B * H, stepWh, accumulate: true, zt)
            }
            for b in 0..<n {
                let zr = zt + b * G
                let cPrev: UnsafeMutablePointer<Float>? = t > 0 ? c + ((t - 1) * B + b) * H : nil
                let cr = c + (t * B + b) * H, tcr = tc + (t * B + b) * H, hr = h + (t * B + b) * H
                LSTMKernels.forwardCell(zr, cPrev, cr, tcr, hr, H)
            }
        }
        return h
    }

    /// Back-propagates `dOutput` ([rows × H], overwritten) through the last forward pass.
    /// Adds the weight gradients into the parameters and writes (or adds, when `accumulate`)
    /// the input gradient into `dInput` ([rows × inputSize]) when it is given.
    func backward(_ dOutput: UnsafeMutablePointer<Float>, dInput: UnsafeMutablePointer<Float>?, accumulate: Bool = false) {
        let H = hiddenSize, G = 4 * H, B = layout.batch, rows = layout.rows
        guard rows > 0, let x = input else { return }
        let z = gates.pointer, c = cells.pointer, tc = tanhCells.pointer, h = output.pointer
        let dz = dGates.zeroed(rows * G)
        let dh = dhNext.zeroed(B * H)
        let dc = dcNext.zeroed(B * H)
        if layout.steps > 1 { stepWhBack.pack(wh.value, rows: G, columns: H) }
        for t in stride(from: layout.steps - 1, through: 0, by: -1) {
            let n = layout.active[t]
            for b in 0..<n {
                let row = t * B + b
                let cPrev: UnsafeMutablePointer<Float>? = t > 0 ? c + ((t - 1) * B + b) * H : nil
                LSTMKernels.backwardCell(
                    z + row * G, cPrev, tc + row * H,
                    dOutput + row * H, dh + b * H, dc + b * H, dz + row * G, H)
            }
            if t > 0 {
                // dh(t-1) = dz(t)·Wh for the live rows; rows ≥ n stay zero.
                RowsProduct.multiply(m: n, dz + t * B * G, stepWhBack, dh)
            }
        }
        // Weight gradients over all steps at once.
        BLAS.gemm(transA: true, m: G, n: inputSize, k: rows, dz, x, beta: 1, wx.grad)
        if layout.steps > 1 {
            BLAS.gemm(transA: true, m: G, n: H, k: rows - B, dz + B * G, h, beta: 1, wh.grad)
        }
        for r in 0..<rows {
            let d = dz + r * G
            for j in 0..<G { bias.grad[j] += d[j] }
        }
        if let dInput {
            BLAS.gemm(m: rows, n: inputSize, k: G, dz, wx.value, beta: accumulate ? 1 : 0, dInput)
        }
    }
}

/// The elementwise part of an LSTM step, one sequence at a time over contiguous gate rows.
enum LSTMKernels {
    /// z holds pre-activations [i f g o]; they are replaced by activations (CKernels' lstm_cell.c,
    /// whose inference step gives the same bits).
    @inline(__always)
    static func forwardCell(_ z: UnsafeMutablePointer<Float>, _ cPrev: UnsafeMutablePointer<Float>?,
                            _ c: UnsafeMutablePointer<Float>, _ tc: UnsafeMutablePointer<Float>,
                            _ h: UnsafeMutablePointer<Float>, _ H: Int) {
        ner_lstm_forward_cell(z, cPrev, c, tc, h, H)
    }

    /// dhRec/dcRec carry the gradient from step t+1 in and out (to step t-1).
    @inline(__always)
    static func backwardCell(_ a: UnsafeMutablePointer<Float>, _ cPrev: UnsafeMutablePointer<Float>?,
                             _ tc: UnsafeMutablePointer<Float>, _ dOut: UnsafeMutablePointer<Float>,
                             _ dhRec: UnsafeMutablePointer<Float>, _ dcRec: UnsafeMutablePointer<Float>,
                             _ dz: UnsafeMutablePointer<Float>, _ H: Int) {
        let ai = a, af = a + H, ag = a + 2 * H, ao = a + 3 * H
        let di = dz, df = dz + H, dg = dz + 2 * H, dO = dz + 3 * H
        for j in 0..<H {
            let dh = dOut[j] + dhRec[j]
            let i = ai[j], f = af[j], g = ag[j], o = ao[j], t = tc[j]
            let dc = dh * o * (1 - t * t) + dcRec[j]
            dO[j] = dh * t * o * (1 - o)
            di[j] = dc * g * i * (1 - i)
            dg[j] = dc * i * (1 - g * g)
            df[j] = dc * (cPrev?[j] ?? 0) * f * (1 - f)
            dcRec[j] = dc * f
        }
    }
}

// MARK: Inference

extension LSTMLayer {
    /// Keeps transposed copies of the weights for `infer`, which otherwise transposes them on
    /// every call. Call when the weights are final (a loaded model); after any change to the
    /// weights call it again or `discardInferenceWeights()`.
    func prepareForInference() {
        packWeights()
        inferWeightsReady = true
    }

    /// Makes `infer` read the current weights again (after training changed them).
    func discardInferenceWeights() { inferWeightsReady = false }

    private func packWeights() {
        let G = 4 * hiddenSize
        inferWx.pack(transposeOf: wx.value, rows: inputSize, columns: G)
        inferWh.pack(transposeOf: wh.value, rows: hiddenSize, columns: G)
        if recurrentPrecision.effective == .bfloat16 {
            inferWhBFloat16.pack(transposeOf: wh.value, rows: hiddenSize, columns: G)
        } else {
            inferWhBFloat16.clear()
        }
    }

    /// The forward pass for tagging only: keeps no activations for `backward`, only the running
    /// state of each sequence, and writes each step's hidden state straight to its place in
    /// `out` (row r at `out + r * outStride`). With `reversed` each sequence is read right to
    /// left within its own length (row (n−1−t)·B + b at step t), so the backward direction of a
    /// BiLSTM needs no reversed copy of its input. Padding rows of `out` are not written.
    /// Gives the same numbers as `forward` up to float rounding: (x·Wxᵀ + b) + h·Whᵀ is summed
    /// in the same order and the gates use the same functions, but the input projection is
    /// `RowsProduct`'s (each row the same bits in any batch) where `forward`'s is OpenBLAS's.
    func infer(_ x: UnsafePointer<Float>, layout: SequenceLayout, reversed: Bool,
                      into out: UnsafeMutablePointer<Float>, outStride: Int) {
        let G = 4 * hiddenSize, rows = layout.rows
        if rows == 0 { return }
        // Input projection for every step at once (bias added in the cell kernel). Reuses the
        // training gate buffer: inference and training never interleave within a pass.
        let zx = gates.reserve(rows * G)
        inputProjection(x, rows: rows, into: zx)
        inferRows.removeAll(keepingCapacity: true)
        for r in 0..<rows { inferRows.append(UnsafePointer(zx + r * G)) }
        inferRows.withUnsafeBufferPointer {
            infer(projectedRows: $0.baseAddress!, layout: layout, reversed: reversed, into: out, outStride: outStride)
        }
    }

    /// x·Wxᵀ for `rows` rows of x ([rows × inputSize]) into `out` ([rows × 4H]), without the
    /// bias: the part of the gates `infer(projectedRows:…)` takes precomputed.
    func inputProjection(_ x: UnsafePointer<Float>, rows: Int, into out: UnsafeMutablePointer<Float>) {
        if !inferWeightsReady { packWeights() }
        RowsProduct.multiply(m: rows, x, inferWx, out)
    }

    /// `infer` with the input projection given: `zx[r]` points to row r's x·Wxᵀ (4H floats, as
    /// `inputProjection` computes them; padding rows are not read). Lets a tagger reuse the
    /// projections of words it has seen instead of multiplying them again.
    func infer(projectedRows zx: UnsafePointer<UnsafePointer<Float>>, layout: SequenceLayout, reversed: Bool,
                      into out: UnsafeMutablePointer<Float>, outStride: Int) {
        let H = hiddenSize, G = 4 * H, B = layout.batch, rows = layout.rows
        if rows == 0 { return }
        // Gate blocks and states padded to whole SIMD vectors, so the activations run without
        // scalar tails; the padding lanes stay finite and are never read back.
        let Hp = (H + 7) / 8 * 8
        if !inferWeightsReady { packWeights() }
        let rec = inferRecurrent.reserve(B * G)
        let h = inferHidden.zeroed(B * Hp)
        let c = inferCell.zeroed(B * Hp)
        let z = inferGates.zeroed(4 * Hp)
        let lengths = layout.lengths
        let bfloat16 = inferWhBFloat16.columns > 0
        for t in 0..<layout.steps {
            let n = layout.active[t]
            if t > 0 && !(bfloat16 && RowsProduct.multiply(m: n, h, lda: Hp, inferWhBFloat16, rec)) {
                RowsProduct.multiply(m: n, h, lda: Hp, inferWh, rec)
            }
            // The same bits as `forward` then `LSTMKernels.forwardCell` (CKernels' lstm_cell.c),
            // two rows a call (faster on AVX-512, the same bits as one by one).
            @inline(__always) func rowOf(_ b: Int) -> Int { reversed ? (lengths[b] - 1 - t) * B + b : t * B + b }
            var b = 0
            while b < n {
                let row = rowOf(b)
                let recB = t > 0 ? UnsafePointer(rec + b * G) : nil
                // The next pair's input projections are scattered (a tagger's spelling cache holds
                // 24 MB of them): asked for now, they arrive while this pair's step runs. All of
                // CoNLL-2003 on an AMD Zen 5: 0.88 s → 0.83 s wall; no change on its AVX2 path.
                if b + 3 < n {
                    for q in (b + 2)...(b + 3) { ner_prefetch_span(zx[rowOf(q)], G * MemoryLayout<Float>.size) }
                }
                if b + 1 < n {
                    let next = rowOf(b + 1)
                    ner_lstm_infer_cell_pair(zx[row], zx[next], recB, bias.value, z, c + b * Hp, h + b * Hp,
                                             out + row * outStride, out + next * outStride, H, Hp)
                    b += 2
                } else {
                    ner_lstm_infer_cell(zx[row], recB, bias.value, z, c + b * Hp, h + b * Hp, out + row * outStride, H, Hp)
                    b += 1
                }
            }
        }
    }
}
