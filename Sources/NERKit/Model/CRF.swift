import Foundation

/// A linear-chain conditional random field over tag sequences (Lafferty et al. 2001; the output
/// layer of Lample et al. 2016). A path's score is start(y₁) + Σ emission(t, yₜ) +
/// Σ transition(yₜ₋₁, yₜ) + end(yₙ); training minimises log Z − score(gold) computed by the
/// forward algorithm. Transitions the tag scheme forbids (O → I-PER, B-PER → E-LOC) get a fixed
/// score of −10⁴ and no gradient, so Viterbi never produces them.
public final class CRF {
    public let tagCount: Int
    public let transitions: Parameter  // [K × K], from row to column
    public let start: Parameter        // [K]
    public let end: Parameter          // [K]
    /// allowed[i*K+j]: may tag j follow tag i; allowedStart/End likewise.
    public let allowed: [Bool]
    public let allowedStart: [Bool]
    public let allowedEnd: [Bool]
    static let forbidden: Float = -10_000

    private var alpha: [Float] = []
    private var beta: [Float] = []
    private var scratch: [Float] = []

    public init(tags: [String]) {
        let K = tags.count
        tagCount = K
        transitions = Parameter("crf.transitions", shape: [K, K])
        start = Parameter("crf.start", shape: [K])
        end = Parameter("crf.end", shape: [K])
        var a = [Bool](repeating: true, count: K * K)
        var s = [Bool](repeating: true, count: K), e = [Bool](repeating: true, count: K)
        let parsed = tags.map(BIOESTag.init)
        for i in 0..<K {
            s[i] = BIOESTag.canStart(parsed[i])
            e[i] = BIOESTag.canEnd(parsed[i])
            for j in 0..<K { a[i * K + j] = BIOESTag.canFollow(parsed[i], parsed[j]) }
        }
        allowed = a; allowedStart = s; allowedEnd = e
        applyConstraints()
    }

    public var parameters: [Parameter] { [transitions, start, end] }

    public func initialize() {
        transitions.fill(0); start.fill(0); end.fill(0)
        applyConstraints()
    }

    /// Pins forbidden scores (after loading or an optimiser step) and clears their gradients.
    public func applyConstraints() {
        let K = tagCount
        for i in 0..<K * K where !allowed[i] { transitions.value[i] = CRF.forbidden; transitions.grad[i] = 0 }
        for i in 0..<K {
            if !allowedStart[i] { start.value[i] = CRF.forbidden; start.grad[i] = 0 }
            if !allowedEnd[i] { end.value[i] = CRF.forbidden; end.grad[i] = 0 }
        }
    }

    /// Fills alpha (n×K): log-sum of all path prefixes ending in tag k at t. Returns log Z.
    private func forwardScores(_ e: UnsafePointer<Float>, _ n: Int, stride: Int) -> Float {
        let K = tagCount
        if alpha.count < n * K { alpha = [Float](repeating: 0, count: n * K) }
        if scratch.count < K { scratch = [Float](repeating: 0, count: K) }
        let tr = transitions.value
        return alpha.withUnsafeMutableBufferPointer { al in
            let a = al.baseAddress!
            for k in 0..<K { a[k] = start.value[k] + e[k] }
            for t in 1..<max(n, 1) {
                let prev = a + (t - 1) * K, cur = a + t * K, et = e + t * stride
                for j in 0..<K {
                    var m = -Float.infinity
                    for i in 0..<K { m = max(m, prev[i] + tr[i * K + j]) }
                    var s: Float = 0
                    for i in 0..<K { s += expf(prev[i] + tr[i * K + j] - m) }
                    cur[j] = m + logf(s) + et[j]
                }
            }
            let last = a + (n - 1) * K
            var m = -Float.infinity
            for k in 0..<K { m = max(m, last[k] + end.value[k]) }
            var s: Float = 0
            for k in 0..<K { s += expf(last[k] + end.value[k] - m) }
            return m + logf(s)
        }
    }

    /// Fills beta (n×K): log-sum of all path suffixes after tag k at t.
    private func backwardScores(_ e: UnsafePointer<Float>, _ n: Int, stride: Int) {
        let K = tagCount
        if beta.count < n * K { beta = [Float](repeating: 0, count: n * K) }
        let tr = transitions.value
        beta.withUnsafeMutableBufferPointer { bp in
            let b = bp.baseAddress!
            for k in 0..<K { b[(n - 1) * K + k] = end.value[k] }
            if n < 2 { return }
            for t in Swift.stride(from: n - 2, through: 0, by: -1) {
                let next = b + (t + 1) * K, cur = b + t * K, en = e + (t + 1) * stride
                for i in 0..<K {
                    var m = -Float.infinity
                    for j in 0..<K { m = max(m, tr[i * K + j] + en[j] + next[j]) }
                    var s: Float = 0
                    for j in 0..<K { s += expf(tr[i * K + j] + en[j] + next[j] - m) }
                    cur[i] = m + logf(s)
                }
            }
        }
    }

    /// The negative log-likelihood of `gold` for one sentence, with emissions `e` (n rows,
    /// `stride` floats apart). Writes ∂loss/∂e · scale into `dE` and adds the transition
    /// gradients (times `scale`) into the parameters.
    public func loss(emissions e: UnsafePointer<Float>, count n: Int, stride: Int, gold: [Int32],
                     dEmissions dE: UnsafeMutablePointer<Float>, scale: Float) -> Float {
        let K = tagCount
        if n == 0 { return 0 }
        let logZ = forwardScores(e, n, stride: stride)
        backwardScores(e, n, stride: stride)
        let tr = transitions.value, tg = transitions.grad
        var goldScore = start.value[Int(gold[0])] + end.value[Int(gold[n - 1])]
        for t in 0..<n {
            goldScore += e[t * stride + Int(gold[t])]
            if t > 0 { goldScore += tr[Int(gold[t - 1]) * K + Int(gold[t])] }
        }
        alpha.withUnsafeBufferPointer { ap in
            beta.withUnsafeBufferPointer { bp in
                let a = ap.baseAddress!, b = bp.baseAddress!
                for t in 0..<n {
                    let d = dE + t * stride
                    for k in 0..<K { d[k] = scale * expf(a[t * K + k] + b[t * K + k] - logZ) }
                    d[Int(gold[t])] -= scale
                }
                for k in 0..<K {
                    start.grad[k] += dE[k]
                    end.grad[k] += dE[(n - 1) * stride + k]
                }
                for t in 1..<max(n, 1) {
                    let prev = a + (t - 1) * K, et = e + t * stride, next = b + t * K
                    for i in 0..<K {
                        for j in 0..<K where allowed[i * K + j] {
                            tg[i * K + j] += scale * expf(prev[i] + tr[i * K + j] + et[j] + next[j] - logZ)
                        }
                    }
                    tg[Int(gold[t - 1]) * K + Int(gold[t])] -= scale
                }
            }
        }
        applyConstraintsToGradients()
        return logZ - goldScore
    }

    private func applyConstraintsToGradients() {
        let K = tagCount
        for i in 0..<K * K where !allowed[i] { transitions.grad[i] = 0 }
        for i in 0..<K {
            if !allowedStart[i] { start.grad[i] = 0 }
            if !allowedEnd[i] { end.grad[i] = 0 }
        }
    }

    /// The highest-scoring tag sequence (Viterbi).
    public func decode(emissions e: UnsafePointer<Float>, count n: Int, stride: Int) -> [Int32] {
        let K = tagCount
        if n == 0 { return [] }
        var score = [Float](repeating: 0, count: K), next = [Float](repeating: 0, count: K)
        var back = [Int32](repeating: 0, count: n * K)
        let tr = transitions.value
        for k in 0..<K { score[k] = start.value[k] + e[k] }
        for t in 1..<max(n, 1) {
            let et = e + t * stride
            for j in 0..<K {
                var best = -Float.infinity, arg: Int32 = 0
                for i in 0..<K {
                    let s = score[i] + tr[i * K + j]
                    if s > best { best = s; arg = Int32(i) }
                }
                next[j] = best + et[j]
                back[t * K + j] = arg
            }
            swap(&score, &next)
        }
        var best = -Float.infinity, arg: Int32 = 0
        for k in 0..<K where score[k] + end.value[k] > best { best = score[k] + end.value[k]; arg = Int32(k) }
        var path = [Int32](repeating: 0, count: n)
        path[n - 1] = arg
        for t in Swift.stride(from: n - 1, to: 0, by: -1) { path[t - 1] = back[t * K + Int(path[t])] }
        return path
    }

    /// The probability, under the model, that positions `from..<to` carry exactly `tags`
    /// (from the forward and backward scores): the confidence of one predicted entity.
    public func spanProbabilities(emissions e: UnsafePointer<Float>, count n: Int, stride: Int,
                                  path: [Int32], spans: [(Int, Int)]) -> [Double] {
        if spans.isEmpty || n == 0 { return [] }
        let K = tagCount
        let logZ = forwardScores(e, n, stride: stride)
        backwardScores(e, n, stride: stride)
        let tr = transitions.value
        return spans.map { (from, to) in
            var s = alpha[from * K + Int(path[from])]
            for t in (from + 1)..<max(to, from + 1) {
                s += tr[Int(path[t - 1]) * K + Int(path[t])] + e[t * stride + Int(path[t])]
            }
            s += beta[(to - 1) * K + Int(path[to - 1])]
            return min(1, Double(expf(s - logZ)))
        }
    }
}

/// A tag read as BIOES for the CRF's constraints.
struct BIOESTag {
    let prefix: Character  // B I E S O
    let type: String

    init(_ tag: String) {
        if tag == "O" || tag.count < 3 { prefix = "O"; type = ""; return }
        let p = tag.first!
        prefix = "BIES".contains(p) ? p : "O"
        type = String(tag.dropFirst(2))
    }

    static func canStart(_ t: BIOESTag) -> Bool { t.prefix == "O" || t.prefix == "B" || t.prefix == "S" }
    static func canEnd(_ t: BIOESTag) -> Bool { t.prefix == "O" || t.prefix == "E" || t.prefix == "S" }
    static func canFollow(_ a: BIOESTag, _ b: BIOESTag) -> Bool {
        switch a.prefix {
        case "B", "I": return (b.prefix == "I" || b.prefix == "E") && b.type == a.type
        default: return canStart(b)
        }
    }
}
