import XCTest
@testable import NERKit

/// Document context (`DocumentMemory`): what each token reads, its gradient against finite
/// differences alone and inside the whole model, and how documents are cut and batched.
final class DocumentMemoryTests: XCTestCase {
    /// Three sentences; "Japan" twice in document 7 and once in document 8, "beat" once per
    /// document, "Syria" twice in one sentence.
    func batch(_ encoder: FeatureEncoder) -> (Batch, [[String]]) { Self.batch(encoder) }

    static func batch(_ encoder: FeatureEncoder) -> (Batch, [[String]]) {
        let sentences: [([String], Int32)] = [
            (["Japan", "beat", "Syria", "and", "Syria", "lost"], 7),
            (["JAPAN", "won"], 7),
            (["japan", "beat", "them"], 8),
        ]
        var surfaces = SurfaceTable()
        let encoded = sentences.map { s -> EncodedSentence in
            var e = encoder.encode(s.0, surfaces: &surfaces)!
            e.document = s.1
            return e
        }
        return (Batch(encoded, indices: Array(encoded.indices), surfaces: surfaces), sentences.map(\.0))
    }

    func encoder(_ vocabulary: [String]) -> FeatureEncoder { Self.encoder(vocabulary) }

    /// The words of the small models of the whole-model gradient checks (`smallModelConfig`).
    static let smallVocabulary = ["Japan", "beat", "and", "lost", "won"]

    /// A model small enough for finite differences over all its parameters, without dropout.
    static func smallModelConfig() -> ModelConfig {
        var config = ModelConfig()
        config.wordDim = 4; config.casingDim = 2; config.charEncoder = .cnn
        config.charDim = 3; config.charHidden = 2; config.hidden = 3; config.dropout = 0
        return config
    }

    /// The sentences of `batch` with gold tags ("Japan" in any case S-ORG, "Syria" S-LOC), encoded
    /// by `model`'s encoder, sentence i in document `document(i)`.
    static func taggedBatch(_ model: TaggerModel, document: (Int) -> Int32) -> Batch {
        let (_, sentences) = batch(model.encoder)
        var surfaces = SurfaceTable()
        let encoded = sentences.enumerated().map { i, s -> EncodedSentence in
            let tags = s.map { $0.lowercased() == "japan" ? "S-ORG" : ($0 == "Syria" ? "S-LOC" : "O") }
            var e = model.encoder.encode(s, tags: tags, surfaces: &surfaces)!
            e.document = document(i)
            return e
        }
        return Batch(encoded, indices: Array(encoded.indices), surfaces: surfaces)
    }

    /// Tags O, S-LOC and S-ORG; the words and their characters of `vocabulary`.
    static func encoder(_ vocabulary: [String]) -> FeatureEncoder {
        var words = VocabularyBuilder(), chars = VocabularyBuilder()
        for w in vocabulary { words.count(WordKey.normalize(w)); for c in w.unicodeScalars { chars.count(String(c)) } }
        var tags = Vocabulary(specials: false)
        for t in ["O", "S-LOC", "S-ORG"] { tags.add(t) }
        return FeatureEncoder(words: words.build(), chars: chars.build(), tags: tags)
    }

    func testEachTokenReadsTheMeanOfItsOtherOccurrencesInTheDocument() {
        // "Syria" and "them" are outside the vocabulary: they match by their hashed spelling.
        let (batch, sentences) = batch(encoder(["Japan", "beat", "and", "lost", "won"]))
        let B = batch.layout.batch, rows = batch.layout.rows, width = 2
        // Each row's input: (row number, column) so every sum is recognisable.
        var input = [Float](repeating: 0, count: rows * width)
        for r in 0..<rows { input[r * width] = Float(r); input[r * width + 1] = Float(r % B) * 10 }
        let memory = DocumentMemory()
        memory.prepare(batch)
        var out = [Float](repeating: .nan, count: rows * width)
        memory.forward(input, inStride: width, width: width, into: &out, outStride: width)
        // Expected, from the words themselves.
        func row(_ sentence: Int, _ t: Int) -> Int { t * B + batch.order.firstIndex(of: sentence)! }
        let documents: [Int] = [7, 7, 8]
        for (s, words) in sentences.enumerated() {
            for (t, w) in words.enumerated() {
                let others = sentences.enumerated().flatMap { (s2, w2) in
                    w2.enumerated().compactMap { (t2, x) -> Int? in
                        documents[s2] == documents[s] && x.lowercased() == w.lowercased() && (s2, t2) != (s, t) ? row(s2, t2) : nil
                    }
                }
                for j in 0..<width {
                    let expected = others.isEmpty ? 0 : others.map { input[$0 * width + j] }.reduce(0, +) / Float(others.count)
                    XCTAssertEqual(out[row(s, t) * width + j], expected, accuracy: 1e-5, "\(w) in sentence \(s)")
                }
            }
        }
        // "Japan" in sentence 0 reads "JAPAN" of sentence 1 only (not "japan" of document 8).
        XCTAssertEqual(out[row(0, 0) * width], Float(row(1, 0)))
        // Padding rows read zeros.
        for r in 0..<rows where batch.keys[r] < 0 { XCTAssertEqual(out[r * width], 0) }
    }

    /// The document summary: every token reads the mean of all other tokens of its document.
    func testSummaryReadsTheMeanOfTheRestOfTheDocument() {
        let (batch, sentences) = batch(encoder(["Japan", "beat", "and", "lost", "won"]))
        let B = batch.layout.batch, rows = batch.layout.rows
        var input = [Float](repeating: 0, count: rows)
        for r in 0..<rows { input[r] = Float(r * r + 1) }
        let summary = DocumentMemory(byWord: false)
        summary.prepare(batch)
        var out = [Float](repeating: .nan, count: rows)
        summary.forward(input, inStride: 1, width: 1, into: &out, outStride: 1)
        func row(_ sentence: Int, _ t: Int) -> Int { t * B + batch.order.firstIndex(of: sentence)! }
        let documents: [Int] = [7, 7, 8]
        for (s, words) in sentences.enumerated() {
            for t in words.indices {
                let others = sentences.indices.filter { documents[$0] == documents[s] }
                    .flatMap { s2 in sentences[s2].indices.map { (s2, $0) } }
                    .filter { $0 != (s, t) }.map { row($0.0, $0.1) }
                let expected = others.map { input[$0] }.reduce(0, +) / Float(others.count)
                XCTAssertEqual(out[row(s, t)], expected, accuracy: 1e-4, "token \(t) of sentence \(s)")
            }
        }
        XCTAssertEqual(sentences[0].count + sentences[1].count - 1, 7, "document 7: each token reads the 7 others")
        for r in 0..<rows where batch.words[r] < 0 { XCTAssertEqual(out[r], 0, "padding reads zeros") }
    }

    func testGradientOfTheMemoryAgainstFiniteDifferences() {
        let (batch, _) = batch(encoder(["Japan", "beat", "and", "lost", "won"]))
        let rows = batch.layout.rows, width = 3, inStride = 4, outStride = 5
        for (byWord, attention) in [(true, false), (false, false), (true, true), (false, true)] {
        let input = Parameter("input", shape: [rows, inStride])
        var rng = SeededRandom(seed: 5)
        input.initUniform(1, &rng)
        let weights = randomArray(rows * outStride, &rng)
        let memory = DocumentMemory(byWord: byWord, attention: attention)
        memory.prepare(batch)
        var out = [Float](repeating: 0, count: rows * outStride)
        checkGradients("\(byWord ? "document memory" : "document summary")\(attention ? " with attention" : "")", parameters: [input]) {
            memory.forward(input.value, inStride: inStride, width: width, into: &out, outStride: outStride)
            // The gradient of Σ weights·out with respect to out is `weights`.
            weights.withUnsafeBufferPointer { memory.backward($0.baseAddress!, outStride: outStride, width: width, accumulateInto: input.grad, inStride: inStride) }
            var loss: Float = 0
            for r in 0..<rows { for j in 0..<width { loss += out[r * outStride + j] * weights[r * outStride + j] } }
            return loss
        }
        }
    }

    func testGradientOfTheWholeModelWithDocumentContext() {
        var config = Self.smallModelConfig()
        for (crf, memory, summary, attention) in [(true, true, false, false), (false, true, false, false), (true, false, true, false),
                                                  (true, true, true, false), (true, true, false, true), (false, true, true, true)] {
            config.crf = crf
            config.documentContext = memory
            config.documentSummary = summary
            config.documentAttention = attention
            let model = TaggerModel(config: config, encoder: encoder(Self.smallVocabulary))
            model.initialize(seed: 7)
            XCTAssertEqual(model.outWeight.shape, [3, 6 * (1 + (memory ? 1 : 0) + (summary ? 1 : 0))])
            // With attention, one document: "Japan" three times, so that the weights differ and
            // the gradient through the scores is checked too.
            let b = Self.taggedBatch(model) { attention || $0 < 2 ? 7 : 8 }
            var rng = SeededRandom(seed: 1)
            checkGradients("model with document memory \(memory), summary \(summary), attention \(attention), crf \(crf)", parameters: model.parameters, samplesPerParameter: 6) {
                model.loss(b, rng: &rng) / Float(b.layout.batch)
            }
        }
    }

    /// Document dropout: an isolated document's sentences become documents of their own, and
    /// their memory then reads only their own sentence.
    func testIsolatedDocumentsReadOnlyTheirOwnSentence() {
        let (whole, _) = batch(encoder(["Japan", "beat", "and", "lost", "won"]))
        var isolated = whole
        isolated.isolateDocuments { $0 == 7 }
        XCTAssertEqual(Set(isolated.documents.filter { $0 >= 0 }), [8], "document 8 kept")
        XCTAssertEqual(isolated.documents.filter { $0 < 0 }.count, 2, "document 7's two sentences alone")
        XCTAssertEqual(Set(isolated.documents).count, 3)
        var unchanged = whole
        unchanged.isolateDocuments { _ in false }
        XCTAssertEqual(unchanged.documents, whole.documents)
    }

    func testDocumentsStartAtDocstartAndAreCutAtTheBound() {
        func s(_ starts: Bool) -> CoNLLSentence { CoNLLSentence(tokens: ["x"], tags: ["O"], startsDocument: starts) }
        XCTAssertEqual(Documents.ids([s(false), s(false), s(true), s(false), s(true)]), [0, 0, 1, 1, 2])
        XCTAssertEqual(Documents.ids((0..<7).map { _ in s(false) }, maxSentences: 3), [0, 0, 0, 1, 1, 1, 2])
        XCTAssertEqual(Documents.runs([0, 0, 1, -1, -1, 2]), [0..<2, 2..<3, 3..<4, 4..<5, 5..<6])
        XCTAssertEqual(Documents.runs([]), [])
        XCTAssertEqual(Documents.batches([0, 0, 1, 2, 2, 2, -1], batchSize: 3), [[0, 1, 2], [3, 4, 5], [6]])
        XCTAssertEqual(Documents.batches([0, 0, 1, 1], batchSize: 2, isIncluded: { $0 != 1 }), [[0, 2, 3]])
        XCTAssertEqual(Documents.batches([], batchSize: 2), [])
    }

    func testDocumentBatchesKeepEveryDocumentWhole() {
        let documents: [Int32] = [0, 0, 0, 1, 2, 2, 3, 3, 3, 3, 3, 3, 3, 4]
        for epoch in 1...3 {
            let batches = BatchSchedule.documentBatches(documents: documents, batchSize: 4, seed: 9, epoch: epoch)
            XCTAssertEqual(batches.flatMap { $0 }.sorted(), Array(documents.indices), "every sentence once")
            var batchOf: [Int32: Int] = [:]
            for (b, batch) in batches.enumerated() {
                for i in batch {
                    if let seen = batchOf[documents[i]] { XCTAssertEqual(seen, b, "document \(documents[i]) split") }
                    batchOf[documents[i]] = b
                }
                if b < batches.count - 1 { XCTAssertGreaterThanOrEqual(batch.count, 4) }
            }
        }
    }

    /// `predictAll` batches whole documents: a sentence's tags are those of its document
    /// tagged alone, whatever the batch size.
    func testPredictAllKeepsDocumentsTogether() {
        var config = ModelConfig()
        config.wordDim = 4; config.casingDim = 2; config.charEncoder = .none; config.hidden = 4; config.documentContext = true
        let model = TaggerModel(config: config, encoder: encoder(["Japan", "beat", "and", "lost", "won"]))
        model.initialize(seed: 3)
        var rng = SeededRandom(seed: 4)
        for p in model.parameters { for i in 0..<p.count { p.value[i] += rng.uniform(2) } }
        var surfaces = SurfaceTable()
        let texts: [[String]] = [["Japan", "beat", "Syria"], ["Japan", "won"], ["Syria", "lost", "and", "Japan"], ["beat", "Japan"], ["won"]]
        var encoded = texts.map { model.encoder.encode($0, surfaces: &surfaces)! }
        let documents: [Int32] = [0, 0, 0, 1, 1]
        for i in encoded.indices { encoded[i].document = documents[i] }
        let reference = [model.predict(Batch(encoded, indices: [0, 1, 2], surfaces: surfaces)),
                         model.predict(Batch(encoded, indices: [3, 4], surfaces: surfaces))]
        var expected = [[Int32]](repeating: [], count: 5)
        let first = Batch(encoded, indices: [0, 1, 2], surfaces: surfaces), second = Batch(encoded, indices: [3, 4], surfaces: surfaces)
        for (col, i) in first.order.enumerated() { expected[i] = reference[0][col] }
        for (col, i) in second.order.enumerated() { expected[i] = reference[1][col] }
        for batchSize in [1, 2, 64] {
            XCTAssertEqual(model.predictAll(encoded, surfaces: surfaces, batchSize: batchSize), expected, "batch size \(batchSize)")
        }
    }

    /// `Tagger.tag` with document numbers reads each document whole: the same tags as tagging
    /// every document by itself, whatever the batch size; without them every sentence is alone.
    func testTaggerReadsWholeDocuments() {
        var config = ModelConfig()
        config.wordDim = 4; config.casingDim = 2; config.charEncoder = .cnn; config.charDim = 3; config.charHidden = 3
        config.hidden = 4
        for summary in [false, true] {
        config.documentContext = !summary
        config.documentSummary = summary
        let model = TaggerModel(config: config, encoder: encoder(["Japan", "beat", "and", "lost", "won"]))
        model.initialize(seed: 3)
        var rng = SeededRandom(seed: 4)
        for p in model.parameters { for i in 0..<p.count { p.value[i] += rng.uniform(2) } }
        let tagger = Tagger(model: model, scheme: .iob2)
        let texts: [[String]] = [["Japan", "beat", "Syria"], ["Japan", "won"], [], ["Syria", "lost", "and", "Japan"],
                                 ["beat", "Japan"], ["won", "Syria", "Syria"]]
        let documents: [Int32] = [0, 0, 0, 0, 1, 1]
        let first = tagger.tag(Array(texts[0..<4]), documents: [5, 5, 5, 5]), second = tagger.tag(Array(texts[4...]), documents: [6, 6])
        let expected = (first + second).map(\.tags)
        for batchSize in [1, 3, 64] {
            XCTAssertEqual(tagger.tag(texts, documents: documents, batchSize: batchSize).map(\.tags), expected, "batch size \(batchSize)")
        }
        let alone = texts.map { tagger.tag([$0])[0].tags }
        XCTAssertEqual(tagger.tag(texts).map(\.tags), alone, "no documents: every sentence alone")
        XCTAssertNotEqual(expected, alone, "the documents change some tags (else this test shows nothing)")
        // The bounded-memory path (ner tag, the record stream, the server) keeps documents whole
        // within its bound, and cuts a document only beyond it.
        XCTAssertEqual(tagger.tagWithBoundedMemory(texts, documents: documents, scheme: .iob2).map(\.tags), expected)
        XCTAssertEqual(tagger.tagWithBoundedMemory(texts, documents: documents, scheme: .iob2, maxDocumentPositions: 1).map(\.tags), alone)
        }
    }
}

/// The attention memory: each occurrence reads the others weighted by the softmax of the dot
/// products of the states, so a partner more alike counts more.
extension DocumentMemoryTests {
    func testWithAttentionEachOccurrenceReadsItsPartnersWeightedBySoftmaxOfDotProducts() {
        let enc = encoder(["Japan", "won"])
        var surfaces = SurfaceTable()
        var e = enc.encode(["Japan", "won", "Japan", "Japan"], surfaces: &surfaces)!
        e.document = 3
        let batch = Batch([e], indices: [0], surfaces: surfaces)
        let width = 2, rows = batch.layout.rows
        XCTAssertEqual(rows, 4)
        let input: [Float] = [1, 0, 5, 5, 0.5, 0.2, -1, 2]
        let attention = DocumentMemory(byWord: true, attention: true)
        attention.prepare(batch)
        var out = [Float](repeating: .nan, count: rows * width)
        attention.forward(input, inStride: width, width: width, into: &out, outStride: width)
        func x(_ r: Int) -> [Float] { Array(input[(r * width)..<(r * width + width)]) }
        func dot(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).map(*).reduce(0, +) }
        for (r, partners) in [(0, [2, 3]), (2, [0, 3]), (3, [0, 2])] {
            let scores = partners.map { dot(x(r), x($0)) / Float(width).squareRoot() }
            let exps = scores.map { expf($0 - scores.max()!) }
            let a = exps.map { $0 / exps.reduce(0, +) }
            for c in 0..<width {
                let expected = zip(a, partners).map { $0 * x($1)[c] }.reduce(0, +)
                XCTAssertEqual(out[r * width + c], expected, accuracy: 1e-5, "row \(r) column \(c)")
            }
        }
        // "won" has no partner: zeros. And the weights are not equal: row 0 differs from the mean.
        XCTAssertEqual(out[2], 0)
        XCTAssertEqual(out[3], 0)
        XCTAssertNotEqual(out[0], (x(2)[0] + x(3)[0]) / 2, accuracy: 1e-3)

        // The gradient, through the values and the scores, against finite differences.
        let parameter = Parameter("input", shape: [rows, 3])
        var rng = SeededRandom(seed: 9)
        parameter.initUniform(1.5, &rng)
        let weights = randomArray(rows * 4, &rng)
        var y = [Float](repeating: 0, count: rows * 4)
        checkGradients("document attention, a group of three", parameters: [parameter]) {
            attention.forward(parameter.value, inStride: 3, width: 3, into: &y, outStride: 4)
            weights.withUnsafeBufferPointer { attention.backward($0.baseAddress!, outStride: 4, width: 3, accumulateInto: parameter.grad, inStride: 3) }
            var loss: Float = 0
            for r in 0..<rows { for j in 0..<3 { loss += y[r * 4 + j] * weights[r * 4 + j] } }
            return loss
        }
    }
}
