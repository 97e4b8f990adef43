import Foundation

/// Two LSTMs over the same sequences, one left to right and one right to left, their states
/// concatenated per position: [h→(t), h←(t)]. The backward LSTM reads each sequence reversed
/// within its own length, so both directions run on the same packed layout; the two directions
/// are independent and run on two threads when `parallel` is set.
final class BiLSTM {
    let forwardLSTM: LSTMLayer
    let backwardLSTM: LSTMLayer?
    var hiddenSize: Int { forwardLSTM.hiddenSize }
    var outputSize: Int { hiddenSize * (backwardLSTM == nil ? 1 : 2) }
    var parallel = false

    let output = FloatBuffer()        // [rows × outputSize]
    private let reversedInput = FloatBuffer()
    private let dForward = FloatBuffer()
    private let dBackward = FloatBuffer()
    private let dReversedInput = FloatBuffer()
    private var layout = SequenceLayout(lengths: [])
    private var reverseMap: [Int32] = []

    /// `bidirectional: false` keeps only the left-to-right LSTM (for the ablation that shows
    /// what the backward pass buys).
    init(name: String, inputSize: Int, hiddenSize: Int, bidirectional: Bool = true) {
        forwardLSTM = LSTMLayer(name: "\(name).forward", inputSize: inputSize, hiddenSize: hiddenSize)
        backwardLSTM = bidirectional ? LSTMLayer(name: "\(name).backward", inputSize: inputSize, hiddenSize: hiddenSize) : nil
    }

    var parameters: [Parameter] { forwardLSTM.parameters + (backwardLSTM?.parameters ?? []) }

    func initialize(_ rng: inout SeededRandom) {
        forwardLSTM.initialize(&rng)
        backwardLSTM?.initialize(&rng)
    }

    @discardableResult
    func forward(_ x: UnsafePointer<Float>, layout: SequenceLayout) -> UnsafeMutablePointer<Float> {
        self.layout = layout
        let D = forwardLSTM.inputSize, H = hiddenSize, O = outputSize, rows = layout.rows
        let out = output.reserve(rows * O)
        guard let bwd = backwardLSTM else {
            let hf = forwardLSTM.forward(x, layout: layout)
            out.update(from: hf, count: rows * H)
            return out
        }
        reverseMap = layout.reversedRows()
        let xr = reversedInput.reserve(rows * D)
        for r in 0..<rows {
            let src = reverseMap[r]
            if src >= 0 { (xr + r * D).update(from: x + Int(src) * D, count: D) }
            else { (xr + r * D).update(repeating: 0, count: D) }
        }
        let xrConst = UnsafePointer(xr)
        runBoth({ self.forwardLSTM.forward(x, layout: layout) }, { bwd.forward(xrConst, layout: layout) })
        let hf = forwardLSTM.output.pointer, hb = bwd.output.pointer
        for r in 0..<rows { (out + r * O).update(from: hf + r * H, count: H) }
        // Row r of the reversed layout holds the backward state of its mirrored position;
        // padding rows of the reversed layout are padding rows of the original too.
        for r in 0..<rows {
            let src = reverseMap[r]
            if src >= 0 { (out + Int(src) * O + H).update(from: hb + r * H, count: H) }
            else { (out + r * O + H).update(repeating: 0, count: H) }
        }
        return out
    }

    /// Back-propagates `dOutput` ([rows × outputSize]) and writes the input gradient into `dInput`
    /// (overwriting it), if given.
    func backward(_ dOutput: UnsafePointer<Float>, dInput: UnsafeMutablePointer<Float>?) {
        let D = forwardLSTM.inputSize, H = hiddenSize, O = outputSize, rows = layout.rows
        let df = dForward.reserve(rows * H)
        for r in 0..<rows { (df + r * H).update(from: dOutput + r * O, count: H) }
        guard let bwd = backwardLSTM else {
            forwardLSTM.backward(df, dInput: dInput)
            return
        }
        let db = dBackward.zeroed(rows * H)
        for r in 0..<rows {
            let src = reverseMap[r]
            if src >= 0 { (db + r * H).update(from: dOutput + Int(src) * O + H, count: H) }
        }
        let dxr: UnsafeMutablePointer<Float>? = dInput == nil ? nil : dReversedInput.reserve(rows * D)
        runBoth({ self.forwardLSTM.backward(df, dInput: dInput) }, { bwd.backward(db, dInput: dxr) })
        if let dInput, let dxr {
            for r in 0..<rows {
                let src = reverseMap[r]
                if src < 0 { continue }
                let d = dInput + Int(src) * D, s = dxr + r * D
                for j in 0..<D { d[j] += s[j] }
            }
        }
    }

    /// See `LSTMLayer.recurrentPrecision`.
    var recurrentPrecision: InferencePrecision {
        get { forwardLSTM.recurrentPrecision }
        set {
            forwardLSTM.recurrentPrecision = newValue
            backwardLSTM?.recurrentPrecision = newValue
        }
    }

    /// See `LSTMLayer.prepareForInference`.
    func prepareForInference() {
        forwardLSTM.prepareForInference()
        backwardLSTM?.prepareForInference()
    }

    /// The forward pass for tagging only (see `LSTMLayer.infer`): both directions read `x`
    /// directly and write their halves of `output`; nothing is kept for `backward`. Same
    /// numbers as `forward` in every live row; padding rows are not written.
    @discardableResult
    func infer(_ x: UnsafePointer<Float>, layout: SequenceLayout) -> UnsafeMutablePointer<Float> {
        inferBoth(layout, { lstm, reversed, out, stride in lstm.infer(x, layout: layout, reversed: reversed, into: out, outStride: stride) })
    }

    /// `infer` with each direction's input projection given per row (see
    /// `LSTMLayer.infer(projectedRows:…)`); `backward` is ignored without a backward LSTM.
    @discardableResult
    func infer(projectedForward forward: UnsafePointer<UnsafePointer<Float>>,
                      projectedBackward backward: UnsafePointer<UnsafePointer<Float>>,
                      layout: SequenceLayout) -> UnsafeMutablePointer<Float> {
        inferBoth(layout, { lstm, reversed, out, stride in
            lstm.infer(projectedRows: reversed ? backward : forward, layout: layout, reversed: reversed, into: out, outStride: stride)
        })
    }

    private func inferBoth(_ layout: SequenceLayout,
                           _ run: @escaping (LSTMLayer, Bool, UnsafeMutablePointer<Float>, Int) -> Void) -> UnsafeMutablePointer<Float> {
        let H = hiddenSize, O = outputSize, rows = layout.rows
        let out = output.reserve(rows * O)
        if let bwd = backwardLSTM {
            let a = { run(self.forwardLSTM, false, out, O) }
            let b = { run(bwd, true, out + H, O) }
            // A thread hand-off costs microseconds: not worth it for a sentence of a few words.
            if rows >= parallelInferenceMinimumRows { runBoth(a, b) } else { a(); b() }
        } else {
            run(forwardLSTM, false, out, O)
        }
        // Padding rows keep whatever they held (`forward` zeroes them; inference does not): no
        // reader of an inference pass uses them, and batches of whole documents pad every
        // sentence to the longest, where zeroing them was 3-4% of tagging's CPU.
        return out
    }

    /// Both directions' input projections x·Wxᵀ of `rows` rows of x (see
    /// `LSTMLayer.inputProjection`), the forward one into `forward`, the backward one into
    /// `backward` (not written without a backward LSTM): on two threads, as `infer`, from
    /// `parallelInferenceMinimumRows` rows on.
    func inputProjections(_ x: UnsafePointer<Float>, rows: Int, forward: UnsafeMutablePointer<Float>,
                                  backward: UnsafeMutablePointer<Float>) {
        guard let bwd = backwardLSTM else {
            forwardLSTM.inputProjection(x, rows: rows, into: forward)
            return
        }
        let a = { self.forwardLSTM.inputProjection(x, rows: rows, into: forward) }
        let b = { bwd.inputProjection(x, rows: rows, into: backward) }
        if rows >= parallelInferenceMinimumRows { runBoth(a, b) } else { a(); b() }
    }

    /// With `parallel`, `infer` runs the two directions on two threads from this many rows
    /// (positions, padding included) of a batch on. 8 rather than 64, so that one sentence
    /// alone is tagged on both cores too: `ner bench`'s latency of one CoNLL-2003 test sentence
    /// (default model, idle Zen 4) went from p50 0.17 / p90 0.57 / p99 0.83 ms to 0.15 / 0.36 /
    /// 0.52 ms; from 2 rows on it measured the same as from 8.
    var parallelInferenceMinimumRows = 8

    /// The two directions' work, handed to two threads. Unchecked: each closure reads the shared
    /// inputs and writes only its own direction's buffers and columns, and `concurrentPerform`
    /// returns only when both have finished.
    private struct DirectionPair: @unchecked Sendable {
        let a: () -> Void, b: () -> Void
    }

    private func runBoth(_ a: () -> Void, _ b: () -> Void) {
        if parallel {
            withoutActuallyEscaping(a) { a in
                withoutActuallyEscaping(b) { b in
                    let pair = DirectionPair(a: a, b: b)
                    DispatchQueue.concurrentPerform(iterations: 2) { i in
                        if i == 0 { pair.a() } else { pair.b() }
                    }
                }
            }
        } else {
            a()
            b()
        }
    }
}
