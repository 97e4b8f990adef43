import XCTest
@testable import NERKit

/// The whole tagger end to end: embeddings, casing, character encoder, BiLSTM, output layer,
/// CRF or softmax, checked against finite differences of the batch loss.
final class ModelGradientTests: XCTestCase {
    static func tinyModel(_ kind: ModelConfig.CharEncoderKind, crf: Bool, bidirectional: Bool = true,
                          layers: Int = 1, dropout: Float = 0, variational: Bool = false) -> (TaggerModel, Batch) {
        let sentences: [([String], [String])] = [
            (["Teddy", "Roosevelt", "was", "here"], ["B-PER", "E-PER", "O", "O"]),
            (["Paris", "is", "big"], ["S-LOC", "O", "O"]),
            (["ACME", "Corp", "sells", "Teddy", "bears"], ["B-ORG", "E-ORG", "O", "O", "O"]),
            (["Hi"], ["O"]),
        ]
        var words = VocabularyBuilder(), chars = VocabularyBuilder()
        for (toks, _) in sentences { for t in toks { words.count(WordKey.normalize(t)); for c in t.unicodeScalars { chars.count(String(c)) } } }
        var tags = Vocabulary(specials: false)
        for t in ["O", "B-PER", "I-PER", "E-PER", "S-PER", "B-LOC", "I-LOC", "E-LOC", "S-LOC", "B-ORG", "I-ORG", "E-ORG", "S-ORG"] { tags.add(t) }
        let encoder = FeatureEncoder(words: words.build(), chars: chars.build(), tags: tags)
        var config = ModelConfig()
        config.wordDim = 4; config.casingDim = 2; config.charEncoder = kind
        config.charDim = 3; config.charHidden = 2; config.hidden = 3; config.crf = crf
        config.bidirectional = bidirectional; config.dropout = dropout
        config.layers = layers; config.variationalDropout = variational
        let model = TaggerModel(config: config, encoder: encoder)
        model.initialize(seed: 7)
        var surfaces = SurfaceTable()
        let encoded = sentences.map { encoder.encode($0.0, tags: $0.1, surfaces: &surfaces)! }
        return (model, Batch(encoded, indices: Array(encoded.indices), surfaces: surfaces))
    }

    func check(_ kind: ModelConfig.CharEncoderKind, crf: Bool, bidirectional: Bool = true) {
        let (model, batch) = Self.tinyModel(kind, crf: crf, bidirectional: bidirectional)
        var rng = SeededRandom(seed: 1)
        checkGradients("model \(kind) crf=\(crf)", parameters: model.parameters, samplesPerParameter: 6) {
            // The model returns the summed loss but its gradients are of the mean.
            let loss = model.loss(batch, rng: &rng) / Float(batch.layout.batch)
            return loss
        }
    }

    func testFullModelWithCharCNNAndCRF() { check(.cnn, crf: true) }

    func testTwoLayersWithVariationalDropout() {
        for variational in [false, true] {
            let (model, batch) = Self.tinyModel(.cnn, crf: true, layers: 2, dropout: 0.3, variational: variational)
            XCTAssertEqual(model.lstmLayers.count, 2)
            checkGradients("two layers, variational \(variational)", parameters: model.parameters, samplesPerParameter: 6) {
                // The same seed every call: the same dropout masks, so the loss is a function of the weights.
                var rng = SeededRandom(seed: 3)
                return model.loss(batch, rng: &rng) / Float(batch.layout.batch)
            }
        }
    }
    func testFullModelWithCharLSTMAndCRF() { check(.lstm, crf: true) }
    func testFullModelWithSoftmaxAndNoCharEncoder() { check(.none, crf: false) }
    func testForwardOnlyModel() { check(.cnn, crf: true, bidirectional: false) }

    func testTrainingReducesTheLoss() {
        for kind in [OptimizerKind.sgd, .adam] {
            let (model, batch) = Self.tinyModel(.cnn, crf: true)
            let opt = Optimizer(kind, parameters: model.parameters, learningRate: kind == .sgd ? 0.1 : 0.02)
            var rng = SeededRandom(seed: 1)
            let first = model.loss(batch, rng: &rng)
            opt.step()
            var last = first
            for _ in 0..<60 {
                last = model.loss(batch, rng: &rng)
                Optimizer.clipGradients(model.parameters, maxNorm: 5)
                opt.step()
                model.crf?.applyConstraints()
            }
            XCTAssertLessThan(last, first * 0.3, "\(kind) did not fit four sentences")
            let predicted = model.predict(batch)
            XCTAssertEqual(predicted, batch.tags, "\(kind) did not memorise the gold tags")
        }
    }
}
