import Foundation

/// Document context for the tag layer: every token also reads the mean of the final BiLSTM
/// states of the *other* occurrences of its word in the same document, so that "Japan" in a line
/// of a results table sees how "Japan" is used in the rest of the story. This is the document
/// memory of Luo, Xiao and Zhao (AAAI 2020), pooled by a mean instead of attention; words match
/// case-folded with digits as 0 (`WordKey.normalize`), so the memory works the same on
/// lowercase and all-caps text. A token without another occurrence reads zeros.
///
/// The memory is linear in the states, so its backward pass is its transpose: each occurrence
/// receives the mean of its partners' gradients. It sits above the BiLSTM, so the first layer's
/// input of a token still depends on its spelling alone (`TaggerModel.SpellingProjections`).
///
/// Grouped by document alone (`byWord: false`), the same pooling gives every token the mean of
/// the states of all other tokens of its document: a summary of what the document is about (a
/// results table, a market report), for `ModelConfig.documentSummary`, as the global
/// representation of GCDT (Liu et al., ACL 2019) does for a sentence.
///
/// With `attention`, a token reads its partners weighted by how alike their states are, softmax
/// over xᵣ·xⱼ/√width, instead of their plain mean: the memory of Luo et al. with its attention
/// and without parameters, meant to let "Japan" in a line of a results table read mostly the
/// other table lines rather than the headline (on CoNLL-2003 it measured the same as the mean;
/// docs/experiments/2026-12-03-document-context.md). The map is no longer linear, so the forward pass keeps its
/// input and the weights for the backward one.
///
/// A document is whatever shares a document id among a batch's columns (`Batch.documents`);
/// the caller keeps a document's sentences in one batch.
final class DocumentMemory {
    /// Group rows by (document, word key); else by document alone.
    let byWord: Bool
    /// Weight partners by the softmax of their states' dot products instead of equally.
    let attention: Bool
    /// The group (document, word) of each row, -1 for padding rows.
    private var group: [Int32] = []
    /// Rows per group.
    private var size: [Int32] = []
    private let sums = FloatBuffer()

    /// With `attention`: the forward pass's input ([rows × width]) and, for each row in group
    /// order, its weights over its group's other rows (`weightStart`).
    private let keptInput = FloatBuffer()
    private var keptWidth = 0
    private var weights: [Float] = []
    private var weightStart: [Int] = []
    /// The rows of each group, group after group (`memberStart[g]..<memberStart[g + 1]`).
    private var members: [Int32] = []
    private var memberStart: [Int] = []

    init(byWord: Bool = true, attention: Bool = false) {
        self.byWord = byWord
        self.attention = attention
    }

    /// Groups the rows of `batch` by (document of the row's column, word key), or by document.
    func prepare(_ batch: Batch) {
        let B = batch.layout.batch, rows = batch.layout.rows
        group = [Int32](repeating: -1, count: rows)
        size.removeAll(keepingCapacity: true)
        var ids: [DocumentWord: Int32] = [:]
        for r in 0..<rows {
            let key = byWord ? batch.keys[r] : 0
            if key < 0 || batch.words[r] < 0 { continue }
            let k = DocumentWord(document: batch.documents[r % B], key: key)
            if let g = ids[k] {
                group[r] = g
                size[Int(g)] += 1
            } else {
                let g = Int32(size.count)
                ids[k] = g
                group[r] = g
                size.append(1)
            }
        }
        guard attention else { return }
        memberStart = [Int](repeating: 0, count: size.count + 1)
        for g in size.indices { memberStart[g + 1] = memberStart[g] + Int(size[g]) }
        var next = memberStart
        members = [Int32](repeating: 0, count: memberStart[size.count])
        for (r, g) in group.enumerated() where g >= 0 {
            members[next[Int(g)]] = Int32(r)
            next[Int(g)] += 1
        }
    }

    /// out(r) = (Σ over r's group of input − input(r)) / (rows in the group − 1), or with
    /// `attention` the softmax-weighted sum over the same rows (`attend`); zeros alone. `width`
    /// floats per row, rows `inStride` and `outStride` floats apart.
    func forward(_ input: UnsafePointer<Float>, inStride: Int, width: Int,
                         into out: UnsafeMutablePointer<Float>, outStride: Int) {
        if attention {
            attend(input, inStride, width, out, outStride)
        } else {
            apply(input, inStride, width, out, outStride, accumulate: false)
        }
    }

    /// Adds the gradient of the input, given the gradient of `forward`'s output, to `dInput`
    /// (with `attention`, of the last `forward`'s output). The mean is a symmetric linear map
    /// (row r reads row r' with weight 1/(n−1) exactly when r' reads r), so its transpose is
    /// itself: its backward pass is the same map applied to the gradient.
    func backward(_ dOut: UnsafePointer<Float>, outStride: Int, width: Int,
                          accumulateInto dInput: UnsafeMutablePointer<Float>, inStride: Int) {
        if attention {
            attendBackward(dOut, outStride, width, dInput, inStride)
        } else {
            apply(dOut, outStride, width, dInput, inStride, accumulate: true)
        }
    }

    /// Attention within each group: y(r) = Σⱼ aᵣⱼ x(j) over the group's other rows j, aᵣ =
    /// softmax(x(r)·x(j) / √width); rows alone get zeros. Keeps x and a for `attendBackward`.
    private func attend(_ x: UnsafePointer<Float>, _ xStride: Int, _ width: Int,
                        _ y: UnsafeMutablePointer<Float>, _ yStride: Int) {
        let rows = group.count
        let kept = keptInput.reserve(max(1, rows * width))
        keptWidth = width
        for r in 0..<rows { (kept + r * width).update(from: x + r * xStride, count: width) }
        for r in 0..<rows { (y + r * yStride).update(repeating: 0, count: width) }
        weights.removeAll(keepingCapacity: true)
        weightStart.removeAll(keepingCapacity: true)
        let scale = 1 / Float(width).squareRoot()
        for g in size.indices where size[g] > 1 {
            let rowsOfGroup = members[memberStart[g]..<memberStart[g + 1]]
            for r in rowsOfGroup {
                let q = kept + Int(r) * width
                weightStart.append(weights.count)
                let first = weights.count
                var largest = -Float.infinity
                for j in rowsOfGroup where j != r {
                    let k = kept + Int(j) * width
                    var dot: Float = 0
                    for c in 0..<width { dot += q[c] * k[c] }
                    weights.append(dot * scale)
                    largest = max(largest, dot * scale)
                }
                var total: Float = 0
                for w in first..<weights.count { weights[w] = expf(weights[w] - largest); total += weights[w] }
                let out = y + Int(r) * yStride
                var w = first
                for j in rowsOfGroup where j != r {
                    weights[w] /= total
                    let a = weights[w], v = kept + Int(j) * width
                    for c in 0..<width { out[c] += a * v[c] }
                    w += 1
                }
            }
        }
    }

    /// The gradient of `attend` with respect to its input, added to `dx`: through the values
    /// (aᵣⱼ·dy(r) to row j) and through the scores (∂sᵣⱼ = aᵣⱼ(dy(r)·x(j) − Σₖ aᵣₖ dy(r)·x(k)),
    /// which reaches row r as ∂sᵣⱼ x(j)/√width and row j as ∂sᵣⱼ x(r)/√width).
    private func attendBackward(_ dy: UnsafePointer<Float>, _ dyStride: Int, _ width: Int,
                                _ dx: UnsafeMutablePointer<Float>, _ dxStride: Int) {
        precondition(width == keptWidth, "attendBackward after a forward pass of another width")
        let kept = keptInput.pointer
        let scale = 1 / Float(width).squareRoot()
        var dScores: [Float] = []
        var n = 0
        for g in size.indices where size[g] > 1 {
            let rowsOfGroup = members[memberStart[g]..<memberStart[g + 1]]
            for r in rowsOfGroup {
                let first = weightStart[n]
                n += 1
                let d = dy + Int(r) * dyStride, q = kept + Int(r) * width
                dScores.removeAll(keepingCapacity: true)
                var mean: Float = 0
                var w = first
                for j in rowsOfGroup where j != r {
                    let v = kept + Int(j) * width
                    var da: Float = 0
                    for c in 0..<width { da += d[c] * v[c] }
                    dScores.append(da)
                    mean += weights[w] * da
                    w += 1
                }
                w = first
                var k = 0
                let dq = dx + Int(r) * dxStride
                for j in rowsOfGroup where j != r {
                    let a = weights[w]
                    let ds = a * (dScores[k] - mean) * scale
                    let v = kept + Int(j) * width, dv = dx + Int(j) * dxStride
                    for c in 0..<width {
                        dv[c] += a * d[c] + ds * q[c]
                        dq[c] += ds * v[c]
                    }
                    w += 1
                    k += 1
                }
            }
        }
    }

    /// y(r) (=, or += with `accumulate`) (Σ over r's group of x − x(r)) / (n − 1); rows alone get
    /// zeros (or nothing added).
    private func apply(_ x: UnsafePointer<Float>, _ xStride: Int, _ width: Int,
                       _ y: UnsafeMutablePointer<Float>, _ yStride: Int, accumulate: Bool) {
        let s = sums.zeroed(max(1, size.count * width))
        for (r, g) in group.enumerated() where g >= 0 && size[Int(g)] > 1 {
            let src = x + r * xStride, dst = s + Int(g) * width
            for j in 0..<width { dst[j] += src[j] }
        }
        for (r, g) in group.enumerated() {
            let dst = y + r * yStride
            guard g >= 0, size[Int(g)] > 1 else {
                if !accumulate { dst.update(repeating: 0, count: width) }
                continue
            }
            let own = x + r * xStride, sum = s + Int(g) * width
            let scale = 1 / Float(size[Int(g)] - 1)
            if accumulate {
                for j in 0..<width { dst[j] += (sum[j] - own[j]) * scale }
            } else {
                for j in 0..<width { dst[j] = (sum[j] - own[j]) * scale }
            }
        }
    }

    private struct DocumentWord: Hashable {
        var document: Int32
        var key: Int32
    }
}
