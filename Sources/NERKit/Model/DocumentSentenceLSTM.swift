import Foundation

/// Document context as a second, document-level BiLSTM over sentence states: each sentence is
/// read as the mean of its tokens' final BiLSTM states, a BiLSTM runs over the sentences of each
/// document in order, and every token reads that BiLSTM's state at its own sentence. A line of a
/// results table thus reads the lines around it more than a headline far away, which a mean
/// over the whole document (`DocumentMemory(byWord: false)`) cannot. This is the "second,
/// document-level BiLSTM over sentence states" of issue 14's candidates (and the cross-sentence
/// encoders of GCDoc and GCDT in spirit); a sentence alone is a document of one sentence.
///
/// A document is whatever shares a document id among a batch's columns (`Batch.documents`); its
/// sentences are read in the order of their index in the caller's array (`Batch.order`), which
/// is the order of the document. The caller keeps a document's sentences in one batch.
final class DocumentSentenceLSTM {
    let lstm: BiLSTM
    var outputSize: Int { lstm.outputSize }
    /// The documents of the last batch as sequences of sentences, longest first.
    private var layout = SequenceLayout(lengths: [])
    /// For each batch column, the row of its sentence in `layout`.
    private var columnRow: [Int] = []
    /// Each batch column's length.
    private var lengths: [Int] = []
    private let sentences = FloatBuffer(), dSentences = FloatBuffer(), dStates = FloatBuffer()

    init(inputSize: Int, hiddenSize: Int) {
        lstm = BiLSTM(name: "document.lstm", inputSize: inputSize, hiddenSize: hiddenSize)
    }

    var parameters: [Parameter] { lstm.parameters }

    func initialize(_ rng: inout SeededRandom) { lstm.initialize(&rng) }

    /// Orders the batch's columns into documents of sentences.
    private func prepare(_ batch: Batch) {
        let B = batch.layout.batch
        var columns: [Int32: [Int]] = [:], seen: [Int32] = []
        for b in 0..<B {
            let d = batch.documents[b]
            if columns[d] == nil { seen.append(d) }
            columns[d, default: []].append(b)
        }
        let documents = seen.map { d in columns[d]!.sorted { batch.order[$0] < batch.order[$1] } }
            .enumerated().sorted { $0.element.count != $1.element.count ? $0.element.count > $1.element.count : $0.offset < $1.offset }
            .map(\.element)
        layout = SequenceLayout(lengths: documents.map(\.count))
        columnRow = [Int](repeating: 0, count: B)
        for (d, sentenceColumns) in documents.enumerated() {
            for (t, b) in sentenceColumns.enumerated() { columnRow[b] = t * documents.count + d }
        }
        lengths = batch.layout.lengths
    }

    /// Writes each row's document state (`outputSize` floats, zeros in padding rows) into `out`
    /// (rows `outStride` apart), reading the first `width` floats of each row of `h` (rows
    /// `inStride` apart; `width` is the BiLSTM's input size). `training` keeps what `backward`
    /// needs; else the BiLSTM runs its inference pass.
    func forward(_ h: UnsafePointer<Float>, inStride: Int, width: Int, batch: Batch, training: Bool,
                         into out: UnsafeMutablePointer<Float>, outStride: Int) {
        prepare(batch)
        let B = batch.layout.batch, O = outputSize
        let s = sentences.zeroed(max(layout.rows, 1) * width)
        for b in 0..<B {
            let n = lengths[b], dst = s + columnRow[b] * width
            for t in 0..<n {
                let src = h + (t * B + b) * inStride
                for j in 0..<width { dst[j] += src[j] }
            }
            let inverse = 1 / Float(max(n, 1))
            for j in 0..<width { dst[j] *= inverse }
        }
        let states = training ? lstm.forward(s, layout: layout) : lstm.infer(s, layout: layout)
        for r in 0..<batch.layout.rows {
            let b = r % B, dst = out + r * outStride
            if r / B < lengths[b] { dst.update(from: states + columnRow[b] * O, count: O) } else { dst.update(repeating: 0, count: O) }
        }
    }

    /// The backward pass of the last `forward(training: true)`: `dOut` is the gradient of its
    /// output (rows `outStride` apart); each token's state gradient (the first `width` floats of
    /// each row of `dh`, rows `inStride` apart) gains its sentence's share.
    func backward(_ dOut: UnsafePointer<Float>, outStride: Int, accumulateInto dh: UnsafeMutablePointer<Float>, inStride: Int, width: Int) {
        let B = lengths.count, O = outputSize
        let dc = dStates.zeroed(max(layout.rows, 1) * O)
        for b in 0..<B {
            let dst = dc + columnRow[b] * O
            for t in 0..<lengths[b] {
                let src = dOut + (t * B + b) * outStride
                for j in 0..<O { dst[j] += src[j] }
            }
        }
        let ds = dSentences.reserve(max(layout.rows, 1) * width)
        lstm.backward(dc, dInput: ds)
        for b in 0..<B {
            let n = lengths[b], src = ds + columnRow[b] * width, inverse = 1 / Float(max(n, 1))
            for t in 0..<n {
                let dst = dh + (t * B + b) * inStride
                for j in 0..<width { dst[j] += src[j] * inverse }
            }
        }
    }
}
