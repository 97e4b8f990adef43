import XCTest
@testable import NERKit

/// The lexicon input: longest-match states (`LexiconMatcher`), their learned vectors
/// (`LexiconEmbedding`) in the tagger, and the model file's copy of the phrases.
final class LexiconFeatureTests: XCTestCase {
    static func entries() -> LexiconEntries {
        var e = LexiconEntries(source: "test", categories: ["compound", "person", "location"])
        e.add(tokens: ["teddy", "bear"], category: 0)
        e.add(tokens: ["Roosevelt"], category: 1)
        e.add(tokens: ["Theodore", "Roosevelt"], category: 1)
        e.add(tokens: ["President", "Theodore", "Roosevelt"], category: 1)
        e.add(tokens: ["Georgia"], category: 2)
        e.add(tokens: ["Georgia"], category: 1)
        e.add(tokens: ["new", "york", "city"], category: 2)
        e.add(tokens: ["zebra", "crossing"], category: 0)  // "crossing" is not in the vocabulary
        return e
    }

    static func vocabulary(_ sentences: [[String]]) -> Vocabulary {
        var words = VocabularyBuilder()
        for s in sentences { for t in s { words.count(WordKey.normalize(t)) } }
        return words.build()
    }

    /// Packed id of the given states (category order).
    func packed(_ states: [Int]) -> Int32 {
        var id = 0, power = 1
        for s in states { id += s * power; power *= 5 }
        return Int32(id)
    }

    func testLongestMatchPerCategoryInEveryCasing() {
        let sentence = ["President", "Theodore", "Roosevelt", "liked", "his", "Teddy", "bear", "in", "Georgia", "zebra", "new", "york"]
        let vocab = Self.vocabulary([sentence + ["city", "Roosevelt"]])
        let matcher = LexiconMatcher(entries: Self.entries(), words: vocab)
        XCTAssertEqual(matcher.entries.count, 6)  // zebra crossing dropped; Georgia is one phrase of two categories
        XCTAssertEqual(matcher.idCount, 125)
        for recased in [sentence, sentence.map { $0.lowercased() }, sentence.map { $0.uppercased() }] {
            let ids = matcher.ids(recased.map { vocab.lookup(WordKey.normalize($0)) })
            XCTAssertEqual(ids, [
                packed([0, 1, 0]), packed([0, 2, 0]), packed([0, 3, 0]),  // the longest person phrase, not "Roosevelt" alone
                0, 0,
                packed([1, 0, 0]), packed([3, 0, 0]),                    // teddy bear: B, E compound
                0,
                packed([0, 4, 4]),                                       // Georgia: S person and S location
                0, 0, 0,                                                 // "new york" without "city" is no phrase
            ], recased.joined(separator: " "))
        }
        XCTAssertEqual(LexiconMatcher.state(packed([0, 3, 4]), category: 1), 3)
        XCTAssertEqual(LexiconMatcher.state(packed([0, 3, 4]), category: 2), 4)
        // Unknown and padding ids match nothing; phrases may end the sentence.
        XCTAssertEqual(matcher.ids([vocab.unknownId, -1, vocab.lookup("roosevelt")]), [0, 0, packed([0, 4, 0])])
        XCTAssertEqual(matcher.ids([]), [])
    }

    func testTheEncoderAddsLexiconIds() {
        let (model, _) = Self.tinyModel()
        var surfaces = SurfaceTable()
        let s = model.encoder.encode(["TEDDY", "BEAR", "sales"], surfaces: &surfaces)!
        XCTAssertEqual(s.lexicon, [packed([1, 0, 0]), packed([3, 0, 0]), 0])
        // The tagger's cache encodes the same.
        let cached = TokenFeatureCache().encode([["TEDDY", "BEAR", "sales"]], encoder: model.encoder)
        XCTAssertEqual(cached[0].lexicon, s.lexicon)
    }

    func testLexiconEmbeddingGradients() {
        let layer = LexiconEmbedding(categories: 3, dimension: 2)
        var rng = SeededRandom(seed: 4)
        layer.initialize(&rng)
        let ids: [Int32] = [packed([1, 0, 4]), 0, -1, packed([3, 2, 4]), packed([1, 1, 1])]
        let weights = randomArray(ids.count * layer.outputSize, &rng)
        var out = [Float](repeating: 0, count: ids.count * layer.outputSize)
        checkGradients("lexicon embedding", parameters: [layer.table]) {
            out.withUnsafeMutableBufferPointer { o in
                for (r, id) in ids.enumerated() { layer.copyRow(id, into: o.baseAddress! + r * layer.outputSize) }
            }
            weights.withUnsafeBufferPointer { w in
                for (r, id) in ids.enumerated() { layer.scatter(id, from: w.baseAddress! + r * layer.outputSize) }
            }
            return out.withUnsafeBufferPointer { weightedSum($0.baseAddress!, weights) }
        }
        // Padding reads zeros; category c of a packed id reads row c·5 + its state.
        var row = [Float](repeating: 1, count: layer.outputSize)
        layer.copyRow(-1, into: &row)
        XCTAssertEqual(row, [Float](repeating: 0, count: 6))
        layer.copyRow(packed([3, 2, 4]), into: &row)
        let t = layer.table.value
        XCTAssertEqual(row, [t[6], t[7], t[14], t[15], t[28], t[29]])
    }

    static let sentences: [([String], [String])] = [
        (["Theodore", "Roosevelt", "was", "in", "Georgia"], ["B-PER", "E-PER", "O", "O", "S-LOC"]),
        (["Teddy", "bear", "sales", "rose"], ["O", "O", "O", "O"]),
        (["TEDDY", "ROOSEVELT", "SPOKE"], ["B-PER", "E-PER", "O"]),
        (["Hi"], ["O"]),
    ]

    /// A tiny model with a lexicon input, and a batch of `sentences`.
    static func tinyModel(lexiconDim: Int = 2, hidden: Int = 3, char: ModelConfig.CharEncoderKind = .cnn) -> (TaggerModel, Batch) {
        var chars = VocabularyBuilder()
        for (toks, _) in sentences { for t in toks { for c in t.unicodeScalars { chars.count(String(c)) } } }
        var tags = Vocabulary(specials: false)
        for t in ["O", "B-PER", "I-PER", "E-PER", "S-PER", "B-LOC", "I-LOC", "E-LOC", "S-LOC"] { tags.add(t) }
        var encoder = FeatureEncoder(words: vocabulary(sentences.map(\.0)), chars: chars.build(), tags: tags)
        encoder.lexicon = LexiconMatcher(entries: entries(), words: encoder.words)
        var config = ModelConfig()
        config.wordDim = 4; config.casingDim = 2; config.charEncoder = char
        config.charDim = 3; config.charHidden = 2; config.hidden = hidden; config.dropout = 0
        config.lexiconDim = lexiconDim
        let model = TaggerModel(config: config, encoder: encoder)
        model.initialize(seed: 7)
        var surfaces = SurfaceTable()
        let encoded = sentences.map { encoder.encode($0.0, tags: $0.1, surfaces: &surfaces)! }
        return (model, Batch(encoded, indices: Array(encoded.indices), surfaces: surfaces))
    }

    func testWholeModelGradients() {
        let (model, batch) = Self.tinyModel()
        XCTAssertEqual(model.inputSize, 4 + 2 + 2 + 3 * 2)
        XCTAssertTrue(model.parameters.contains { $0 === model.lexiconEmbedding!.table })
        var rng = SeededRandom(seed: 1)
        checkGradients("model with lexicon", parameters: model.parameters, samplesPerParameter: 6) {
            model.loss(batch, rng: &rng) / Float(batch.layout.batch)
        }
    }

    /// The lexicon changes what the model computes: the same weights with every token's
    /// lexicon id set to outside give other scores.
    func testTheLexiconInputIsRead() {
        let (model, batch) = Self.tinyModel()
        var rng = SeededRandom(seed: 2)
        for p in model.parameters { for i in 0..<p.count { p.value[i] += rng.uniform(1) } }
        let with = model.trainingPathEmissions(batch)
        var sentences = Self.sentences.map { model.encoder.encode($0.0, surfaces: &surfacesScratch)! }
        for i in sentences.indices { sentences[i].lexicon = [Int32](repeating: 0, count: sentences[i].count) }
        let without = model.trainingPathEmissions(Batch(sentences, indices: Array(sentences.indices), surfaces: surfacesScratch))
        XCTAssertNotEqual(with, without)
    }
    private var surfacesScratch = SurfaceTable()

    /// Inference (plain, and with spelling projections plus lexicon differences, the loaded
    /// tagger's path) gives the training forward pass's scores.
    func testInferenceMatchesTraining() {
        for char in [ModelConfig.CharEncoderKind.cnn, .none] {
            let (model, batch) = Self.tinyModel(hidden: 5, char: char)
            var rng = SeededRandom(seed: 3)
            for p in model.parameters { for i in 0..<p.count { p.value[i] += rng.uniform(1.5) } }
            model.crf?.applyConstraints()
            let reference = model.trainingPathEmissions(batch)
            _ = model.predict(batch)
            let plain = model.lastEmissions(batch)
            var surfaces = SurfaceTable()
            let encoded = batch.order.map { model.encoder.encode(Self.sentences[$0].0, surfaces: &surfaces)! }
            let byRows = Batch(surfaceRowsOf: encoded, indices: Array(encoded.indices))
            let vectors = model.charEncoder.map { Array(UnsafeBufferPointer(start: $0.forward(surfaces.chars), count: surfaces.count * $0.outputSize)) }
            for capacity in [0, 3, 100] {
                let projections = model.makeSpellingProjections(maxBytes: capacity * 2 * 4 * 5 * 4)
                for round in 0..<2 {
                    if let vectors {
                        _ = vectors.withUnsafeBufferPointer { model.predict(byRows, charVectors: $0.baseAddress!, projections: projections) }
                    } else {
                        _ = model.predict(byRows, charVectors: nil, projections: projections)
                    }
                    let cached = model.lastEmissions(byRows)
                    for i in reference.indices {
                        XCTAssertEqual(plain[i], reference[i], accuracy: 1e-4, "\(char) plain \(i)")
                        XCTAssertEqual(cached[i], reference[i], accuracy: 1e-4, "\(char) capacity \(capacity) round \(round) \(i)")
                    }
                }
            }
        }
    }

    /// The model file keeps the phrases; a loaded model tags as the saved one, with WordNet's
    /// directory gone.
    func testModelFileRoundTripAndTaggingWithoutWordNet() throws {
        let dir = try WordNetReaderTests.writeFixture()
        let wordnet = try WordNetReader.read(directory: dir)
        try FileManager.default.removeItem(atPath: dir)  // tagging must not need it
        let sentences = Self.sentences.map(\.0) + [["President", "Theodore", "Roosevelt", "bought", "a", "teddy", "bear", "in", "Georgia"]]
        var chars = VocabularyBuilder()
        for s in sentences { for t in s { for c in t.unicodeScalars { chars.count(String(c)) } } }
        var tags = Vocabulary(specials: false)
        for t in ["O", "B-PER", "I-PER", "E-PER", "S-PER", "B-LOC", "I-LOC", "E-LOC", "S-LOC"] { tags.add(t) }
        var encoder = FeatureEncoder(words: Self.vocabulary(sentences), chars: chars.build(), tags: tags)
        encoder.lexicon = LexiconMatcher(entries: wordnet, words: encoder.words)
        XCTAssertEqual(encoder.lexicon!.entries.count, 6)  // teddy bear, Georgia and four Roosevelt names
        var config = ModelConfig()
        config.wordDim = 4; config.casingDim = 2; config.charDim = 3; config.charHidden = 2; config.hidden = 4
        config.lexiconDim = 3
        let model = TaggerModel(config: config, encoder: encoder)
        model.initialize(seed: 9)
        var rng = SeededRandom(seed: 5)
        for p in model.parameters { for i in 0..<p.count { p.value[i] += rng.uniform(2) } }
        model.crf?.applyConstraints()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lexicon-\(UUID().uuidString).ner").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(model, scheme: .bioes, provenance: ModelFile.Provenance(), to: path)

        let loaded = try ModelFile.load(path).model
        XCTAssertEqual(loaded.config.lexiconDim, 3)
        XCTAssertEqual(loaded.encoder.lexicon?.entries, encoder.lexicon?.entries)
        for (a, b) in zip(model.parameters, loaded.parameters) {
            XCTAssertEqual(a.name, b.name)
            XCTAssertEqual(Array(UnsafeBufferPointer(start: a.value, count: a.count)), Array(UnsafeBufferPointer(start: b.value, count: b.count)))
        }
        let tagger = try Tagger(path: path, precision: .float32)
        let plain = Tagger(model: model, scheme: .bioes)
        var surfaces = SurfaceTable()
        XCTAssertNotEqual(model.encoder.encode(sentences.last!, surfaces: &surfaces)!.lexicon, [Int32](repeating: 0, count: 9))
        for _ in 0..<2 {
            let a = tagger.tag(sentences), b = plain.tag(sentences)
            XCTAssertEqual(a.map(\.tags), b.map(\.tags))
            for (x, y) in zip(a, b) {
                for (e, f) in zip(x.entities, y.entities) { XCTAssertEqual(e.score, f.score, accuracy: 1e-4) }
            }
        }
        XCTAssertGreaterThan(Set(plain.tag(sentences).flatMap(\.tags)).count, 1)
    }

    func testAModelFileWithoutItsLexiconIsRejected() throws {
        let (model, _) = Self.tinyModel()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lexicon-\(UUID().uuidString).ner").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(model, scheme: .bioes, provenance: ModelFile.Provenance(), to: path)
        let (tensors, original) = try SafeTensorsFile.read(path)
        var meta = original
        for broken in [nil, "{\"source\":\"x\",\"categories\":[\"a\"],\"phrases\":{\"no such word\":1}}"] {
            meta["lexicon"] = broken
            try SafeTensorsFile.write(Array(tensors.values), metadata: meta, to: path)
            XCTAssertThrowsError(try ModelFile.load(path)) { error in
                XCTAssertEqual((error as? NERError)?.path, path)
                XCTAssertTrue((error as? NERError)?.message.contains("lexicon") == true, "\(error)")
            }
        }
    }

    /// A model config written before the lexicon existed reads as no lexicon input.
    func testOldConfigsHaveNoLexicon() throws {
        var json = ModelFile.jsonString(ModelConfig())
        json = json.replacingOccurrences(of: ",\"lexiconDim\":0", with: "")
        XCTAssertFalse(json.contains("lexiconDim"))
        let config: ModelConfig = try ModelFile.decode(json)
        XCTAssertEqual(config.lexiconDim, 0)
        let (model, _) = ModelGradientTests.tinyModel(.cnn, crf: true)
        XCTAssertNil(model.lexiconEmbedding)
        XCTAssertNil(model.encoder.lexicon)
    }
}
