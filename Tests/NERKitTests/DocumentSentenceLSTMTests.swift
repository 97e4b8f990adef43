import XCTest
@testable import NERKit

/// The document-level BiLSTM over sentence states (`DocumentSentenceLSTM`): what each token
/// reads, and its gradient against finite differences alone and inside the whole model.
final class DocumentSentenceLSTMTests: XCTestCase {
    /// Every token reads the document BiLSTM's state at its own sentence, the BiLSTM having read
    /// the document's sentences in order, each as the mean of its tokens' states; the inference
    /// pass gives the same numbers.
    func testEachTokenReadsTheDocumentStateOfItsSentence() {
        // Sentences 0 and 1 in document 7 (6 and 2 tokens), sentence 2 alone in document 8.
        let (batch, sentences) = DocumentMemoryTests.batch(DocumentMemoryTests.encoder(["Japan", "beat", "and", "lost", "won"]))
        let B = batch.layout.batch, rows = batch.layout.rows, width = 3, inStride = 4
        var rng = SeededRandom(seed: 3)
        let input = randomArray(rows * inStride, &rng)
        let module = DocumentSentenceLSTM(inputSize: width, hiddenSize: 2)
        module.initialize(&rng)
        let O = module.outputSize, outStride = O + 1
        var trained = [Float](repeating: .nan, count: rows * outStride)
        module.forward(input, inStride: inStride, width: width, batch: batch, training: true, into: &trained, outStride: outStride)
        module.lstm.prepareForInference()
        var inferred = [Float](repeating: .nan, count: rows * outStride)
        module.forward(input, inStride: inStride, width: width, batch: batch, training: false, into: &inferred, outStride: outStride)

        func row(_ sentence: Int, _ t: Int) -> Int { t * B + batch.order.firstIndex(of: sentence)! }
        func mean(_ sentence: Int) -> [Float] {
            (0..<width).map { j in (0..<sentences[sentence].count).map { input[row(sentence, $0) * inStride + j] }.reduce(0, +) / Float(sentences[sentence].count) }
        }
        // The expected states: the same BiLSTM run by hand over each document's sentence means.
        let reference = BiLSTM(name: "document.lstm", inputSize: width, hiddenSize: 2)
        for (p, q) in zip(reference.parameters, module.parameters) { p.value.update(from: q.value, count: q.count) }
        let document7 = reference.forward(mean(0) + mean(1), layout: SequenceLayout(lengths: [2]))
        let expected7 = [Array(UnsafeBufferPointer(start: document7, count: O)), Array(UnsafeBufferPointer(start: document7 + O, count: O))]
        let document8 = reference.forward(mean(2), layout: SequenceLayout(lengths: [1]))
        let expected8 = Array(UnsafeBufferPointer(start: document8, count: O))
        XCTAssertNotEqual(expected7[0], expected7[1], "the two sentences of a document read different states")
        for (s, words) in sentences.enumerated() {
            let expected = s == 2 ? expected8 : expected7[s]
            for t in words.indices {
                for j in 0..<O {
                    XCTAssertEqual(trained[row(s, t) * outStride + j], expected[j], accuracy: 1e-5, "sentence \(s), token \(t)")
                    XCTAssertEqual(inferred[row(s, t) * outStride + j], expected[j], accuracy: 1e-5, "inference: sentence \(s), token \(t)")
                }
            }
        }
        // Padding rows read zeros; the stride's spare column is left alone.
        for r in 0..<rows where r / B >= batch.layout.lengths[r % B] { XCTAssertEqual(trained[r * outStride], 0) }
        for r in 0..<rows { XCTAssertTrue(trained[r * outStride + O].isNaN) }
    }

    func testGradientOfTheDocumentLSTMAgainstFiniteDifferences() {
        let (batch, _) = DocumentMemoryTests.batch(DocumentMemoryTests.encoder(["Japan", "beat", "and", "lost", "won"]))
        let rows = batch.layout.rows, width = 3, inStride = 4
        let input = Parameter("input", shape: [rows, inStride])
        var rng = SeededRandom(seed: 5)
        input.initUniform(1, &rng)
        let module = DocumentSentenceLSTM(inputSize: width, hiddenSize: 2)
        module.initialize(&rng)
        let O = module.outputSize, outStride = O + 2
        let weights = randomArray(rows * outStride, &rng)
        var out = [Float](repeating: 0, count: rows * outStride)
        checkGradients("document BiLSTM over sentence states", parameters: [input] + module.parameters) {
            module.forward(input.value, inStride: inStride, width: width, batch: batch, training: true, into: &out, outStride: outStride)
            // The gradient of Σ weights·out with respect to out is `weights`.
            weights.withUnsafeBufferPointer {
                module.backward($0.baseAddress!, outStride: outStride, accumulateInto: input.grad, inStride: inStride, width: width)
            }
            var loss: Float = 0
            for r in 0..<rows { for j in 0..<O { loss += out[r * outStride + j] * weights[r * outStride + j] } }
            return loss
        }
    }

    func testGradientOfTheWholeModelWithADocumentLSTM() {
        var config = DocumentMemoryTests.smallModelConfig()
        config.documentLSTM = 2
        for (crf, memory) in [(true, false), (false, false), (true, true)] {
            config.crf = crf
            config.documentContext = memory
            let model = TaggerModel(config: config, encoder: DocumentMemoryTests.encoder(DocumentMemoryTests.smallVocabulary))
            model.initialize(seed: 7)
            XCTAssertTrue(model.readsDocuments)
            XCTAssertEqual(model.outWeight.shape, [3, 6 * (memory ? 2 : 1) + 4])
            let b = DocumentMemoryTests.taggedBatch(model) { $0 < 2 ? 7 : 8 }
            var rng = SeededRandom(seed: 1)
            checkGradients("model with a document BiLSTM, memory \(memory), crf \(crf)", parameters: model.parameters, samplesPerParameter: 6) {
                model.loss(b, rng: &rng) / Float(b.layout.batch)
            }
        }
    }
}
