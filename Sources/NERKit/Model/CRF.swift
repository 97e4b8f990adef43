import Foundation

/// A linear-chain conditional random field over tag sequences (Lafferty et al. 2001; the output
/// layer of Lample et al. 2016). A path's score is start(y₁) + Σ emission(t, yₜ) +
/// Σ transition(yₜ₋₁, yₜ) + end(yₙ); training minimises log Z − score(gold) computed by the
/// forward algorithm. Transitions the tag scheme forbids (O → I-PER, B-PER → E-LOC) get a fixed
/// score of −10⁴ and no gradient, so Viterbi never produces them.
package final class CRF {
    package let tagCount: Int
    package let transitions: Parameter  // [K × K], from row to column
    package let start: Parameter        // [K]
    package let end: Parameter          // [K]
    /// allowed[i*K+j]: may tag j follow tag i; allowedStart/End likewise.
    package let allowed: [Bool]
    package let allowedStart: [Bool]
    package let allowedEnd: [Bool]
    static let forbidden: Float = -10_000

    // Forward-backward in scaled probability space (Rabiner's scaling): one exp per tag and
    // step instead of one per tag pair, and plain multiply-adds in the K×K loops.
    private var alpha: [Float] = []     // [n×K] scaled forward probabilities
    private var beta: [Float] = []      // [n×K] scaled backward probabilities
    private var expE: [Float] = []      // [n×K] exp(e − max e)
    private var scale: [Float] = []     // [n] normalisers c_t
    private var expT: [Float] = []      // [K×K] exp(transition − max)
    private var expEnd: [Float] = []

    package init(tags: [String]) {
        let K = tags.count
        tagCount = K
        transitions = Parameter("crf.transitions", shape: [K, K])
        start = Parameter("crf.start", shape: [K])
        end = Parameter("crf.end", shape: [K])
        var a = [Bool](repeating: true, count: K * K)
        var s = [Bool](repeating: true, count: K), e = [Bool](repeating: true, count: K)
        let parsed = tags.map { ParsedTag($0) ?? .outside }
        for i in 0..<K {
            s[i] = parsed[i].canStartEntitySequence
            e[i] = parsed[i].canEndEntitySequence
            for j in 0..<K { a[i * K + j] = parsed[i].canBeFollowed(by: parsed[j]) }
        }
        allowed = a; allowedStart = s; allowedEnd = e
        applyConstraints()
    }

    package var parameters: [Parameter] { [transitions, start, end] }

    package func initialize() {
        transitions.fill(0); start.fill(0); end.fill(0)
        applyConstraints()
    }

    /// Pins forbidden scores (after loading or an optimiser step) and clears their gradients.
    package func applyConstraints() {
        let K = tagCount
        for i in 0..<K * K where !allowed[i] { transitions.value[i] = CRF.forbidden; transitions.grad[i] = 0 }
        for i in 0..<K {
            if !allowedStart[i] { start.value[i] = CRF.forbidden; start.grad[i] = 0 }
            if !allowedEnd[i] { end.value[i] = CRF.forbidden; end.grad[i] = 0 }
        }
    }

    /// Fills alpha, expE, scale and expT; returns log Z. With a `temperature` other than 1 every
    /// score (emissions, transitions, start, end) is divided by it first (scores only; training
    /// uses 1).
    private func forwardScores(_ e: UnsafePointer<Float>, _ n: Int, stride: Int, temperature: Float = 1) -> Float {
        let inverse = 1 / temperature
        let K = tagCount
        if alpha.count < n * K {
            alpha = [Float](repeating: 0, count: n * K)
            beta = alpha
            expE = alpha
            scale = [Float](repeating: 0, count: n)
        }
        // exp(transitions) is kept while the transitions do not change (every call when
        // tagging; it was a third of the time per sentence there).
        let tr = UnsafeBufferPointer(start: UnsafePointer(transitions.value), count: K * K)
        if expT.count != K * K || expTSource.count != K * K || expTTemperature != temperature || !expTSource.elementsEqual(tr) {
            expT = [Float](repeating: 0, count: K * K)
            expEnd = [Float](repeating: 0, count: K)
            expTSource = Array(tr)
            expTTemperature = temperature
            expTMax = -Float.infinity
            for i in 0..<(K * K) { expTMax = max(expTMax, tr[i] * inverse) }
            for i in 0..<(K * K) { expT[i] = expf(tr[i] * inverse - expTMax) }
        }
        let tmax = expTMax
        var logZ: Float = 0
        alpha.withUnsafeMutableBufferPointer { al in
        expE.withUnsafeMutableBufferPointer { ee in
        expT.withUnsafeBufferPointer { tp in
            let a = al.baseAddress!, x = ee.baseAddress!, T = tp.baseAddress!
            for t in 0..<n {
                let et = e + t * stride, xt = x + t * K
                var m = -Float.infinity
                if inverse == 1 {
                    for k in 0..<K { m = max(m, et[k]) }
                    for k in 0..<K { xt[k] = expf(et[k] - m) }
                } else {
                    for k in 0..<K { m = max(m, et[k] * inverse) }
                    for k in 0..<K { xt[k] = expf(et[k] * inverse - m) }
                }
                let at = a + t * K
                if t == 0 {
                    var sm = -Float.infinity
                    for k in 0..<K { sm = max(sm, start.value[k] * inverse) }
                    for k in 0..<K { at[k] = expf(start.value[k] * inverse - sm) * xt[k] }
                    logZ += m + sm
                } else {
                    let prev = a + (t - 1) * K
                    for j in 0..<K { at[j] = 0 }
                    for i in 0..<K {
                        let ai = prev[i]
                        if ai == 0 { continue }
                        let row = T + i * K
                        for j in 0..<K { at[j] += ai * row[j] }
                    }
                    for j in 0..<K { at[j] *= xt[j] }
                    logZ += m + tmax
                }
                var c: Float = 0
                for k in 0..<K { c += at[k] }
                scale[t] = c
                let inv = 1 / c
                for k in 0..<K { at[k] *= inv }
                logZ += logf(c)
            }
            var em = -Float.infinity
            for k in 0..<K { em = max(em, end.value[k] * inverse) }
            var s: Float = 0
            let last = a + (n - 1) * K
            for k in 0..<K { expEnd[k] = expf(end.value[k] * inverse - em); s += last[k] * expEnd[k] }
            endNormaliser = s
            logZ += em + logf(s)
        }
        }
        }
        return logZ
    }

    private var endNormaliser: Float = 1

    /// Fills beta (scaled so that Σ_k alpha[t][k]·beta[t][k] = 1 for every t); needs forwardScores first.
    private func backwardScores(_ n: Int) {
        let K = tagCount
        beta.withUnsafeMutableBufferPointer { bp in
        expE.withUnsafeBufferPointer { ee in
        expT.withUnsafeBufferPointer { tp in
            let b = bp.baseAddress!, x = ee.baseAddress!, T = tp.baseAddress!
            let inv = 1 / endNormaliser
            for k in 0..<K { b[(n - 1) * K + k] = expEnd[k] * inv }
            if n < 2 { return }
            var w = [Float](repeating: 0, count: K)
            for t in Swift.stride(from: n - 2, through: 0, by: -1) {
                let next = b + (t + 1) * K, xn = x + (t + 1) * K, cur = b + t * K
                let invc = 1 / scale[t + 1]
                for j in 0..<K { w[j] = xn[j] * next[j] * invc }
                for i in 0..<K {
                    let row = T + i * K
                    var s: Float = 0
                    for j in 0..<K { s += row[j] * w[j] }
                    cur[i] = s
                }
            }
        }
        }
        }
    }

    /// The negative log-likelihood of `gold` for one sentence, with emissions `e` (n rows,
    /// `stride` floats apart). Writes ∂loss/∂e · scale into `dE` and adds the transition
    /// gradients (times `scale`) into the parameters.
    package func loss(emissions e: UnsafePointer<Float>, count n: Int, stride: Int, gold: [Int32],
                     dEmissions dE: UnsafeMutablePointer<Float>, scale factor: Float) -> Float {
        let K = tagCount
        if n == 0 { return 0 }
        let logZ = forwardScores(e, n, stride: stride)
        backwardScores(n)
        let tr = transitions.value, tg = transitions.grad
        var goldScore = start.value[Int(gold[0])] + end.value[Int(gold[n - 1])]
        for t in 0..<n {
            goldScore += e[t * stride + Int(gold[t])]
            if t > 0 { goldScore += tr[Int(gold[t - 1]) * K + Int(gold[t])] }
        }
        // The model's marginals minus the gold path's indicators.
        addMarginals(n, into: dE, stride: stride, factor: factor, assign: true)
        start.grad[Int(gold[0])] -= factor
        end.grad[Int(gold[n - 1])] -= factor
        for t in 0..<n {
            dE[t * stride + Int(gold[t])] -= factor
            if t > 0 { tg[Int(gold[t - 1]) * K + Int(gold[t])] -= factor }
        }
        applyConstraintsToGradients()
        return logZ - goldScore
    }

    /// The negative log-likelihood of a partially annotated sentence: −log of the probability
    /// of every path whose tag at each position t is allowed there (`allowed[t·K + k]`), i.e.
    /// log Z − log Z_allowed (Tsuboi et al. 2008). A fully annotated sentence (one allowed tag
    /// per token) gives `loss`'s value. Writes ∂loss/∂e · scale into `dE` and adds the
    /// transition gradients (times `scale`): the model's marginals minus the marginals among
    /// the allowed paths. Every position needs an allowed tag that some allowed path reaches.
    package func partialLoss(emissions e: UnsafePointer<Float>, count n: Int, stride: Int, allowed: [Bool],
                             dEmissions dE: UnsafeMutablePointer<Float>, scale factor: Float) -> Float {
        let K = tagCount
        if n == 0 { return 0 }
        precondition(allowed.count == n * K, "partialLoss: allowed needs n × K flags")
        var masked = [Float](repeating: -Float.infinity, count: n * K)
        for t in 0..<n { for k in 0..<K where allowed[t * K + k] { masked[t * K + k] = e[t * stride + k] } }
        let logZAllowed = masked.withUnsafeBufferPointer { forwardScores($0.baseAddress!, n, stride: K) }
        backwardScores(n)
        addMarginals(n, into: dE, stride: stride, factor: -factor, assign: true)
        let logZ = forwardScores(e, n, stride: stride)
        backwardScores(n)
        addMarginals(n, into: dE, stride: stride, factor: factor, assign: false)
        applyConstraintsToGradients()
        return logZ - logZAllowed
    }

    /// After forwardScores and backwardScores: factor × each position's tag marginals into dE
    /// (written when `assign`, else added), and factor × the start, end and pairwise transition
    /// marginals into the parameters' gradients.
    private func addMarginals(_ n: Int, into dE: UnsafeMutablePointer<Float>, stride: Int, factor: Float, assign: Bool) {
        let K = tagCount, tg = transitions.grad
        alpha.withUnsafeBufferPointer { ap in
        beta.withUnsafeBufferPointer { bp in
        expE.withUnsafeBufferPointer { ee in
        expT.withUnsafeBufferPointer { tp in
            let a = ap.baseAddress!, b = bp.baseAddress!, x = ee.baseAddress!, T = tp.baseAddress!
            for t in 0..<n {
                let d = dE + t * stride
                for k in 0..<K {
                    let p = factor * a[t * K + k] * b[t * K + k]
                    if assign { d[k] = p } else { d[k] += p }
                }
            }
            for k in 0..<K {
                start.grad[k] += factor * a[k] * b[k]
                end.grad[k] += factor * a[(n - 1) * K + k] * b[(n - 1) * K + k]
            }
            var w = [Float](repeating: 0, count: K)
            for t in 1..<max(n, 1) {
                let prev = a + (t - 1) * K, xt = x + t * K, bt = b + t * K
                let f = factor / self.scale[t]
                for j in 0..<K { w[j] = xt[j] * bt[j] * f }
                for i in 0..<K {
                    let ai = prev[i]
                    if ai == 0 { continue }
                    let row = T + i * K, g = tg + i * K
                    for j in 0..<K { g[j] += ai * row[j] * w[j] }
                }
            }
        }
        }
        }
        }
    }

    private func applyConstraintsToGradients() {
        let K = tagCount
        for i in 0..<K * K where !allowed[i] { transitions.grad[i] = 0 }
        for i in 0..<K {
            if !allowedStart[i] { start.grad[i] = 0 }
            if !allowedEnd[i] { end.grad[i] = 0 }
        }
    }

    // Inference only (decode, spanProbabilities): buffers reused from call to call.
    private var viterbiScore: [Float] = [], viterbiNext: [Float] = []
    private var viterbiBack: [Int32] = []
    /// The transitions `expT` was computed from, so tagging computes it once, not per sentence.
    /// The transitions `expT` was computed from, and their maximum.
    private var expTSource: [Float] = []
    private var expTMax: Float = 0
    private var expTTemperature: Float = 1

    /// The highest-scoring tag sequence (Viterbi). Ties go to the lowest previous tag.
    package func decode(emissions e: UnsafePointer<Float>, count n: Int, stride: Int) -> [Int32] {
        let K = tagCount
        if n == 0 { return [] }
        if viterbiScore.count != K { viterbiScore = [Float](repeating: 0, count: K); viterbiNext = viterbiScore }
        if viterbiBack.count < n * K { viterbiBack = [Int32](repeating: 0, count: max(n, 64) * K) }
        let tr = UnsafePointer(transitions.value), st = UnsafePointer(start.value), en = UnsafePointer(end.value)
        var arg: Int32 = 0
        viterbiScore.withUnsafeMutableBufferPointer { sp in
        viterbiNext.withUnsafeMutableBufferPointer { np in
        viterbiBack.withUnsafeMutableBufferPointer { bp in
            var score = sp.baseAddress!, next = np.baseAddress!
            let back = bp.baseAddress!
            for k in 0..<K { score[k] = st[k] + e[k] }
            for t in 1..<max(n, 1) {
                let et = e + t * stride, bt = back + t * K
                // For each j the best i in increasing order of i, as a row-wise sweep.
                for j in 0..<K { next[j] = -Float.infinity; bt[j] = 0 }
                var j0 = 0
                while j0 + 8 <= K {
                    // Eight columns at once, the same comparisons in the same order.
                    var best = SIMD8<Float>(repeating: -.infinity), argv = SIMD8<Int32>(repeating: 0)
                    for i in 0..<K {
                        let v = SIMD8<Float>(repeating: score[i]) + UnsafeRawPointer(tr + i * K + j0).loadUnaligned(as: SIMD8<Float>.self)
                        let better = v .> best
                        best.replace(with: v, where: better)
                        argv.replace(with: Int32(i), where: better)
                    }
                    for l in 0..<8 { next[j0 + l] = best[l]; bt[j0 + l] = argv[l] }
                    j0 += 8
                }
                for i in 0..<K {
                    let si = score[i], row = tr + i * K
                    for j in j0..<K {
                        let v = si + row[j]
                        if v > next[j] { next[j] = v; bt[j] = Int32(i) }
                    }
                }
                for j in 0..<K { next[j] += et[j] }
                swap(&score, &next)
            }
            var best = -Float.infinity
            for k in 0..<K where score[k] + en[k] > best { best = score[k] + en[k]; arg = Int32(k) }
        }
        }
        }
        var path = [Int32](repeating: 0, count: n)
        path[n - 1] = arg
        viterbiBack.withUnsafeBufferPointer { back in
            for t in Swift.stride(from: n - 1, to: 0, by: -1) { path[t - 1] = back[t * K + Int(path[t])] }
        }
        return path
    }

    /// The probability, under the model, that positions `from..<to` carry exactly the tags of
    /// `path` there (from the scaled forward and backward probabilities): the confidence of one
    /// predicted entity.
    /// With a `temperature` other than 1, every score is divided by it (temperature scaling of
    /// the confidences; the best path does not change).
    package func spanProbabilities(emissions e: UnsafePointer<Float>, count n: Int, stride: Int,
                                  path: [Int32], spans: [(Int, Int)], temperature: Float = 1) -> [Double] {
        if spans.isEmpty || n == 0 { return [] }
        let K = tagCount
        _ = forwardScores(e, n, stride: stride, temperature: temperature)
        backwardScores(n)
        return spans.map { (from, to) in
            var p = Double(alpha[from * K + Int(path[from])])
            for t in (from + 1)..<max(to, from + 1) {
                let i = Int(path[t - 1]), j = Int(path[t])
                p *= Double(expT[i * K + j] * expE[t * K + j] / scale[t])
            }
            p *= Double(beta[(to - 1) * K + Int(path[to - 1])])
            return min(1, max(0, p))
        }
    }
}

/// Which BIOES tag sequences are well formed: what the CRF's fixed constraints encode.
extension ParsedTag {
    var canStartEntitySequence: Bool { prefix == .o || prefix == .b || prefix == .s }
    var canEndEntitySequence: Bool { prefix == .o || prefix == .e || prefix == .s }

    func canBeFollowed(by next: ParsedTag) -> Bool {
        switch prefix {
        case .b, .i: return (next.prefix == .i || next.prefix == .e) && next.type == type
        default: return next.canStartEntitySequence
        }
    }
}
