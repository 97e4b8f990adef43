import Foundation

/// The layout every recurrent layer works on: `steps` time steps of `batch` sequences, row
/// `t * batch + b` holding sequence b at time t. Sequences are sorted longest first, so at step
/// t the live sequences are exactly rows `0 ..< active[t]` of that step (the "packed" layout of
/// cuDNN and PyTorch): one GEMM per step, no masks.
public struct SequenceLayout: Equatable {
    public let steps: Int
    public let batch: Int
    public let lengths: [Int]
    /// active[t] = number of sequences longer than t (non-increasing in t).
    public let active: [Int]

    public init(lengths: [Int]) {
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

    public var rows: Int { steps * batch }

    /// For each row of the time-reversed layout, the row of the original it reads
    /// (sequence b reversed within its own length), or -1 for padding.
    public func reversedRows() -> [Int32] {
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
public final class LSTMLayer {
    public let inputSize: Int
    public let hiddenSize: Int
    public let wx: Parameter   // [4H × D]
    public let wh: Parameter   // [4H × H]
    public let bias: Parameter // [4H]

    // Activations of the last forward pass.
    private let gates = FloatBuffer()   // [rows × 4H]: σ(i), σ(f), tanh(g), σ(o)
    private let cells = FloatBuffer()   // [rows × H]
    private let tanhCells = FloatBuffer()
    public let output = FloatBuffer()   // [rows × H]
    private let dGates = FloatBuffer()
    private let dhNext = FloatBuffer()
    private let dcNext = FloatBuffer()
    private var layout = SequenceLayout(lengths: [])
    private var input: UnsafePointer<Float>? = nil

    public init(name: String, inputSize: Int, hiddenSize: Int) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        wx = Parameter("\(name).wx", shape: [4 * hiddenSize, inputSize])
        wh = Parameter("\(name).wh", shape: [4 * hiddenSize, hiddenSize])
        bias = Parameter("\(name).bias", shape: [4 * hiddenSize])
    }

    public var parameters: [Parameter] { [wx, wh, bias] }

    /// Uniform ±1/√H as in the common LSTM implementations; forget-gate bias 1 so that the
    /// cell remembers by default early in training.
    public func initialize(_ rng: inout SeededRandom) {
        let limit = 1 / Float(hiddenSize).squareRoot()
        wx.initUniform(limit, &rng)
        wh.initUniform(limit, &rng)
        bias.fill(0)
        for j in hiddenSize..<(2 * hiddenSize) { bias.value[j] = 1 }
    }

    /// Runs the layer over `x` ([layout.rows × inputSize], padding rows may hold anything
    /// finite). The input must stay valid until `backward`. Returns `output` ([rows × H]; padding rows zero).
    @discardableResult
    public func forward(_ x: UnsafePointer<Float>, layout: SequenceLayout) -> UnsafeMutablePointer<Float> {
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
        for t in 0..<layout.steps {
            let n = layout.active[t]
            let zt = z + t * B * G
            if t > 0 {
                BLAS.gemm(transB: true, m: n, n: G, k: H, h + (t - 1) * B * H, wh.value, beta: 1, zt)
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
    public func backward(_ dOutput: UnsafeMutablePointer<Float>, dInput: UnsafeMutablePointer<Float>?, accumulate: Bool = false) {
        let H = hiddenSize, G = 4 * H, B = layout.batch, rows = layout.rows
        guard rows > 0, let x = input else { return }
        let z = gates.pointer, c = cells.pointer, tc = tanhCells.pointer, h = output.pointer
        let dz = dGates.zeroed(rows * G)
        let dh = dhNext.zeroed(B * H)
        let dc = dcNext.zeroed(B * H)
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
                BLAS.gemm(m: n, n: H, k: G, dz + t * B * G, wh.value, beta: 0, dh)
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
    /// z holds pre-activations [i f g o]; they are replaced by activations.
    @inline(__always)
    static func forwardCell(_ z: UnsafeMutablePointer<Float>, _ cPrev: UnsafeMutablePointer<Float>?,
                            _ c: UnsafeMutablePointer<Float>, _ tc: UnsafeMutablePointer<Float>,
                            _ h: UnsafeMutablePointer<Float>, _ H: Int) {
        VectorMath.sigmoidInPlace(z, 2 * H)
        VectorMath.tanhInPlace(z + 2 * H, H)
        VectorMath.sigmoidInPlace(z + 3 * H, H)
        let i = z, f = z + H, g = z + 2 * H, o = z + 3 * H
        if let cPrev {
            for j in 0..<H { c[j] = f[j] * cPrev[j] + i[j] * g[j] }
        } else {
            for j in 0..<H { c[j] = i[j] * g[j] }
        }
        tc.update(from: c, count: H)
        VectorMath.tanhInPlace(tc, H)
        for j in 0..<H { h[j] = o[j] * tc[j] }
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
