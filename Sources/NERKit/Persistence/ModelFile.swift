import Foundation

/// A trained tagger on disk: the weights as safetensors tensors (named like the parameters),
/// and in the metadata the model's shape, its vocabularies, the user's tag scheme and where the
/// model came from. `save` replaces the file atomically; `load` validates everything.
package enum ModelFile {
    static let formatName = "ner-bilstm-crf"
    static let formatVersion = "1"

    /// What a model file says about how it was made.
    package struct Provenance: Codable, Equatable, Sendable {
        package var nerVersion = NERVersion.string
        package var created = ""
        package var trainFiles: [String: String] = [:]   // path → crc32
        package var devFiles: [String: String] = [:]
        package var embeddings: String? = nil
        package var epochs = 0
        package var bestEpoch = 0
        package var devF1: Double = 0
        /// Dev F1 of each recasing of the dev set, for models trained with case augmentation.
        package var devRecasedF1: [String: Double]? = nil
        package var training: TrainingOptions? = nil
        /// The model training started from (`TrainingRunConfig.initPath`), nil for a model
        /// trained from scratch.
        package var parent: ParentModel? = nil
        /// The model that tagged the rehearsal sample with the new types
        /// (`TrainingRunConfig.rehearseTaggerPath`).
        package var rehearsalTaggedBy: ParentModel? = nil
        /// Temperature scaling of the entity scores, when fitted (`ner calibrate`).
        package var calibration: ScoreCalibration? = nil
        package init() {}
    }

    /// The temperature the entity scores are divided by, where it was fitted, and the expected
    /// calibration error there before and after.
    package struct ScoreCalibration: Codable, Equatable, Sendable {
        package var temperature: Double
        package var fittedOn: String
        package var eceBefore: Double
        package var eceAfter: Double
        package init(temperature: Double, fittedOn: String, eceBefore: Double, eceAfter: Double) {
            self.temperature = temperature
            self.fittedOn = fittedOn
            self.eceBefore = eceBefore
            self.eceAfter = eceAfter
        }
    }

    /// The model another was trained from: its path when training began and the CRC-32 of its
    /// file, which identifies it wherever it is now.
    package struct ParentModel: Codable, Equatable, Sendable {
        package var path: String
        package var checksum: String
        init(path: String, checksum: String) {
            self.path = path
            self.checksum = checksum
        }
    }

    /// Saves `model`. `scheme` is the tag scheme of the user's data, used when writing tags back.
    /// Word embeddings are stored in half precision when `halfEmbeddings` is set.
    package static func save(_ model: TaggerModel, scheme: TagScheme, provenance: Provenance, to path: String,
                            halfEmbeddings: Bool = false, extraTensors: [StoredTensor] = [], extraMetadata: [String: String] = [:]) throws {
        var tensors: [StoredTensor] = model.parameters.map { p in
            let half = halfEmbeddings && p === model.wordEmbedding.table
            return StoredTensor(name: p.name, dtype: half ? .f16 : .f32, shape: p.shape, floats: p.values)
        }
        tensors += extraTensors
        var meta = extraMetadata
        meta["format"] = formatName
        meta["format_version"] = formatVersion
        meta["config"] = jsonString(model.config)
        meta["tag_scheme"] = scheme.rawValue
        meta["vocab.words"] = model.encoder.words.jsonString()
        meta["vocab.chars"] = model.encoder.chars.jsonString()
        meta["vocab.tags"] = model.encoder.tags.jsonString()
        if model.lexiconEmbedding != nil, let lexicon = model.encoder.lexicon { meta["lexicon"] = jsonString(lexicon.entries) }
        meta["provenance"] = jsonString(provenance)
        try SafeTensorsFile.write(tensors, metadata: meta, to: path)
    }

    package struct Loaded {
        package var model: TaggerModel
        package var scheme: TagScheme
        package var provenance: Provenance
        /// The file's tensors other than the model's parameters (a checkpoint's optimiser state).
        var tensors: [String: StoredTensor]
        var metadata: [String: String]
    }

    package static func load(_ path: String) throws -> Loaded {
        var (tensors, meta) = try SafeTensorsFile.read(path)
        func need(_ key: String) throws -> String {
            guard let v = meta[key] else { throw NERError(path: path, "not a ner model: metadata lacks '\(key)'") }
            return v
        }
        guard try need("format") == formatName else { throw NERError(path: path, "not a ner model (format '\(meta["format"] ?? "")')") }
        guard try need("format_version") == formatVersion else {
            throw NERError(path: path, "model format version \(meta["format_version"] ?? "") is not supported by ner \(NERVersion.string)")
        }
        do {
            let config: ModelConfig = try decode(try need("config"))
            guard let scheme = TagScheme(rawValue: try need("tag_scheme")) else { throw NERError("unknown tag scheme") }
            var encoder = FeatureEncoder(
                words: try Vocabulary(jsonString: try need("vocab.words"), specials: true),
                chars: try Vocabulary(jsonString: try need("vocab.chars"), specials: true),
                tags: try Vocabulary(jsonString: try need("vocab.tags"), specials: false))
            let provenance: Provenance = (try? decode(try need("provenance"))) ?? Provenance()
            // Sizes first, before anything is allocated from them: the config in range, and the
            // vocabulary-sized tables as large as the tensors the file really holds.
            do { try config.validate() } catch let error as ConfigurationError { throw NERError("config \(error)") }
            if config.lexiconDim > 0 {
                guard let json = meta["lexicon"] else { throw NERError("the model reads a lexicon but the file holds none") }
                let entries: LexiconEntries = try decode(json)
                try entries.validate()
                let matcher = LexiconMatcher(entries: entries, words: encoder.words)
                guard matcher.entries.count == entries.count else {
                    throw NERError("\(entries.count - matcher.entries.count) lexicon phrases name words outside the model's vocabulary")
                }
                encoder.lexicon = matcher
            }
            var expected = [("word.embedding", [encoder.words.count, config.wordDim]), ("output.bias", [encoder.tags.count])]
            if config.charEncoder != .none { expected.append(("char.embedding", [encoder.chars.count, config.charDim])) }
            for (name, shape) in expected {
                guard let t = tensors[name] else { throw NERError("tensor '\(name)' is missing") }
                guard t.shape == shape else { throw NERError("tensor '\(name)' has shape \(t.shape), expected \(shape)") }
            }
            let model = TaggerModel(config: config, encoder: encoder)
            for p in model.parameters {
                guard let t = tensors[p.name] else { throw NERError("tensor '\(p.name)' is missing") }
                guard t.shape == p.shape else { throw NERError("tensor '\(p.name)' has shape \(t.shape), expected \(p.shape)") }
                guard t.floats.allSatisfy({ $0.isFinite || $0 == CRF.forbidden }) else { throw NERError("tensor '\(p.name)' holds a non-finite value") }
                p.setValues(t.floats)
                tensors[p.name] = nil  // in the model now: not held twice until the caller is done
            }
            model.crf?.applyConstraints()
            if let t = provenance.calibration?.temperature, t >= 0.05, t <= 20 { model.scoreTemperature = Float(t) }
            return Loaded(model: model, scheme: scheme, provenance: provenance, tensors: tensors, metadata: meta)
        } catch let e as NERError where e.path == nil {
            throw NERError(path: path, "invalid model: \(e.message)")
        } catch let e as NERError {
            throw e
        } catch {
            throw NERError(path: path, "invalid model: \(error)")
        }
    }

    static func jsonString<T: Encodable>(_ value: T) -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return (try? String(decoding: enc.encode(value), as: UTF8.self)) ?? "{}"
    }

    static func decode<T: Decodable>(_ s: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(s.utf8))
    }
}
