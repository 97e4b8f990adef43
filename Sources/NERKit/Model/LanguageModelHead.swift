import Foundation

/// The language-modelling objective trained beside the tags (Rei, "Semi-supervised multitask
/// learning for sequence labeling", ACL 2017): the forward LSTM's state at a token predicts the
/// next word of the sentence and the backward LSTM's state the previous one, each through a
/// softmax over the `words` most frequent training words and one class for every other word.
/// Predicting the neighbours makes the states carry what a word's context says about it beyond
/// the tags of 200,000 training tokens. It is used in training only; tagging never reads it.
///
/// Word ids are the vocabulary's (padding 0, unknown 1, then the training words most frequent
/// first), so word id w is class w − 1 for 2 ≤ w < words + 2 and class 0 otherwise.
final class LanguageModelHead {
    let words: Int
    let hiddenSize: Int
    let forwardWeight: Parameter   // [(words + 1) × H]
    let forwardBias: Parameter     // [words + 1]
    let backwardWeight: Parameter  // [(words + 1) × H]
    let backwardBias: Parameter    // [words + 1]

    private let logits = FloatBuffer(), dLogits = FloatBuffer()

    init(words: Int, hiddenSize: Int) {
        self.words = words
        self.hiddenSize = hiddenSize
        forwardWeight = Parameter("lm.forward.weight", shape: [words + 1, hiddenSize])
        forwardBias = Parameter("lm.forward.bias", shape: [words + 1])
        backwardWeight = Parameter("lm.backward.weight", shape: [words + 1, hiddenSize])
        backwardBias = Parameter("lm.backward.bias", shape: [words + 1])
    }

    var parameters: [Parameter] { [forwardWeight, forwardBias, backwardWeight, backwardBias] }

    func initialize(_ rng: inout SeededRandom) {
        let limit = (6 / Float(words + 1 + hiddenSize)).squareRoot()
        forwardWeight.initUniform(limit, &rng)
        backwardWeight.initUniform(limit, &rng)
        forwardBias.fill(0)
        backwardBias.fill(0)
    }

    /// The class a word id is predicted as.
    func wordClass(_ id: Int32) -> Int {
        id >= 2 && Int(id) < words + 2 ? Int(id) - 1 : 0
    }

    /// Forward and backward pass of both directions' predictions. `states` are the BiLSTM's
    /// ([rows × 2H] in `layout`, forward state then backward state); `wordIds` the batch's word
    /// ids per row. Adds `scale` times the gradients of the summed cross-entropy to the head's
    /// parameters and to `dStates` (same shape as `states`), and returns the summed
    /// cross-entropy.
    func loss(states: UnsafePointer<Float>, layout: SequenceLayout, wordIds: [Int32], scale: Float,
                      dStates: UnsafeMutablePointer<Float>) -> Float {
        let H = hiddenSize, O = 2 * H, C = words + 1, B = layout.batch, rows = layout.rows
        var total: Float = 0
        for (direction, (weight, bias)) in [(forwardWeight, forwardBias), (backwardWeight, backwardBias)].enumerated() {
            let h = states + direction * H, dh = dStates + direction * H
            let z = logits.reserve(rows * C), dz = dLogits.zeroed(rows * C)
            for r in 0..<rows { (z + r * C).update(from: bias.value, count: C) }
            BLAS.gemm(transB: true, m: rows, n: C, k: H, h, lda: O, weight.value, beta: 1, z)
            for b in 0..<B {
                let n = layout.lengths[b]
                for t in 0..<n {
                    // Forward: the state at t predicts the word at t + 1; backward: at t − 1.
                    let target = direction == 0 ? t + 1 : t - 1
                    guard target >= 0 && target < n else { continue }
                    let r = t * B + b
                    let gold = wordClass(wordIds[target * B + b])
                    let row = z + r * C, d = dz + r * C
                    let lse = Activations.logSumExp(row, C)
                    for k in 0..<C { d[k] = scale * expf(row[k] - lse) }
                    d[gold] -= scale
                    total += lse - row[gold]
                }
            }
            BLAS.gemm(transA: true, m: C, n: H, k: rows, dz, h, ldb: O, beta: 1, weight.grad)
            for r in 0..<rows { let d = dz + r * C; for k in 0..<C { bias.grad[k] += d[k] } }
            BLAS.gemm(m: rows, n: H, k: C, dz, weight.value, beta: 1, dh, ldc: O)
        }
        return total
    }
}
