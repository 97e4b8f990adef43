import Foundation

/// The BiLSTM tagger: [word embedding | casing embedding | character encoding | lexicon states,
/// with `ModelConfig.lexiconDim`] per token →
/// dropout → BiLSTM (→ dropout → BiLSTM …) → [states | document memory of the states, with
/// `ModelConfig.documentContext` | document summary, with `ModelConfig.documentSummary` |
/// document BiLSTM state of the sentence, with `ModelConfig.documentLSTM`] →
/// dropout → linear layer to tag scores → CRF (or per-token softmax).
/// `loss` runs the forward and backward passes of a batch; `predict` only the forward pass.
package final class TaggerModel {
    package let config: ModelConfig
    package let encoder: FeatureEncoder
    let wordEmbedding: Embedding
    let casingEmbedding: Embedding?
    let charEncoder: CharEncoder?
    /// The lexicon input (`config.lexiconDim` > 0), reading the encoder's lexicon ids.
    let lexiconEmbedding: LexiconEmbedding?
    /// The stacked BiLSTM layers; `bilstm` is the last.
    let lstmLayers: [BiLSTM]
    var bilstm: BiLSTM { lstmLayers[lstmLayers.count - 1] }
    let outWeight: Parameter   // [K × O]
    let outBias: Parameter     // [K]
    let crf: CRF?
    /// The poolings whose outputs follow the states in the tag layer's input, in that order:
    /// the other occurrences' states (`config.documentContext`), the mean state of the rest of
    /// the document (`config.documentSummary`).
    private let contextPools: [DocumentMemory]
    /// The document-level BiLSTM over sentence states (`config.documentLSTM`), whose state at a
    /// token's sentence follows the poolings in the tag layer's input.
    private let documentLSTM: DocumentSentenceLSTM?
    /// Training only: the next and previous word predicted from the last BiLSTM's states
    /// (`config.languageModelWords`).
    let languageModel: LanguageModelHead?

    var tagCount: Int { encoder.tags.count }
    /// Entity scores (`spanProbabilities`) divide every score by this first (temperature scaling
    /// fitted on held-out data; 1: the model's own probabilities). Tags do not change.
    package var scoreTemperature: Float = 1
    var inputSize: Int {
        wordEmbedding.dimension + (casingEmbedding?.dimension ?? 0) + (charEncoder?.outputSize ?? 0) + (lexiconEmbedding?.outputSize ?? 0)
    }
    /// Width of the tag layer's input: the last BiLSTM's states, their document memory, the
    /// document summary and the document BiLSTM's state.
    var tagInputSize: Int { bilstm.outputSize * (1 + contextPools.count) + (documentLSTM?.outputSize ?? 0) }
    /// Whether tagging must keep each document's sentences in one batch.
    package var readsDocuments: Bool { !contextPools.isEmpty || documentLSTM != nil }

    private let x = FloatBuffer(), xMask = FloatBuffer(), dx = FloatBuffer()
    private let hidden = FloatBuffer(), hMask = FloatBuffer(), dHidden = FloatBuffer()
    private let dMemoryStates = FloatBuffer()
    /// Between stacked layers: the dropped-out input of layer l+1, its mask and gradient.
    private var between: [(x: FloatBuffer, mask: FloatBuffer, dx: FloatBuffer)] = []
    private let emissions = FloatBuffer(), dEmissions = FloatBuffer()
    /// The output weights packed for `RowsProduct` (`packOutWeight`): once by
    /// `prepareForInference`, else per call.
    private let inferOutWeight = PackedMatrix()
    private var inferOutWeightReady = false
    /// Inference with document pooling by a mean (`poolsScores`): every row's scores against each
    /// block of the output weights, and one pooling's output.
    private let blockScores = FloatBuffer(), pooledScores = FloatBuffer()
    private let dChars = FloatBuffer()
    // Inference with spelling projections (see `predict(_:charVectors:projections:)`).
    private let missProjections = FloatBuffer()
    private var missRows: [Int] = [], missSpellings: [Int32] = []
    private var projectedForwardRows: [UnsafePointer<Float>] = [], projectedBackwardRows: [UnsafePointer<Float>] = []
    /// Inference with spelling projections and a lexicon: the first layer's input projection of
    /// each packed lexicon id's difference from the all-outside input ([dirs × 4H] per id, made
    /// as ids are met), and the rows of one batch that need it added.
    private var lexiconDeltas: [Int32: [Float]] = [:]
    private let lexiconRows = FloatBuffer()

    init(config: ModelConfig, encoder: FeatureEncoder) {
        self.config = config
        var encoder = encoder
        encoder.foldCharCase = config.foldCharCase
        self.encoder = encoder
        wordEmbedding = Embedding(name: "word.embedding", count: encoder.words.count, dimension: config.wordDim)
        casingEmbedding = config.casingDim > 0 ? Embedding(name: "casing.embedding", count: Casing.allCases.count, dimension: config.casingDim) : nil
        switch config.charEncoder {
        case .cnn: charEncoder = CharCNN(charCount: encoder.chars.count, charDim: config.charDim, filters: config.charHidden)
        case .lstm: charEncoder = CharBiLSTM(charCount: encoder.chars.count, charDim: config.charDim, hidden: config.charHidden)
        case .none: charEncoder = nil
        }
        if config.lexiconDim > 0 {
            guard let lexicon = encoder.lexicon else { preconditionFailure("TaggerModel: lexiconDim without a lexicon in the encoder") }
            lexiconEmbedding = LexiconEmbedding(categories: lexicon.categoryCount, dimension: config.lexiconDim)
        } else {
            lexiconEmbedding = nil
        }
        let d = config.wordDim + config.casingDim + (charEncoder?.outputSize ?? 0) + (lexiconEmbedding?.outputSize ?? 0)
        var layers = [BiLSTM(name: "lstm", inputSize: d, hiddenSize: config.hidden, bidirectional: config.bidirectional)]
        for l in 1..<max(config.layers, 1) {
            layers.append(BiLSTM(name: "lstm\(l + 1)", inputSize: layers[l - 1].outputSize, hiddenSize: config.hidden, bidirectional: config.bidirectional))
            between.append((FloatBuffer(), FloatBuffer(), FloatBuffer()))
        }
        lstmLayers = layers
        let K = encoder.tags.count
        contextPools = (config.documentContext ? [DocumentMemory(byWord: true, attention: config.documentAttention)] : [])
            + (config.documentSummary ? [DocumentMemory(byWord: false)] : [])
        let O = layers[layers.count - 1].outputSize
        documentLSTM = config.documentLSTM > 0 ? DocumentSentenceLSTM(inputSize: O, hiddenSize: config.documentLSTM) : nil
        outWeight = Parameter("output.weight", shape: [K, O * (1 + contextPools.count) + (documentLSTM?.outputSize ?? 0)])
        outBias = Parameter("output.bias", shape: [K])
        crf = config.crf ? CRF(tags: encoder.tags.items) : nil
        languageModel = config.languageModelWords > 0 && config.bidirectional
            ? LanguageModelHead(words: config.languageModelWords, hiddenSize: config.hidden) : nil
    }

    package var parameters: [Parameter] {
        var p = [wordEmbedding.table]
        if let c = casingEmbedding { p.append(c.table) }
        if let c = charEncoder { p += c.parameters }
        for l in lstmLayers { p += l.parameters }
        p += [outWeight, outBias]
        if let crf { p += crf.parameters }
        if let languageModel { p += languageModel.parameters }
        if let documentLSTM { p += documentLSTM.parameters }
        if let lexiconEmbedding { p.append(lexiconEmbedding.table) }
        return p
    }

    func initialize(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        wordEmbedding.initialize(&rng)
        casingEmbedding?.initialize(&rng)
        charEncoder?.initialize(&rng)
        for l in lstmLayers { l.initialize(&rng) }
        let K = outWeight.shape[0], O = outWeight.shape[1]
        outWeight.initUniform((6 / Float(K + O)).squareRoot(), &rng)
        outBias.fill(0)
        crf?.initialize()
        languageModel?.initialize(&rng)
        documentLSTM?.initialize(&rng)
        lexiconEmbedding?.initialize(&rng)
    }

    /// The arithmetic of the recurrent products when tagging (`predict`); training is float32.
    var inferencePrecision: InferencePrecision {
        get { bilstm.recurrentPrecision }
        set { for l in lstmLayers { l.recurrentPrecision = newValue } }
    }

    /// Use two threads for the two LSTM directions.
    package var parallel: Bool {
        get { bilstm.parallel }
        set { for l in lstmLayers { l.parallel = newValue } }
    }

    // MARK: Forward

    /// Builds the BiLSTM input for a batch; with `dropout` the masks are drawn from `rng`.
    private func embed(_ batch: Batch, dropout: Float, rng: inout SeededRandom) -> UnsafeMutablePointer<Float> {
        let rows = batch.layout.rows
        let xp = x.reserve(rows * inputSize)
        embedRows(batch, 0..<rows, charVectors: charEncoder.map { UnsafePointer($0.forward(batch.uniqueChars)) }, into: xp)
        if dropout > 0 { applyDropout(xp, rows: rows, width: inputSize, batch: batch.layout.batch, mask: xMask, p: dropout, rng: &rng) }
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
        let rows = batch.layout.rows, O = bilstm.outputSize, T = tagInputSize, K = tagCount
        let xp = embed(batch, dropout: dropout, rng: &rng)
        var h = lstmLayers[0].forward(xp, layout: batch.layout)
        for l in 1..<lstmLayers.count {
            let width = lstmLayers[l - 1].outputSize
            let xl = between[l - 1].x.reserve(rows * width)
            xl.update(from: h, count: rows * width)
            if dropout > 0 { applyDropout(xl, rows: rows, width: width, batch: batch.layout.batch, mask: between[l - 1].mask, p: dropout, rng: &rng) }
            h = lstmLayers[l].forward(xl, layout: batch.layout)
        }
        let hd = hidden.reserve(rows * T)
        if readsDocuments {
            poolContext(batch, h, into: hd, training: true)
        } else {
            hd.update(from: h, count: rows * O)
        }
        if dropout > 0 { applyDropout(hd, rows: rows, width: T, batch: batch.layout.batch, mask: hMask, p: dropout, rng: &rng) }
        let e = emissions.reserve(rows * K)
        for r in 0..<rows { (e + r * K).update(from: outBias.value, count: K) }
        BLAS.gemm(transB: true, m: rows, n: K, k: T, hd, outWeight.value, beta: 1, e)
        return e
    }

    /// The tag layer's input ([rows × T]): each row's states `h` ([rows × O]), then each
    /// context pooling's output over them, then the document BiLSTM's state.
    private func poolContext(_ batch: Batch, _ h: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, training: Bool) {
        let rows = batch.layout.rows, O = bilstm.outputSize, T = tagInputSize
        for r in 0..<rows { (out + r * T).update(from: h + r * O, count: O) }
        for (i, pool) in contextPools.enumerated() {
            pool.prepare(batch)
            pool.forward(h, inStride: O, width: O, into: out + (1 + i) * O, outStride: T)
        }
        documentLSTM?.forward(h, inStride: O, width: O, batch: batch, training: training,
                              into: out + (1 + contextPools.count) * O, outStride: T)
    }

    /// Precomputes what `predict` derives from the weights (transposed LSTM weights), for a
    /// model whose weights no longer change, such as one loaded for tagging. Without it
    /// `predict` derives them on every call. Call again after changing the weights.
    func prepareForInference() {
        for l in lstmLayers { l.prepareForInference() }
        documentLSTM?.lstm.prepareForInference()
        packOutWeight()
        inferOutWeightReady = true
        lexiconDeltas = [:]
    }

    /// Whether inference pools tag scores instead of states: the document poolings are all plain
    /// means (no attention), which are linear, so the output layer's share of a pooled state,
    /// W·mean(h), is the mean of the rows' own W·h. Pooling rows of K scores instead of rows of
    /// O states, and not building the [h | pooled h] rows at all, took the memory model's
    /// `ner tag` over CoNLL-2003 as token lines from 2.86 to 2.15 s (docs/experiments/2026-12-03-document-context.md).
    /// The document BiLSTM is not linear either, so a model with one pools states too.
    private var poolsScores: Bool { !contextPools.isEmpty && documentLSTM == nil && !contextPools.contains { $0.attention } }

    /// Packs the output weights for `RowsProduct`: as Wᵀ ([T × K]); with `poolsScores`, as the
    /// blocks [W₀ᵀ | W₁ᵀ | …] ([O × K·(1 + pools)]) of W's column blocks, W₀ reading the states
    /// and Wᵢ pooling i's output, so that one product gives every row's scores against each.
    private func packOutWeight() {
        let T = tagInputSize, K = tagCount
        guard poolsScores else {
            inferOutWeight.pack(transposeOf: outWeight.value, rows: T, columns: K)
            return
        }
        let O = bilstm.outputSize, n = 1 + contextPools.count, w = outWeight.value
        var blocks = [Float](repeating: 0, count: O * K * n)
        for i in 0..<n {
            for k in 0..<K {
                for j in 0..<O { blocks[j * K * n + i * K + k] = w[k * T + i * O + j] }
            }
        }
        blocks.withUnsafeBufferPointer { inferOutWeight.pack($0.baseAddress!, rows: O, columns: K * n) }
    }

    /// The input vectors (word | casing | characters | lexicon) of the given rows of `batch` into
    /// consecutive rows of `out`. Row r's character vector is row `batch.uniqueIndex[r]` of
    /// `charVectors`; padding rows (negative ids and index) get zeros. With `lexiconOutside` every
    /// row's lexicon part is that of a token outside every phrase (what spelling projections hold).
    private func embedRows<Rows: Sequence<Int>>(_ batch: Batch, _ rowList: Rows, charVectors: UnsafePointer<Float>?, lexiconOutside: Bool = false,
                                                into out: UnsafeMutablePointer<Float>) {
        let D = inputSize, W = wordEmbedding.dimension
        for (k, r) in rowList.enumerated() {
            let dst = out + k * D
            wordEmbedding.copyRow(batch.words[r], into: dst)
            var offset = W
            if let c = casingEmbedding {
                c.copyRow(batch.casings[r], into: dst + offset)
                offset += c.dimension
            }
            if let ce = charEncoder, let charVectors {
                let u = batch.uniqueIndex[r], C = ce.outputSize
                if u < 0 { (dst + offset).update(repeating: 0, count: C) } else { (dst + offset).update(from: charVectors + Int(u) * C, count: C) }
                offset += C
            }
            if let le = lexiconEmbedding {
                le.copyRow(lexiconOutside ? (batch.lexicon[r] < 0 ? -1 : 0) : batch.lexicon[r], into: dst + offset)
            }
        }
    }

    /// The one inference pass: tag scores ([rows × K]) without dropout, the BiLSTM layers running
    /// their inference pass (no activations kept for backward); the same numbers as the training
    /// path's `scores(batch, dropout: 0, …)`. Character vectors are `charVectors` when given (see
    /// `predict`), else encoded for this batch. The first layer's input projections come from
    /// `projections` when given, else are computed for every row.
    private func inferScores(_ batch: Batch, charVectors: UnsafePointer<Float>?, projections: SpellingProjections?) -> UnsafeMutablePointer<Float> {
        let rows = batch.layout.rows
        let chars = charVectors ?? charEncoder.map { UnsafePointer($0.forward(batch.uniqueChars)) }
        var h: UnsafeMutablePointer<Float>
        if let projections {
            h = inferFirstLayer(batch, charVectors: chars, projections: projections)
        } else {
            let xp = x.reserve(rows * inputSize)
            embedRows(batch, 0..<rows, charVectors: chars, into: xp)
            h = lstmLayers[0].infer(xp, layout: batch.layout)
        }
        for l in 1..<lstmLayers.count { h = lstmLayers[l].infer(h, layout: batch.layout) }
        let T = tagInputSize, K = tagCount
        let e = emissions.reserve(rows * K)
        for r in 0..<rows { (e + r * K).update(from: outBias.value, count: K) }
        if !inferOutWeightReady { packOutWeight() }
        if poolsScores {
            let W = K * (1 + contextPools.count), B = batch.layout.batch, O = bilstm.outputSize
            let z = blockScores.reserve(rows * W)
            // The live rows of each step only: a batch of whole documents pads every sentence to
            // its longest, and padding rows are never read (nor pooled: they belong to no group).
            for (t, live) in batch.layout.active.enumerated() where live > 0 {
                RowsProduct.multiply(m: live, h + t * B * O, inferOutWeight, z + t * B * W)
                for r in (t * B)..<(t * B + live) {
                    let src = z + r * W, dst = e + r * K
                    for k in 0..<K { dst[k] += src[k] }
                }
            }
            let pooled = pooledScores.reserve(rows * K)
            for (i, pool) in contextPools.enumerated() {
                pool.prepare(batch)
                pool.forward(z + (1 + i) * K, inStride: W, width: K, into: pooled, outStride: K)
                for q in 0..<(rows * K) { e[q] += pooled[q] }
            }
            return e
        }
        if readsDocuments {
            let hm = hidden.reserve(rows * T)
            poolContext(batch, h, into: hm, training: false)
            h = hm
        }
        RowsProduct.multiply(m: rows, h, inferOutWeight, accumulate: true, e)
        return e
    }

    /// The first BiLSTM layer's states, its input projections taken from (and added to)
    /// `projections`; see `predict`.
    private func inferFirstLayer(_ batch: Batch, charVectors: UnsafePointer<Float>?, projections P: SpellingProjections) -> UnsafeMutablePointer<Float> {
        let rows = batch.layout.rows, D = inputSize
        let first = lstmLayers[0], G = P.width, dirs = P.directions
        // Spellings of the batch without a projection yet, each once.
        missRows.removeAll(keepingCapacity: true)
        missSpellings.removeAll(keepingCapacity: true)
        var overflow: [Int32: Int32] = [:]  // spellings beyond the capacity → miss slot
        for r in 0..<rows {
            let u = batch.uniqueIndex[r]
            if u < 0 { continue }
            if Int(u) < P.capacity {
                if P.ready[Int(u)] || P.slot[Int(u)] >= 0 { continue }
                P.slot[Int(u)] = Int32(missRows.count)
            } else {
                if overflow[u] != nil { continue }
                overflow[u] = Int32(missRows.count)
            }
            missRows.append(r)
            missSpellings.append(u)
        }
        let M = missRows.count
        let computed = missProjections.reserve(max(1, M * dirs * G))  // [dirs][M][G]
        if M > 0 {
            let xm = x.reserve(M * D)
            embedRows(batch, missRows, charVectors: charVectors, lexiconOutside: true, into: xm)
            first.inputProjections(xm, rows: M, forward: computed, backward: computed + M * G)
            for (k, u) in missSpellings.enumerated() where Int(u) < P.capacity {
                for d in 0..<dirs {
                    (P.values + (Int(u) * dirs + d) * G).update(from: computed + (d * M + k) * G, count: G)
                }
                P.markReady(Int(u))
                P.slot[Int(u)] = -1
            }
        }
        projectedForwardRows.removeAll(keepingCapacity: true)
        projectedBackwardRows.removeAll(keepingCapacity: true)
        for r in 0..<rows {
            let u = batch.uniqueIndex[r]
            let f: UnsafePointer<Float>, b: UnsafePointer<Float>
            if u < 0 {
                f = UnsafePointer(computed); b = f  // padding: never read
            } else if Int(u) < P.capacity {
                f = UnsafePointer(P.values + Int(u) * dirs * G)
                b = dirs > 1 ? f + G : f
            } else {
                let k = Int(overflow[u]!)
                f = UnsafePointer(computed + k * G)
                b = dirs > 1 ? UnsafePointer(computed + (M + k) * G) : f
            }
            projectedForwardRows.append(f)
            projectedBackwardRows.append(b)
        }
        if lexiconEmbedding != nil { addLexiconProjections(batch, width: G, directions: dirs) }
        return projectedForwardRows.withUnsafeBufferPointer { fw in
            projectedBackwardRows.withUnsafeBufferPointer { bw in
                first.infer(projectedForward: fw.baseAddress!, projectedBackward: bw.baseAddress!, layout: batch.layout)
            }
        }
    }

    /// Points the projected rows of the tokens inside some lexicon phrase (packed id > 0) at
    /// their spelling's projection plus their lexicon id's difference from outside: the input
    /// projection is linear, and spelling projections hold each spelling's with the lexicon
    /// part of a token outside every phrase.
    private func addLexiconProjections(_ batch: Batch, width G: Int, directions dirs: Int) {
        let rows = batch.layout.rows
        var count = 0
        for r in 0..<rows where batch.lexicon[r] > 0 { count += 1 }
        guard count > 0 else { return }
        let out = lexiconRows.reserve(count * dirs * G)
        var k = 0
        for r in 0..<rows where batch.lexicon[r] > 0 {
            let delta = lexiconDelta(batch.lexicon[r], width: G, directions: dirs)
            let dst = out + k * dirs * G
            delta.withUnsafeBufferPointer { d in
                for j in 0..<G { dst[j] = projectedForwardRows[r][j] + d[j] }
                if dirs > 1 { for j in 0..<G { dst[G + j] = projectedBackwardRows[r][j] + d[G + j] } }
            }
            projectedForwardRows[r] = UnsafePointer(dst)
            projectedBackwardRows[r] = UnsafePointer(dirs > 1 ? dst + G : dst)
            k += 1
        }
    }

    /// The first layer's input projection ([dirs × 4H]) of (lexicon input of `id`) − (lexicon
    /// input of outside), the rest of the input zero; kept per id.
    private func lexiconDelta(_ id: Int32, width G: Int, directions dirs: Int) -> [Float] {
        if let d = lexiconDeltas[id] { return d }
        guard let le = lexiconEmbedding else { return [Float](repeating: 0, count: dirs * G) }
        let D = inputSize, offset = D - le.outputSize
        var input = [Float](repeating: 0, count: D), outside = [Float](repeating: 0, count: le.outputSize)
        input.withUnsafeMutableBufferPointer { le.copyRow(id, into: $0.baseAddress! + offset) }
        outside.withUnsafeMutableBufferPointer { le.copyRow(0, into: $0.baseAddress!) }
        for j in 0..<le.outputSize { input[offset + j] -= outside[j] }
        var delta = [Float](repeating: 0, count: 2 * G)
        input.withUnsafeBufferPointer { x in
            delta.withUnsafeMutableBufferPointer { d in
                lstmLayers[0].inputProjections(x.baseAddress!, rows: 1, forward: d.baseAddress!, backward: d.baseAddress! + G)
            }
        }
        let kept = Array(delta.prefix(dirs * G))
        lexiconDeltas[id] = kept
        return kept
    }

    // MARK: Training

    /// Forward and backward pass over a batch with gold tags. Adds the gradients of the mean
    /// loss over the batch's sentences to the parameters and returns the summed loss.
    @discardableResult
    func loss(_ batch: Batch, dropout: Float? = nil, rng: inout SeededRandom) -> Float {
        let p = dropout ?? config.dropout
        let rows = batch.layout.rows, B = batch.layout.batch, K = tagCount, O = bilstm.outputSize, T = tagInputSize, D = inputSize
        let e = scores(batch, dropout: p, rng: &rng)
        let de = dEmissions.zeroed(rows * K)
        let scale = 1 / Float(max(B, 1))
        var total: Float = 0
        for b in 0..<B {
            let n = batch.layout.lengths[b], gold = batch.tags[b]
            precondition(gold.count == n, "batch sentence without gold tags")
            if gold.contains(where: { $0 < 0 }) {
                // Partial annotation: -1 marks a token whose tag is any of the column's open tags.
                let open = batch.openTags[b]
                precondition(open.count == K, "batch sentence with unknown tags but no open tag set")
                var allowed = [Bool](repeating: false, count: n * K)
                for t in 0..<n {
                    if gold[t] >= 0 { allowed[t * K + Int(gold[t])] = true } else { for k in 0..<K { allowed[t * K + k] = open[k] } }
                }
                if let crf {
                    total += crf.partialLoss(emissions: e + b * K, count: n, stride: B * K, allowed: allowed, dEmissions: de + b * K, scale: scale)
                } else {
                    total += Self.partialSoftmaxLoss(e + b * K, n, stride: B * K, allowed: allowed, K: K, dE: de + b * K, scale: scale)
                }
            } else if let crf {
                total += crf.loss(emissions: e + b * K, count: n, stride: B * K, gold: gold, dEmissions: de + b * K, scale: scale)
            } else {
                total += Self.softmaxLoss(e + b * K, n, stride: B * K, gold: gold, K: K, dE: de + b * K, scale: scale)
            }
        }
        // Output layer.
        let hd = hidden.pointer
        BLAS.gemm(transA: true, m: K, n: T, k: rows, de, hd, beta: 1, outWeight.grad)
        for r in 0..<rows { let d = de + r * K; for k in 0..<K { outBias.grad[k] += d[k] } }
        var dh = dHidden.reserve(rows * T)
        BLAS.gemm(m: rows, n: T, k: K, de, outWeight.value, beta: 0, dh)
        if p > 0 { let m = hMask.pointer; for i in 0..<(rows * T) { dh[i] *= m[i] } }
        if readsDocuments {
            // The states' gradient: their own columns, plus what each pooling and the document
            // BiLSTM passed on.
            let dStates = dMemoryStates.reserve(rows * O)
            for r in 0..<rows { (dStates + r * O).update(from: dh + r * T, count: O) }
            for (i, pool) in contextPools.enumerated() {
                pool.backward(dh + (1 + i) * O, outStride: T, width: O, accumulateInto: dStates, inStride: O)
            }
            documentLSTM?.backward(dh + (1 + contextPools.count) * O, outStride: T, accumulateInto: dStates, inStride: O, width: O)
            dh = dStates
        }
        if let languageModel {
            // The states also predict their neighbouring words; dh is [rows × O] here.
            total += config.languageModelWeight
                * languageModel.loss(states: bilstm.output.pointer, layout: batch.layout, wordIds: batch.words,
                                     scale: config.languageModelWeight * scale, dStates: dh)
        }
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
            offset += C
        }
        if let le = lexiconEmbedding {
            for r in 0..<rows { le.scatter(batch.lexicon[r], from: dxp + r * D + offset) }
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

    /// −log Σ_{k allowed} p(k) per token, summed: the softmax loss of a partially annotated
    /// sentence (`allowed` is [n × K]).
    static func partialSoftmaxLoss(_ e: UnsafePointer<Float>, _ n: Int, stride: Int, allowed: [Bool], K: Int,
                                   dE: UnsafeMutablePointer<Float>, scale: Float) -> Float {
        var total: Float = 0
        for t in 0..<n {
            let row = e + t * stride, d = dE + t * stride
            let lse = Activations.logSumExp(row, K)
            var m = -Float.infinity
            for k in 0..<K where allowed[t * K + k] { m = max(m, row[k]) }
            var s: Float = 0
            for k in 0..<K where allowed[t * K + k] { s += expf(row[k] - m) }
            let lseAllowed = m + logf(s)
            for k in 0..<K {
                d[k] = scale * (expf(row[k] - lse) - (allowed[t * K + k] ? expf(row[k] - lseAllowed) : 0))
            }
            total += lse - lseAllowed
        }
        return total
    }

    // MARK: Inference

    /// The best tag ids for each sentence of the batch, in the batch's column order, with the
    /// emission scores kept for `spanProbabilities`.
    ///
    /// A tagger that keeps per-spelling state across batches passes it in: `charVectors`, whose
    /// row `batch.uniqueIndex[r]` ([spellings × charEncoder.outputSize]) is the character
    /// encoding of row r's spelling as `charEncoder.forward` gives it, and `projections`, the
    /// first BiLSTM layer's input projections of the spellings, computed here for the spellings
    /// not there yet and kept (spellings below its capacity). Both are valid only because a
    /// token's input vector is a function of its spelling alone (see `SpellingProjections`); the
    /// batch must then come from `Batch(surfaceRowsOf:indices:)`, and the model's weights must
    /// not change while they are in use. Without them everything is computed for this batch.
    func predict(_ batch: Batch, charVectors: UnsafePointer<Float>? = nil, projections: SpellingProjections? = nil) -> [[Int32]] {
        if let projections {
            precondition(charEncoder == nil || charVectors != nil, "predict: character vectors needed")
            precondition(projections.width == 4 * lstmLayers[0].hiddenSize && projections.directions == (lstmLayers[0].backwardLSTM == nil ? 1 : 2),
                         "predict: projections made for another model")
        }
        return decode(batch, inferScores(batch, charVectors: charVectors, projections: projections))
    }

    /// The first BiLSTM layer's input projections (x·Wxᵀ per direction, no bias) of spellings
    /// 0 ..< capacity, filled in as a tagger meets them. Ties spelling ids to rows: clear it
    /// (`removeAll`) when the ids are reassigned.
    ///
    /// What it assumes: the first layer's input of a token (word, casing and character
    /// features) depends on the token's spelling alone, so x·Wxᵀ is the same wherever the
    /// spelling occurs. A feature that depends on the token's context (its sentence or document)
    /// must enter above the first layer's input projection, or the model must not be given a
    /// cache (`makeSpellingProjections` is where to refuse one).
    final class SpellingProjections {
        /// Spellings with an id below this are kept.
        let capacity: Int
        let directions: Int
        /// Floats per direction (4H).
        let width: Int
        /// [capacity × directions × width]; memory is touched only as rows are filled.
        let values: UnsafeMutablePointer<Float>
        var ready: [Bool]
        /// Scratch for one batch: the miss slot of a spelling, or -1.
        var slot: [Int32]
        package private(set) var count = 0

        init(capacity: Int, directions: Int, width: Int) {
            self.capacity = max(0, capacity)
            self.directions = directions
            self.width = width
            values = .allocate(capacity: max(1, self.capacity * directions * width))
            ready = [Bool](repeating: false, count: self.capacity)
            slot = [Int32](repeating: -1, count: self.capacity)
        }

        deinit { values.deallocate() }

        func removeAll() {
            if count > 0 { ready = [Bool](repeating: false, count: capacity) }
            count = 0
        }

        func markReady(_ id: Int) {
            ready[id] = true
            count += 1
        }
    }

    /// Projections for this model's first BiLSTM layer, as many spellings as fit in
    /// `maxBytes`: 24 MB, about 3,900 spellings for the default model's 200+200 units. 16 MB was
    /// tried (default model, idle Zen 4): over all of CoNLL-2003 as tokens the peak went from 107
    /// to 99 MB and the median time from 1.40 to 1.46 s, and `ner bench`'s latency of one sentence
    /// from p50 0.14-0.15 to 0.16-0.18 ms and its cold pass from about 245,000 to 220,000
    /// tokens/s.
    func makeSpellingProjections(maxBytes: Int = 24 << 20) -> SpellingProjections {
        let first = lstmLayers[0], directions = first.backwardLSTM == nil ? 1 : 2, width = 4 * first.hiddenSize
        return SpellingProjections(capacity: maxBytes / (directions * width * MemoryLayout<Float>.size),
                                   directions: directions, width: width)
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
    func spanProbabilities(_ batch: Batch, column b: Int, path: [Int32], spans: [(Int, Int)]) -> [Double] {
        let B = batch.layout.batch, K = tagCount, n = batch.layout.lengths[b]
        let e = emissions.pointer + b * K
        if let crf { return crf.spanProbabilities(emissions: e, count: n, stride: B * K, path: path, spans: spans, temperature: scoreTemperature) }
        var scaled = [Float](repeating: 0, count: K)
        return spans.map { (from, to) in
            var logp: Float = 0
            for t in from..<to {
                let row = e + t * B * K
                for k in 0..<K { scaled[k] = row[k] / scoreTemperature }
                logp += scaled[Int(path[t])] - Activations.logSumExp(scaled, K)
            }
            return Double(expf(logp))
        }
    }
}

extension TaggerModel {
    /// Predicts tag ids for many sentences, batching them by length internally; the result
    /// follows the input order.
    /// With document context, a batch holds whole documents (consecutive sentences with the
    /// same `document` id), at least `batchSize` sentences unless the input ends.
    func predictAll(_ sentences: [EncodedSentence], surfaces: SurfaceTable, batchSize: Int = 64) -> [[Int32]] {
        var result = [[Int32]](repeating: [], count: sentences.count)
        if readsDocuments {
            for chunk in Documents.batches(sentences.map(\.document), batchSize: batchSize, isIncluded: { sentences[$0].count > 0 }) {
                let batch = Batch(sentences, indices: chunk, surfaces: surfaces)
                for (col, path) in predict(batch).enumerated() { result[batch.order[col]] = path }
            }
            return result
        }
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
