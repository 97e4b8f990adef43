import XCTest
@testable import NERKit

/// `predict` runs an inference-only forward pass (no activations kept, transposed weights,
/// fused gate kernel); it must give the tags of the training path's forward pass and the same
/// emission scores up to float rounding.
final class InferencePathTests: XCTestCase {
    /// A small model with random weights large enough to saturate some gates, and a batch of
    /// sentences of different lengths (padding in the packed layout).
    func model(hidden: Int, layers: Int = 1, bidirectional: Bool = true, crf: Bool = true,
               char: ModelConfig.CharEncoderKind = .cnn, seed: UInt64 = 3, documentContext: Bool = false,
               documentSummary: Bool = false, documentAttention: Bool = false) -> (TaggerModel, Batch) {
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
        config.documentContext = documentContext
        config.documentSummary = documentSummary
        config.documentAttention = documentAttention
        let model = TaggerModel(config: config, encoder: encoder)
        model.initialize(seed: seed)
        var rng = SeededRandom(seed: seed)
        for p in model.parameters { for i in 0..<p.count { p.value[i] += rng.uniform(1.5) } }
        model.crf?.applyConstraints()
        var surfaces = SurfaceTable()
        var encoded = sentences.map { encoder.encode($0, surfaces: &surfaces)! }
        // Two documents: the first two sentences, and the rest ("." and "Anna"-less repeats meet).
        for i in encoded.indices { encoded[i].document = i < 2 ? 0 : 1 }
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
            ("document context", model(hidden: 6, documentContext: true)),
            ("document context, two layers, softmax", model(hidden: 5, layers: 2, crf: false, documentContext: true)),
            ("document summary", model(hidden: 6, documentSummary: true)),
            ("document context and summary", model(hidden: 5, crf: false, documentContext: true, documentSummary: true)),
            // Attention is not linear in the states: inference pools states, not scores.
            ("document context with attention", model(hidden: 6, documentContext: true, documentAttention: true)),
            ("document attention and summary", model(hidden: 5, documentContext: true, documentSummary: true, documentAttention: true)),
        ]
        for (label, (m, batch)) in cases { assertSame(m, batch, label) }
    }

    /// A model set to bfloat16 tags with it (its scores differ from float32's) and stays close:
    /// the same tags and emission scores within a few per cent on a small random model.
    func testAModelInBFloat16StaysCloseToFloat32() throws {
        if !InferencePrecision.cpuHasBFloat16 { throw XCTSkip("this CPU has no AVX512_BF16") }
        let (model, batch) = self.model(hidden: 40, seed: 4)
        model.prepareForInference()
        let tags32 = model.predict(batch), scores32 = model.lastEmissions(batch)
        model.inferencePrecision = .bfloat16
        XCTAssertEqual(model.inferencePrecision.effective, .bfloat16)
        model.prepareForInference()
        let tags16 = model.predict(batch), scores16 = model.lastEmissions(batch)
        var worst: Float = 0
        for b in 0..<batch.layout.batch {
            for t in 0..<batch.layout.lengths[b] {
                for k in 0..<model.tagCount {
                    let i = (t * batch.layout.batch + b) * model.tagCount + k
                    worst = max(worst, abs(scores16[i] - scores32[i]) / max(1, abs(scores32[i])))
                }
            }
        }
        XCTAssertGreaterThan(worst, 0, "bfloat16 was not used")
        XCTAssertLessThan(worst, 0.05)
        XCTAssertEqual(tags16, tags32)
        model.inferencePrecision = .float32
        model.prepareForInference()
        XCTAssertEqual(model.predict(batch), tags32)
        XCTAssertEqual(model.lastEmissions(batch), scores32, "back to float32: its scores again")
    }

    func testParallelDirectionsGiveTheSameResult() {
        let (m, batch) = model(hidden: 10, layers: 2)
        let serial = m.predict(batch), serialScores = m.lastEmissions(batch)
        for layer in m.lstmLayers { layer.parallelInferenceMinimumRows = 0 }  // this batch is small
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

    /// A sentence's emission scores are the same bits whatever sentences share its batch: the
    /// output of `ner tag` over a file must not change when the file is split (GNU parallel,
    /// Spark) or its sentences are batched differently. 40 sentences of 1 to 12 words, so that
    /// the products' row counts pass through whole and partial blocks at every step.
    func testScoresDoNotDependOnTheOtherSentencesOfTheBatch() {
        let (m, _) = model(hidden: 12)
        m.prepareForInference()
        let vocabulary = ["Maria", "Lopez", "flew", "to", "Lisbon", "on", "Monday", ".", "The", "Zorblat",
                          "Institute", "said", "so", "Quiet", "Yes", "Ships", "left", "Port", "Ellen", "Anna"]
        var rng = SeededRandom(seed: 21)
        let sentences: [[String]] = (0..<40).map { i in
            (0..<(i % 5 == 4 ? 100 + i * 13 % 300 : 1 + i * 7 % 12)).map { _ in vocabulary[Int(rng.next() % UInt64(vocabulary.count))] }
        }
        var surfaces = SurfaceTable()
        let encoded = sentences.map { m.encoder.encode($0, surfaces: &surfaces)! }
        let batch = Batch(encoded, indices: Array(encoded.indices), surfaces: surfaces)
        _ = m.predict(batch)
        let together = m.lastEmissions(batch), B = batch.layout.batch, K = m.tagCount
        for (column, index) in batch.order.enumerated() {
            var alone = SurfaceTable()
            let one = Batch([m.encoder.encode(sentences[index], surfaces: &alone)!], indices: [0], surfaces: alone)
            _ = m.predict(one)
            let single = m.lastEmissions(one)
            for t in 0..<sentences[index].count {
                for k in 0..<K where together[(t * B + column) * K + k].bitPattern != single[t * K + k].bitPattern {
                    XCTFail("sentence \(index), word \(t), tag \(k): \(together[(t * B + column) * K + k]) in the batch, \(single[t * K + k]) alone")
                    return
                }
            }
        }
    }

    /// Viterbi against brute force over every tag sequence, with random emissions and
    /// transitions (K = 9 tags: SIMD columns and a scalar tail), including forbidden moves.
    func testViterbiFindsTheHighestScoringPath() {
        let crf = CRF(tags: ["O", "B-PER", "I-PER", "E-PER", "S-PER", "B-LOC", "I-LOC", "E-LOC", "S-LOC"])
        let K = crf.tagCount
        var rng = SeededRandom(seed: 11)
        for trial in 0..<20 {
            for i in 0..<(K * K) { crf.transitions.value[i] = rng.uniform(2) }
            for k in 0..<K { crf.start.value[k] = rng.uniform(1); crf.end.value[k] = rng.uniform(1) }
            crf.applyConstraints()
            let n = 1 + trial % 4, stride = K + 3
            var e = [Float](repeating: 0, count: n * stride)
            for i in e.indices { e[i] = rng.uniform(3) }
            func score(_ path: [Int]) -> Float {
                var s = crf.start.value[path[0]] + e[path[0]]
                for t in 1..<n { s += crf.transitions.value[path[t - 1] * K + path[t]] + e[t * stride + path[t]] }
                return s + crf.end.value[path[n - 1]]
            }
            var best: [Int] = [], bestScore = -Float.infinity
            var path = [Int](repeating: 0, count: n)
            func enumerate(_ t: Int) {
                if t == n { let s = score(path); if s > bestScore { bestScore = s; best = path }; return }
                for k in 0..<K { path[t] = k; enumerate(t + 1) }
            }
            enumerate(0)
            let decoded = e.withUnsafeBufferPointer { crf.decode(emissions: $0.baseAddress!, count: n, stride: stride) }
            XCTAssertEqual(decoded.map(Int.init), best, "trial \(trial)")
        }
    }

    /// Span probabilities against brute force (Σ exp(score) over the paths agreeing with the
    /// span, over Σ over all paths), before and after the transitions change (the tagging path
    /// keeps exp(transitions) while they are unchanged).
    func testSpanProbabilitiesMatchBruteForceAfterTransitionChanges() {
        let crf = CRF(tags: ["O", "B-PER", "I-PER", "E-PER", "S-PER"])
        let K = crf.tagCount, n = 4
        var rng = SeededRandom(seed: 12)
        var e = [Float](repeating: 0, count: n * K)
        for i in e.indices { e[i] = rng.uniform(2) }
        for round in 0..<3 {
            for i in 0..<(K * K) { crf.transitions.value[i] = rng.uniform(1.5) }
            for k in 0..<K { crf.start.value[k] = rng.uniform(1); crf.end.value[k] = rng.uniform(1) }
            crf.applyConstraints()
            let path = e.withUnsafeBufferPointer { crf.decode(emissions: $0.baseAddress!, count: n, stride: K) }
            let spans = [(0, 1), (1, 3), (0, 4), (3, 4)]
            let fast = e.withUnsafeBufferPointer { crf.spanProbabilities(emissions: $0.baseAddress!, count: n, stride: K, path: path, spans: spans) }
            var z = 0.0, agree = [Double](repeating: 0, count: spans.count)
            var p = [Int](repeating: 0, count: n)
            func enumerate(_ t: Int) {
                if t == n {
                    var s = Double(crf.start.value[p[0]] + e[p[0]])
                    for u in 1..<n { s += Double(crf.transitions.value[p[u - 1] * K + p[u]] + e[u * K + p[u]]) }
                    s += Double(crf.end.value[p[n - 1]])
                    let w = Foundation.exp(s)
                    z += w
                    for (k, span) in spans.enumerated() where (span.0..<span.1).allSatisfy({ p[$0] == Int(path[$0]) }) { agree[k] += w }
                    return
                }
                for k in 0..<K { p[t] = k; enumerate(t + 1) }
            }
            enumerate(0)
            for k in spans.indices { XCTAssertEqual(fast[k], agree[k] / z, accuracy: 1e-4, "round \(round), span \(spans[k])") }
        }
    }

    /// Character vectors and first-layer projections kept per spelling (the loaded tagger's
    /// path) give the same tags and scores as the plain inference path: on first use, from the
    /// store, and for spellings beyond the store's capacity.
    func testSpellingProjectionsGiveTheSameResults() {
        let variants: [(String, (TaggerModel, Batch))] = [
            ("default", model(hidden: 9)),
            ("two layers", model(hidden: 5, layers: 2)),
            ("left to right only", model(hidden: 6, bidirectional: false)),
            ("char BiLSTM", model(hidden: 7, char: .lstm)),
            ("no char encoder", model(hidden: 7, char: .none)),
            ("document context", model(hidden: 6, documentContext: true)),
            ("document context, two layers, softmax", model(hidden: 5, layers: 2, crf: false, documentContext: true)),
            ("document summary", model(hidden: 6, documentSummary: true)),
            ("document context and summary", model(hidden: 5, crf: false, documentContext: true, documentSummary: true)),
        ]
        for (label, (m, batch)) in variants {
            let expected = m.predict(batch), expectedScores = m.lastEmissions(batch)
            // Spelling-indexed batch and the character vectors of every spelling.
            var surfaces = SurfaceTable()
            let words = batch.order.map { [["Maria", "Lopez", "flew", "to", "Lisbon", "on", "Monday", "."],
                                           ["The", "Zorblat", "Institute", "said", "so"], ["Quiet", "."], ["Yes"],
                                           ["Ships", "left", "Port", "Ellen", "at", "dawn", "with", "Anna", "Berg", "aboard", "again"]][$0] }
            var encoded = words.map { m.encoder.encode($0, surfaces: &surfaces)! }
            for (k, index) in batch.order.enumerated() { encoded[k].document = index < 2 ? 0 : 1 }  // as `model` sets them
            let byRows = Batch(surfaceRowsOf: encoded, indices: Array(encoded.indices))
            XCTAssertEqual(byRows.order, Array(encoded.indices), label)  // already longest first
            let vectors = m.charEncoder.map { Array(UnsafeBufferPointer(start: $0.forward(surfaces.chars), count: surfaces.count * $0.outputSize)) }
            for capacity in [0, 4, 1000] {
                let projections = m.makeSpellingProjections(maxBytes: capacity * 4 * m.lstmLayers[0].outputSize * 4)
                XCTAssertEqual(projections.capacity, capacity)
                for round in 0..<2 {  // the second round reads the stored projections
                    let paths: [[Int32]]
                    if let vectors {
                        paths = vectors.withUnsafeBufferPointer { m.predict(byRows, charVectors: $0.baseAddress!, projections: projections) }
                    } else {
                        paths = m.predict(byRows, charVectors: nil, projections: projections)
                    }
                    XCTAssertEqual(paths, expected, "\(label), capacity \(capacity), round \(round)")
                    let scores = m.lastEmissions(byRows)
                    var worst: Float = 0
                    for i in scores.indices { worst = max(worst, abs(scores[i] - expectedScores[i])) }
                    XCTAssertLessThan(worst, 1e-4, "\(label), capacity \(capacity), round \(round)")
                    XCTAssertEqual(projections.count, min(capacity, surfaces.count), label)
                }
                projections.removeAll()
                XCTAssertEqual(projections.count, 0)
            }
        }
    }
}
