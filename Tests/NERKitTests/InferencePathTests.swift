import XCTest
@testable import NERKit

/// `predict` runs an inference-only forward pass (no activations kept, transposed weights,
/// fused gate kernel); it must give the tags of the training path's forward pass and the same
/// emission scores up to float rounding.
final class InferencePathTests: XCTestCase {
    /// A small model with random weights large enough to saturate some gates, and a batch of
    /// sentences of different lengths (padding in the packed layout).
    func model(hidden: Int, layers: Int = 1, bidirectional: Bool = true, crf: Bool = true,
               char: ModelConfig.CharEncoderKind = .cnn, seed: UInt64 = 3) -> (TaggerModel, Batch) {
        let sentences: [[String]] = [
            ["Maria", "Lopez", "flew", "to", "Lisbon", "on", "Monday", "."],
            ["The", "Zorblat", "Institute", "said", "so"],
            ["Quiet", "."],
            ["Yes"],
            ["Ships", "left", "Port", "Ellen", "at", "dawn", "with", "Anna", "Berg", "aboard", "again"],
        ]
        var words = VocabularyBuilder(), chars = VocabularyBuilder()
        for s in sentences.dropLast() { for t in s { words.count(WordKey.normalize(t)); for c in t.unicodeScalars { chars.count(String(c)) } } }
        var tags = Vocabulary(specials: false)
        for t in ["O", "B-PER", "I-PER", "E-PER", "S-PER", "B-LOC", "I-LOC", "E-LOC", "S-LOC"] { tags.add(t) }
        let encoder = FeatureEncoder(words: words.build(), chars: chars.build(), tags: tags)
        var config = ModelConfig()
        config.wordDim = 6; config.casingDim = 3; config.charEncoder = char
        config.charDim = 4; config.charHidden = 5; config.hidden = hidden; config.crf = crf
        config.bidirectional = bidirectional; config.layers = layers; config.dropout = 0.5
        let model = TaggerModel(config: config, encoder: encoder)
        model.initialize(seed: seed)
        var rng = SeededRandom(seed: seed)
        for p in model.parameters { for i in 0..<p.count { p.value[i] += rng.uniform(1.5) } }
        model.crf?.applyConstraints()
        var surfaces = SurfaceTable()
        let encoded = sentences.map { encoder.encode($0, surfaces: &surfaces)! }
        return (model, Batch(encoded, indices: Array(encoded.indices), surfaces: surfaces))
    }

    func assertSame(_ model: TaggerModel, _ batch: Batch, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        let reference = model.trainingPathEmissions(batch)
        let B = batch.layout.batch, K = model.tagCount
        var expected: [[Int32]] = []
        reference.withUnsafeBufferPointer { e in
            for b in 0..<B {
                let n = batch.layout.lengths[b]
                if let crf = model.crf {
                    expected.append(crf.decode(emissions: e.baseAddress! + b * K, count: n, stride: B * K))
                } else {
                    expected.append((0..<n).map { t in
                        let row = e.baseAddress! + (t * B + b) * K
                        return Int32((0..<K).max { row[$0] < row[$1] }!)
                    })
                }
            }
        }
        let paths = model.predict(batch)
        XCTAssertEqual(paths, expected, "\(label): tags", file: file, line: line)
        let fast = model.lastEmissions(batch)
        XCTAssertEqual(fast.count, reference.count, file: file, line: line)
        var worst: Float = 0
        for b in 0..<B {
            for t in 0..<batch.layout.lengths[b] {
                for k in 0..<K {
                    let i = (t * B + b) * K + k
                    worst = max(worst, abs(fast[i] - reference[i]) / max(1, abs(reference[i])))
                }
            }
        }
        XCTAssertLessThan(worst, 1e-4, "\(label): emission scores", file: file, line: line)
        // Some variety in the tags, or the comparison proves little.
        XCTAssertGreaterThan(Set(paths.flatMap { $0 }).count, 1, "\(label): all tags equal", file: file, line: line)
    }

    func testSameTagsAndScoresAsTrainingForward() {
        // Hidden sizes below, at and between SIMD widths (padding lanes in the gate kernel).
        for hidden in [3, 8, 13] {
            let (m, batch) = model(hidden: hidden)
            assertSame(m, batch, "hidden \(hidden)")
            m.prepareForInference()
            assertSame(m, batch, "hidden \(hidden), prepared")
        }
    }

    func testVariants() {
        let cases: [(String, (TaggerModel, Batch))] = [
            ("two layers", model(hidden: 5, layers: 2)),
            ("left to right only", model(hidden: 6, bidirectional: false)),
            ("softmax output", model(hidden: 4, crf: false)),
            ("char BiLSTM", model(hidden: 9, char: .lstm)),
            ("no char encoder", model(hidden: 7, char: .none)),
        ]
        for (label, (m, batch)) in cases { assertSame(m, batch, label) }
    }

    func testParallelDirectionsGiveTheSameResult() {
        let (m, batch) = model(hidden: 10, layers: 2)
        let serial = m.predict(batch), serialScores = m.lastEmissions(batch)
        m.parallel = true
        XCTAssertEqual(m.predict(batch), serial)
        XCTAssertEqual(m.lastEmissions(batch), serialScores)
    }

    /// Training changes the weights after a `predict`; without `prepareForInference` the next
    /// `predict` must see the new weights.
    func testUnpreparedModelFollowsWeightChanges() {
        let (m, batch) = model(hidden: 6)
        _ = m.predict(batch)
        for p in m.lstmLayers[0].parameters { for i in 0..<p.count { p.value[i] *= -0.7 } }
        assertSame(m, batch, "after a weight change")
    }

    func testBatchesOfOneSentence() {
        let (m, batch) = model(hidden: 12)
        m.prepareForInference()
        let all = m.predict(batch)
        // The same sentences one at a time give the same tags.
        let sentences = batch.order
        for (col, index) in sentences.enumerated() {
            var surfaces = SurfaceTable()
            let words: [[String]] = [
                ["Maria", "Lopez", "flew", "to", "Lisbon", "on", "Monday", "."],
                ["The", "Zorblat", "Institute", "said", "so"],
                ["Quiet", "."],
                ["Yes"],
                ["Ships", "left", "Port", "Ellen", "at", "dawn", "with", "Anna", "Berg", "aboard", "again"],
            ]
            let one = [m.encoder.encode(words[index], surfaces: &surfaces)!]
            let single = Batch(one, indices: [0], surfaces: surfaces)
            XCTAssertEqual(m.predict(single), [all[col]], "sentence \(index)")
        }
    }
}
