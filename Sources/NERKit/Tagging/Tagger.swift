import Foundation

/// An entity the tagger found: tokens `tokenStart..<tokenEnd` of a sentence.
public struct TaggedEntity: Sendable, Equatable {
    /// The entity type, such as `PER` or `LOC`.
    public var label: String
    /// Index of the entity's first token.
    public var tokenStart: Int
    /// Index just past the entity's last token.
    public var tokenEnd: Int
    /// The model's probability for exactly this entity (CRF forward-backward marginal); 1 for
    /// an entity a rule found.
    public var score: Double
    /// Who found the entity when rules (`ner tag --patterns`) took part; nil when they did not.
    public var source: EntitySource?
    /// The `id` of the rule that found the entity, if it has one.
    public var patternID: String?

    /// An entity of type `label` over tokens `tokenStart..<tokenEnd`.
    public init(label: String, tokenStart: Int, tokenEnd: Int, score: Double, source: EntitySource? = nil, patternID: String? = nil) {
        self.label = label
        self.tokenStart = tokenStart
        self.tokenEnd = tokenEnd
        self.score = score
        self.source = source
        self.patternID = patternID
    }
}

/// Who found an entity: the model, or a rule of a patterns file.
public enum EntitySource: String, Sendable, Equatable {
    /// The model tagged it.
    case model
    /// A rule of a patterns file matched it.
    case pattern
}

/// A tokenised sentence, tagged: one tag per token and the entities as token ranges.
public struct TaggedSentence: Sendable, Equatable {
    /// One tag per token, in the requested scheme.
    public var tags: [String]
    /// The entities, in order of their first token.
    public var entities: [TaggedEntity]
    /// With `tokenScores`: each token's probability of its tag (the CRF marginal), else empty.
    public var tokenScores: [Double] = []

    /// A result of these tags and entities (no token scores).
    public init(tags: [String], entities: [TaggedEntity]) {
        self.tags = tags
        self.entities = entities
    }
}

/// A loaded model ready to tag raw text (``tag(text:)``) or tokenised sentences
/// (``tag(_:documents:scheme:scores:tokenScores:batchSize:)``). Not safe to use from two threads at once (the model
/// reuses its buffers); create one per thread.
public final class Tagger {
    package let model: TaggerModel
    /// The scheme of the data the model was trained on: what `tag` writes by default.
    public let scheme: TagScheme
    package let provenance: ModelFile.Provenance
    /// The model file it was loaded from (empty for a model passed in).
    public let path: String
    /// The arithmetic the recurrent products use on this CPU.
    public var precision: InferencePrecision { model.inferencePrecision.effective }
    /// Features of the spellings seen so far (bounded), so repeated words are encoded once.
    let features = TokenFeatureCache()
    /// Whether `features` may keep character-encoder vectors and first-layer projections: only
    /// for a model loaded from a file, whose weights do not change (a model passed in may still
    /// be training).
    let charVectorsAreCached: Bool

    /// Loads the model at `path`. `precision` is the arithmetic of its recurrent products
    /// (``InferencePrecision``): by default bfloat16 where the CPU has AVX512_BF16.
    public init(path: String, precision: InferencePrecision = .fastest) throws {
        let loaded = try ModelFile.load(path)
        model = loaded.model
        scheme = loaded.scheme
        provenance = loaded.provenance
        self.path = path
        // The two LSTM directions of a batch on two cores (from BiLSTM's parallelInferenceMinimumRows
        // positions on; work-stealing, so a busy machine costs nothing extra). Inference does its
        // products in CKernels, not OpenBLAS, so OpenBLAS's thread count (the program's choice)
        // does not matter here.
        model.parallel = ProcessInfo.processInfo.activeProcessorCount > 1
        model.inferencePrecision = precision
        model.prepareForInference()
        // Only read from here on: the word vectors as halves when the file stored them so.
        model.wordEmbedding.keepRowsInHalfPrecision()
        charVectorsAreCached = true
        features.projections = model.makeSpellingProjections()
    }

    package init(model: TaggerModel, scheme: TagScheme) {
        self.model = model
        self.scheme = scheme
        provenance = ModelFile.Provenance()
        path = ""
        charVectorsAreCached = false
    }

    /// A tagger without a model, for rules alone (``EntityRules`` in `.only` mode never run the
    /// model): nothing is read from disk, and `scheme` is what `tag` writes. Its stand-in model
    /// knows no word and no entity type; run, it would tag O everywhere.
    package static func rulesOnly(scheme: TagScheme) -> Tagger {
        var config = ModelConfig()
        config.wordDim = 1; config.casingDim = 1; config.charDim = 1; config.charHidden = 1; config.hidden = 1
        var tags = Vocabulary(specials: false)
        tags.add("O")
        let model = TaggerModel(config: config, encoder: FeatureEncoder(words: Vocabulary(specials: true),
                                                                       chars: Vocabulary(specials: true), tags: tags))
        model.initialize(seed: 1)
        return Tagger(model: model, scheme: scheme)
    }

    /// Sentences tagged together in one batch unless asked otherwise (fewer padded positions are
    /// bounded separately). 64 rather than 32: half the hand-overs between the two directions'
    /// threads and twice the rows per pass over the recurrent weights; tagging all of CoNLL-2003
    /// as tokens took 3% less CPU and 6% less time, with the same output and peak memory.
    public static let defaultBatchSentences = 64

    /// Whether the model was trained with document context (`ner train --document-context`),
    /// so that what counts as a document changes its tags.
    package var readsDocuments: Bool { model.readsDocuments }

    /// Entity types the model knows.
    public var entityTypes: [String] {
        var seen: [String] = []
        for t in model.encoder.tags.items { if let p = ParsedTag(t), !p.isOutside, !seen.contains(p.type) { seen.append(p.type) } }
        return seen
    }

    /// Tags each sentence (token lists); empty sentences give empty results. With `scores`, each
    /// entity carries its probability. `scheme` defaults to the training data's scheme.
    /// `documents` gives each sentence's document number (consecutive sentences with the same
    /// number are one document, as `-DOCSTART-` lines delimit them in CoNLL files): a model
    /// trained with document context then reads each document as a whole. Without it every
    /// sentence is a document of its own.
    /// With `tokenScores`, each result also carries every token's probability of its tag.
    public func tag(_ sentences: [[String]], documents: [Int32]? = nil, scheme: TagScheme? = nil, scores: Bool = true,
                    tokenScores: Bool = false, batchSize: Int = Tagger.defaultBatchSentences) -> [TaggedSentence] {
        let target = scheme ?? self.scheme
        var encoded = features.encode(sentences, encoder: model.encoder)
        let surfaces = features.surfaces
        // Loaded models' weights are fixed, so character vectors can be kept across calls.
        let charVectors = charVectorsAreCached ? model.charEncoder.map { features.charVectors($0) } : nil
        var result = [TaggedSentence](repeating: TaggedSentence(tags: [], entities: []), count: sentences.count)
        var chunks: [[Int]] = []
        if model.readsDocuments, let documents, documents.count == sentences.count {
            // Whole documents per batch, at least `batchSize` sentences unless the input ends.
            for i in encoded.indices { encoded[i].document = documents[i] }
            chunks = Documents.batches(documents, batchSize: batchSize, isIncluded: { encoded[$0].count > 0 })
        } else {
            let order = encoded.indices.filter { encoded[$0].count > 0 }.sorted { encoded[$0].count > encoded[$1].count }
            var i = 0
            while i < order.count {
                chunks.append(Array(order[i..<min(i + batchSize, order.count)]))
                i += batchSize
            }
        }
        let tagNames = model.encoder.tags
        let parsedTags = tagNames.items.map { ParsedTag($0) ?? .outside }
        for chunk in chunks {
            let batch: Batch
            let paths: [[Int32]]
            if let projections = features.projections {
                batch = Batch(surfaceRowsOf: encoded, indices: chunk)
                paths = model.predict(batch, charVectors: charVectors, projections: projections)
            } else {
                batch = Batch(encoded, indices: chunk, surfaces: surfaces)
                paths = model.predict(batch)
            }
            for (col, path) in paths.enumerated() {
                let spans = EntitySpan.spans(in: path.map { parsedTags[Int($0)] })
                let probabilities = scores ? model.spanProbabilities(batch, column: col, path: path, spans: spans.map { ($0.start, $0.end) }) : []
                let entities = spans.enumerated().map { k, s in
                    TaggedEntity(label: s.type, tokenStart: s.start, tokenEnd: s.end, score: scores ? probabilities[k] : 1)
                }
                // The spans written in the target scheme: what TagScheme.bioes.convert does.
                let tags = target == .bioes ? path.map { tagNames[$0] } : target.tags(for: spans, count: path.count)
                result[batch.order[col]] = TaggedSentence(tags: tags, entities: entities)
                if tokenScores {
                    result[batch.order[col]].tokenScores = model.spanProbabilities(batch, column: col, path: path, spans: path.indices.map { ($0, $0 + 1) })
                }
            }
        }
        return result
    }
}
