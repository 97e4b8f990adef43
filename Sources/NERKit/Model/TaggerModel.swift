import Foundation

/// The BiLSTM tagger: [word embedding | casing embedding | character encoding] per token →
/// dropout → BiLSTM (→ dropout → BiLSTM …) → dropout → linear layer to tag scores → CRF (or
/// per-token softmax).
/// `loss` runs the forward and backward passes of a batch; `predict` only the forward pass.
public final class TaggerModel {
    public let config: ModelConfig
    public let encoder: FeatureEncoder
    public let wordEmbedding: Embedding
    public let casingEmbedding: Embedding?
    public let charEncoder: CharEncoder?
    /// The stacked BiLSTM layers; `bilstm` is the last.
    public let lstmLayers: [BiLSTM]
    public var bilstm: BiLSTM { lstmLayers[lstmLayers.count - 1] }
    public let outWeight: Parameter   // [K × O]
    public let outBias: Parameter     // [K]
    public let crf: CRF?

    public var tagCount: Int { encoder.tags.count }
    public var inputSize: Int { wordEmbedding.dimension + (casingEmbedding?.dimension ?? 0) + (charEncoder?.outputSize ?? 0) }

    private let x = FloatBuffer(), xMask = FloatBuffer(), dx = FloatBuffer()
    private let hidden = FloatBuffer(), hMask = FloatBuffer(), dHidden = FloatBuffer()
    /// Between stacked layers: the dropped-out input of layer l+1, its mask and gradient.
    private var between: [(x: FloatBuffer, mask: FloatBuffer, dx: FloatBuffer)] = []
    private let emissions = FloatBuffer(), dEmissions = FloatBuffer()
    private let dChars = FloatBuffer()

    public init(config: ModelConfig, encoder: FeatureEncoder) {
        self.config = config
        self.encoder = encoder
        wordEmbedding = Embedding(name: "word.embedding", count: encoder.words.count, dimension: config.wordDim)
        casingEmbedding = config.casingDim > 0 ? Embedding(name: "casing.embedding", count: Casing.allCases.count, dimension: config.casingDim) : nil
        switch config.charEncoder {
        case .cnn: charEncoder = CharCNN(charCount: encoder.chars.count, charDim: config.charDim, filters: config.charHidden)
        case .lstm: charEncoder = CharBiLSTM(charCount: encoder.chars.count, charDim: config.charDim, hidden: config.charHidden)
        case .none: charEncoder = nil
        }
        let d = config.wordDim + config.casingDim + (charEncoder?.outputSize ?? 0)
        var layers = [BiLSTM(name: "lstm", inputSize: d, hiddenSize: config.hidden, bidirectional: config.bidirectional)]
        for l in 1..<max(config.layers, 1) {
            layers.append(BiLSTM(name: "lstm\(l + 1)", inputSize: layers[l - 1].outputSize, hiddenSize: config.hidden, bidirectional: config.bidirectional))
            between.append((FloatBuffer(), FloatBuffer(), FloatBuffer()))
        }
        lstmLayers = layers
        let K = encoder.tags.count
        outWeight = Parameter("output.weight", shape: [K, layers[layers.count - 1].outputSize])
        outBias = Parameter("output.bias", shape: [K])
        crf = config.crf ? CRF(tags: encoder.tags.items) : nil
    }

    public var parameters: [Parameter] {
        var p = [wordEmbedding.table]
        if let c = casingEmbedding { p.append(c.table) }
        if let c = charEncoder { p += c.parameters }
        for l in lstmLayers { p += l.parameters }
        p += [outWeight, outBias]
        if let crf { p += crf.parameters }
        return p
    }

    public func initialize(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        wordEmbedding.initialize(&rng)
        casingEmbedding?.initialize(&rng)
        charEncoder?.initialize(&rng)
        for l in lstmLayers { l.initialize(&rng) }
        let K = outWeight.shape[0], O = outWeight.shape[1]
        outWeight.initUniform((6 / Float(K + O)).squareRoot(), &rng)
        outBias.fill(0)
        crf?.initialize()
    }

    /// Use two threads for the two LSTM directions.
    public var parallel: Bool {
        get { bilstm.parallel }
        set { for l in lstmLayers { l.parallel = newValue } }
    }

    // MARK: Forward

    /// Builds the BiLSTM input for a batch; with `dropout` the masks are drawn from `rng`.
    private func embed(_ batch: Batch, dropout: Float, rng: inout SeededRandom) -> UnsafeMutablePointer<Float> {
        let rows = batch.layout.rows, D = inputSize
        let xp = x.reserve(rows * D)
        batch.words.withUnsafeBufferPointer { wordEmbedding.gather($0.baseAddress!, count: rows, into: xp, stride: D) }
        var offset = wordEmbedding.dimension
        if let c = casingEmbedding {
            batch.casings.withUnsafeBufferPointer { c.gather($0.baseAddress!, count: rows, into: xp, stride: D, offset: offset) }
            offset += c.dimension
        }
        if let ce = charEncoder {
            let out = ce.forward(batch.uniqueChars)
            let C = ce.outputSize
            for r in 0..<rows {
                let u = batch.uniqueIndex[r], dst = xp + r * D + offset
                if u < 0 { dst.update(repeating: 0, count: C) } else { dst.update(from: out + Int(u) * C, count: C) }
            }
        }
        if dropout > 0 { applyDropout(xp, rows: rows, width: D, batch: batch.layout.batch, mask: xMask, p: dropout, rng: &rng) }
        return xp
    }

    /// Inverted dropout on a [rows × width] buffer in the packed layout. With variational dropout
    /// the mask is drawn per sentence (row t·B + b uses sentence b's mask).
    private func applyDropout(_ v: UnsafeMutablePointer<Float>, rows: Int, width: Int, batch: Int, mask: FloatBuffer, p: Float, rng: inout SeededRandom) {
        let n = rows * width
        let m = mask.reserve(n)
        let keep = 1 / (1 - p)
        if config.variationalDropout && batch > 0 {
            let perSentence = batch * width
            for i in 0..<min(perSentence, n) { m[i] = rng.uniform() < p ? 0 : keep }
            var i = perSentence
            while i < n { m[i] = m[i % perSentence]; i += 1 }
        } else {
            for i in 0..<n { m[i] = rng.uniform() < p ? 0 : keep }
        }
        for i in 0..<n { v[i] *= m[i] }
    }

    /// Tag scores for every row of the batch ([rows × K]).
    private func scores(_ batch: Batch, dropout: Float, rng: inout SeededRandom) -> UnsafeMutablePointer<Float> {
        let rows = batch.layout.rows, O = bilstm.outputSize, K = tagCount
        let xp = embed(batch, dropout: dropout, rng: &rng)
        var h = lstmLayers[0].forward(xp, layout: batch.layout)
        for l in 1..<lstmLayers.count {
            let width = lstmLayers[l - 1].outputSize
            let xl = between[l - 1].x.reserve(rows * width)
            xl.update(from: h, count: rows * width)
            if dropout > 0 { applyDropout(xl, rows: rows, width: width, batch: batch.layout.batch, mask: between[l - 1].mask, p: dropout, rng: &rng) }
            h = lstmLayers[l].forward(xl, layout: batch.layout)
        }
        let hd = hidden.reserve(rows * O)
        hd.update(from: h, count: rows * O)
        if dropout > 0 { applyDropout(hd, rows: rows, width: O, batch: batch.layout.batch, mask: hMask, p: dropout, rng: &rng) }
        let e = emissions.reserve(rows * K)
        for r in 0..<rows { (e + r * K).update(from: outBias.value, count: K) }
        BLAS.gemm(transB: true, m: rows, n: K, k: O, hd, outWeight.value, beta: 1, e)
        return e
    }

    /// Precomputes what `predict` derives from the weights (transposed LSTM weights), for a
    /// model whose weights no longer change, such as one loaded for tagging. Without it
    /// `predict` derives them on every call. Call again after changing the weights.
    public func prepareForInference() {
        for l in lstmLayers { l.prepareForInference() }
    }

    /// `embed` without dropout, with the character vectors given: row `batch.uniqueIndex[r]`
    /// of `charVectors` for row r (see `Batch(surfaceRowsOf:indices:)`).
    private func inferEmbed(_ batch: Batch, charVectors: UnsafePointer<Float>) -> UnsafeMutablePointer<Float> {
        let rows = batch.layout.rows, D = inputSize
        let xp = x.reserve(rows * D)
        batch.words.withUnsafeBufferPointer { wordEmbedding.gather($0.baseAddress!, count: rows, into: xp, stride: D) }
        var offset = wordEmbedding.dimension
        if let c = casingEmbedding {
            batch.casings.withUnsafeBufferPointer { c.gather($0.baseAddress!, count: rows, into: xp, stride: D, offset: offset) }
            offset += c.dimension
        }
        if let ce = charEncoder {
            let C = ce.outputSize
            for r in 0..<rows {
                let u = batch.uniqueIndex[r], dst = xp + r * D + offset
                if u < 0 { dst.update(repeating: 0, count: C) } else { dst.update(from: charVectors + Int(u) * C, count: C) }
            }
        }
        return xp
    }

    /// `scores` without dropout for tagging: the BiLSTM layers run their inference pass (no
    /// activations kept for backward) and the output layer reads the last layer's states in
    /// place. Same numbers as `scores(batch, dropout: 0, …)`.
    private func inferScores(_ batch: Batch, charVectors: UnsafePointer<Float>? = nil) -> UnsafeMutablePointer<Float> {
        let rows = batch.layout.rows, O = bilstm.outputSize, K = tagCount
        let xp: UnsafeMutablePointer<Float>
        if let charVectors {
            xp = inferEmbed(batch, charVectors: charVectors)
        } else {
            var rng = SeededRandom(seed: 0)
            xp = embed(batch, dropout: 0, rng: &rng)
        }
        var h = lstmLayers[0].infer(xp, layout: batch.layout)
        for l in 1..<lstmLayers.count { h = lstmLayers[l].infer(h, layout: batch.layout) }
        let e = emissions.reserve(rows * K)
        for r in 0..<rows { (e + r * K).update(from: outBias.value, count: K) }
        BLAS.gemm(transB: true, m: rows, n: K, k: O, h, outWeight.value, beta: 1, e)
        return e
    }

    // MARK: Training

    /// Forward and backward pass over a batch with gold tags. Adds the gradients of the mean
    /// loss over the batch's sentences to the parameters and returns the summed loss.
    @discardableResult
    public func loss(_ batch: Batch, dropout: Float? = nil, rng: inout SeededRandom) -> Float {
        let p = dropout ?? config.dropout
        let rows = batch.layout.rows, B = batch.layout.batch, K = tagCount, O = bilstm.outputSize, D = inputSize
        let e = scores(batch, dropout: p, rng: &rng)
        let de = dEmissions.zeroed(rows * K)
        let scale = 1 / Float(max(B, 1))
        var total: Float = 0
        for b in 0..<B {
            let n = batch.layout.lengths[b], gold = batch.tags[b]
            precondition(gold.count == n, "batch sentence without gold tags")
            if let crf {
                total += crf.loss(emissions: e + b * K, count: n, stride: B * K, gold: gold, dEmissions: de + b * K, scale: scale)
            } else {
                total += Self.softmaxLoss(e + b * K, n, stride: B * K, gold: gold, K: K, dE: de + b * K, scale: scale)
            }
        }
        // Output layer.
        let hd = hidden.pointer
        BLAS.gemm(transA: true, m: K, n: O, k: rows, de, hd, beta: 1, outWeight.grad)
        for r in 0..<rows { let d = de + r * K; for k in 0..<K { outBias.grad[k] += d[k] } }
        let dh = dHidden.reserve(rows * O)
        BLAS.gemm(m: rows, n: O, k: K, de, outWeight.value, beta: 0, dh)
        if p > 0 { let m = hMask.pointer; for i in 0..<(rows * O) { dh[i] *= m[i] } }
        // BiLSTM and embeddings.
        let dxp = dx.reserve(rows * D)
        var dUpper = UnsafePointer(dh)
        for l in stride(from: lstmLayers.count - 1, to: 0, by: -1) {
            let width = lstmLayers[l - 1].outputSize
            let dxl = between[l - 1].dx.reserve(rows * width)
            lstmLayers[l].backward(dUpper, dInput: dxl)
            if p > 0 { let m = between[l - 1].mask.pointer; for i in 0..<(rows * width) { dxl[i] *= m[i] } }
            dUpper = UnsafePointer(dxl)
        }
        lstmLayers[0].backward(dUpper, dInput: dxp)
        if p > 0 { let m = xMask.pointer; for i in 0..<(rows * D) { dxp[i] *= m[i] } }
        batch.words.withUnsafeBufferPointer { wordEmbedding.scatter($0.baseAddress!, count: rows, from: dxp, stride: D) }
        var offset = wordEmbedding.dimension
        if let c = casingEmbedding {
            batch.casings.withUnsafeBufferPointer { c.scatter($0.baseAddress!, count: rows, from: dxp, stride: D, offset: offset) }
            offset += c.dimension
        }
        if let ce = charEncoder {
            let C = ce.outputSize, U = batch.uniqueChars.count
            let dc = dChars.zeroed(U * C)
            for r in 0..<rows {
                let u = batch.uniqueIndex[r]
                if u < 0 { continue }
                let dst = dc + Int(u) * C, src = dxp + r * D + offset
                for j in 0..<C { dst[j] += src[j] }
            }
            ce.backward(dc)
        }
        return total
    }

    static func softmaxLoss(_ e: UnsafePointer<Float>, _ n: Int, stride: Int, gold: [Int32], K: Int,
                            dE: UnsafeMutablePointer<Float>, scale: Float) -> Float {
        var total: Float = 0
        for t in 0..<n {
            let row = e + t * stride, d = dE + t * stride
            let lse = Activations.logSumExp(row, K)
            for k in 0..<K { d[k] = scale * expf(row[k] - lse) }
            let g = Int(gold[t])
            d[g] -= scale
            total += lse - row[g]
        }
        return total
    }

    // MARK: Inference

    /// The best tag ids for each sentence of the batch, in the batch's column order, with the
    /// emission scores kept for `spanProbabilities`.
    public func predict(_ batch: Batch) -> [[Int32]] {
        decode(batch, inferScores(batch))
    }

    /// `predict` with the character encoder's output precomputed: row `batch.uniqueIndex[r]` of
    /// `charVectors` ([spellings × charEncoder.outputSize]) is the vector of row r's spelling,
    /// as `charEncoder.forward` gives it. Lets a tagger encode each spelling once, not once
    /// per batch. Ignored without a character encoder.
    public func predict(_ batch: Batch, charVectors: UnsafePointer<Float>) -> [[Int32]] {
        decode(batch, inferScores(batch, charVectors: charVectors))
    }

    private func decode(_ batch: Batch, _ e: UnsafeMutablePointer<Float>) -> [[Int32]] {
        let B = batch.layout.batch, K = tagCount
        var out: [[Int32]] = []
        out.reserveCapacity(B)
        for b in 0..<B {
            let n = batch.layout.lengths[b]
            if let crf {
                out.append(crf.decode(emissions: e + b * K, count: n, stride: B * K))
            } else {
                var path = [Int32](repeating: 0, count: n)
                for t in 0..<n {
                    let row = e + b * K + t * B * K
                    var best = 0
                    for k in 1..<K where row[k] > row[best] { best = k }
                    path[t] = Int32(best)
                }
                out.append(path)
            }
        }
        return out
    }

    /// The emissions of the training path's forward pass without dropout, the reference the
    /// inference path (`predict`) is tested against.
    func trainingPathEmissions(_ batch: Batch) -> [Float] {
        var rng = SeededRandom(seed: 0)
        let e = scores(batch, dropout: 0, rng: &rng)
        return Array(UnsafeBufferPointer(start: e, count: batch.layout.rows * tagCount))
    }

    /// The emissions of the last `predict`.
    func lastEmissions(_ batch: Batch) -> [Float] {
        Array(UnsafeBufferPointer(start: emissions.pointer, count: batch.layout.rows * tagCount))
    }

    /// After `predict`: the probability of each span (token range) of column `b` carrying the
    /// predicted tags, from the CRF's forward-backward scores (or the product of the softmax
    /// probabilities without a CRF).
    public func spanProbabilities(_ batch: Batch, column b: Int, path: [Int32], spans: [(Int, Int)]) -> [Double] {
        let B = batch.layout.batch, K = tagCount, n = batch.layout.lengths[b]
        let e = emissions.pointer + b * K
        if let crf { return crf.spanProbabilities(emissions: e, count: n, stride: B * K, path: path, spans: spans) }
        return spans.map { (from, to) in
            var logp: Float = 0
            for t in from..<to {
                let row = e + t * B * K
                logp += row[Int(path[t])] - Activations.logSumExp(row, K)
            }
            return Double(expf(logp))
        }
    }
}

extension TaggerModel {
    /// Predicts tag ids for many sentences, batching them by length internally; the result
    /// follows the input order.
    public func predictAll(_ sentences: [EncodedSentence], surfaces: SurfaceTable, batchSize: Int = 64) -> [[Int32]] {
        var result = [[Int32]](repeating: [], count: sentences.count)
        let order = sentences.indices.sorted { sentences[$0].count > sentences[$1].count }
        var i = 0
        while i < order.count {
            let chunk = Array(order[i..<min(i + batchSize, order.count)])
            let nonEmpty = chunk.filter { sentences[$0].count > 0 }
            if !nonEmpty.isEmpty {
                let batch = Batch(sentences, indices: nonEmpty, surfaces: surfaces)
                for (col, path) in predict(batch).enumerated() { result[batch.order[col]] = path }
            }
            i += batchSize
        }
        return result
    }
}
