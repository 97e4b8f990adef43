import XCTest
@testable import NERKit

/// The language-model objective (`LanguageModelHead`): which word each state predicts, its
/// gradient against finite differences alone and inside the whole model, and that tagging does
/// not depend on it.
final class LanguageModelHeadTests: XCTestCase {
    /// The three sentences of `DocumentMemoryTests` and its encoder.
    private typealias Helper = DocumentMemoryTests

    func testWordClassesAreTheMostFrequentWordsThenOneForTheRest() {
        let head = LanguageModelHead(words: 3, hiddenSize: 2)
        XCTAssertEqual((0..<7).map { head.wordClass(Int32($0)) }, [0, 0, 1, 2, 3, 0, 0])
        XCTAssertEqual(head.wordClass(-1), 0, "padding")
    }

    /// With all weights zero but one bias, every prediction is the softmax of the biases, so
    /// the loss counts exactly the predicted positions: n − 1 per direction and sentence.
    func testEachStatePredictsItsNeighbourWithinTheSentence() {
        let (batch, sentences) = Helper.batch(Helper.encoder(["Japan", "beat", "and", "lost", "won"]))
        let head = LanguageModelHead(words: 4, hiddenSize: 2)
        head.forwardWeight.fill(0); head.backwardWeight.fill(0)
        head.forwardBias.fill(0); head.backwardBias.fill(0)
        let rows = batch.layout.rows
        let states = [Float](repeating: 0.5, count: rows * 4)
        var dStates = [Float](repeating: 0, count: rows * 4)
        let loss = head.loss(states: states, layout: batch.layout, wordIds: batch.words, scale: 1, dStates: &dStates)
        let predicted = sentences.reduce(0) { $0 + 2 * ($1.count - 1) }
        XCTAssertEqual(loss, Float(predicted) * logf(5), accuracy: 1e-3)
        // Uniform predictions: class k's forward bias gradient is (positions predicted) / 5
        // minus how often k is the next word.
        var nextWords = [Float](repeating: 0, count: 5)
        let B = batch.layout.batch
        for b in 0..<B {
            for t in 1..<batch.layout.lengths[b] { nextWords[head.wordClass(batch.words[t * B + b])] += 1 }
        }
        let positions = Float(predicted / 2)
        for k in 0..<5 {
            XCTAssertEqual(head.forwardBias.grad[k], positions / 5 - nextWords[k], accuracy: 1e-4, "class \(k)")
        }
        XCTAssertGreaterThan(nextWords[0], 0, "some next words are outside the 4 classes")
        XCTAssertGreaterThan(nextWords.dropFirst().reduce(0, +), 0)
    }

    func testGradientOfTheHeadAlone() {
        let (batch, _) = Helper.batch(Helper.encoder(["Japan", "beat", "and", "lost", "won"]))
        let head = LanguageModelHead(words: 4, hiddenSize: 3)
        var rng = SeededRandom(seed: 3)
        head.initialize(&rng)
        let rows = batch.layout.rows
        let states = Parameter("states", shape: [rows, 6])
        states.initUniform(1, &rng)
        // Padding rows hold zeros, as the BiLSTM leaves them.
        for b in 0..<batch.layout.batch {
            for t in batch.layout.lengths[b]..<batch.layout.steps { for j in 0..<6 { states.value[(t * batch.layout.batch + b) * 6 + j] = 0 } }
        }
        checkGradients("language-model head", parameters: head.parameters + [states]) {
            0.7 * head.loss(states: states.value, layout: batch.layout, wordIds: batch.words, scale: 0.7, dStates: states.grad)
        }
    }

    func testGradientOfTheWholeModelWithTheLanguageModel() {
        var config = Helper.smallModelConfig()
        config.languageModelWords = 4
        config.languageModelWeight = 0.5
        for (crf, memory) in [(true, false), (false, false), (true, true)] {
            config.crf = crf
            config.documentContext = memory
            let model = TaggerModel(config: config, encoder: Helper.encoder(Helper.smallVocabulary))
            model.initialize(seed: 7)
            XCTAssertNotNil(model.languageModel)
            let b = Helper.taggedBatch(model) { $0 < 2 ? 7 : 8 }
            var rng = SeededRandom(seed: 1)
            checkGradients("model with the language model, memory \(memory), crf \(crf)", parameters: model.parameters, samplesPerParameter: 6) {
                model.loss(b, rng: &rng) / Float(b.layout.batch)
            }
        }
    }

    /// The objective changes what is learned, never how a trained model tags: predictions are
    /// those of the same weights without the head.
    func testTaggingDoesNotReadTheHead() {
        let vocabulary = ["Japan", "beat", "and", "lost", "won"]
        var config = ModelConfig()
        config.wordDim = 4; config.casingDim = 2; config.charEncoder = .cnn
        config.charDim = 3; config.charHidden = 2; config.hidden = 3
        var withHead = config
        withHead.languageModelWords = 4
        let a = TaggerModel(config: config, encoder: Helper.encoder(vocabulary))
        let b = TaggerModel(config: withHead, encoder: Helper.encoder(vocabulary))
        a.initialize(seed: 5)
        b.initialize(seed: 5)
        for (p, q) in zip(a.parameters, b.parameters) { q.value.update(from: p.value, count: p.count) }
        b.languageModel?.forwardBias.fill(3)
        let (batch, _) = Helper.batch(a.encoder)
        XCTAssertEqual(a.predict(batch), b.predict(batch))
        XCTAssertEqual(a.lastEmissions(batch), b.lastEmissions(batch))
    }
}
