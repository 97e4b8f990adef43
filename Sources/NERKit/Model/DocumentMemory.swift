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
/// A document is whatever shares a document id among a batch's columns (`Batch.documents`);
/// the caller keeps a document's sentences in one batch.
package final class DocumentMemory {
    /// Group rows by (document, word key); else by document alone.
    package let byWord: Bool
    /// The group (document, word) of each row, -1 for padding rows.
    private var group: [Int32] = []
    /// Rows per group.
    private var size: [Int32] = []
    private let sums = FloatBuffer()

    package init(byWord: Bool = true) {
        self.byWord = byWord
    }

    /// Groups the rows of `batch` by (document of the row's column, word key), or by document.
    package func prepare(_ batch: Batch) {
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
    }

    /// out(r) = (Σ over r's group of input − input(r)) / (rows in the group − 1), or zeros alone;
    /// `width` floats per row, rows `inStride` and `outStride` floats apart.
    package func forward(_ input: UnsafePointer<Float>, inStride: Int, width: Int,
                         into out: UnsafeMutablePointer<Float>, outStride: Int) {
        apply(input, inStride, width, out, outStride, accumulate: false)
    }

    /// Adds the gradient of the input, given the gradient of `forward`'s output, to `dInput`.
    /// The memory is a symmetric linear map (row r reads row r' with weight 1/(n−1) exactly when
    /// r' reads r), so its transpose is itself: backward is the same map applied to the gradient.
    package func backward(_ dOut: UnsafePointer<Float>, outStride: Int, width: Int,
                          accumulateInto dInput: UnsafeMutablePointer<Float>, inStride: Int) {
        apply(dOut, outStride, width, dInput, inStride, accumulate: true)
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
