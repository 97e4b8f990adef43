import Foundation

/// Grows a trained model for new training data, the starting point of training from a parent
/// model: its word vocabulary gains the new data's words (with pretrained vectors where given),
/// its character vocabulary the new characters, its tag set the BIOES tags of new entity types.
/// Every weight of the parent is kept bit for bit in the grown model's tensors; what is new is
/// initialised so that, before any training step, the grown model tags whatever the parent
/// could read (its words and characters) exactly as the parent does:
///
/// - a new word's vector is its pretrained vector, else drawn like a fresh model's;
/// - a new character's vector is drawn like a fresh model's;
/// - a new tag's output row is a copy of O's with the bias lowered by `newTagMargin`, and its
///   CRF scores (transitions, start, end) are those of O in its place. Any path through new tags
///   then scores `newTagMargin` per such token below the path with O there, whose transitions
///   score the same, so the best path is always one of the parent's tags. Training moves the
///   rows apart from O as the new data asks.
enum ModelExtension {
    /// How far below O a new tag's emission starts (log-space).
    static let newTagMargin: Float = 2

    /// What the extension added.
    struct Added: Sendable, Equatable {
        var words = 0
        /// Of the new words, how many got pretrained vectors.
        var pretrainedWords = 0
        var characters = 0
        /// New entity types, sorted.
        var types: [String] = []
    }

    /// The parent's vocabularies and tag set with the new data's entries appended (old ids
    /// unchanged): words of `train` (seen at least `vocabulary.minCount` times) and the words of
    /// `train` and `extraWords` that `pretrained` covers; the characters of `train` and
    /// `charTexts`; B/I/E/S tags of the types in `trainTags` the parent lacks.
    static func extend(_ parent: TaggerModel, train: [[String]], trainTags: [[String]], extraWords: [[String]],
                               charTexts: [[String]] = [], pretrained: PretrainedVectors?, vocabulary: VocabularyOptions,
                               seed: UInt64) throws -> (model: TaggerModel, added: Added) {
        let config = parent.config
        if let pretrained, pretrained.dimension != config.wordDim {
            throw NERError("the pretrained vectors have \(pretrained.dimension) dimensions, the parent model's word vectors \(config.wordDim)")
        }
        var words = parent.encoder.words, chars = parent.encoder.chars, tags = parent.encoder.tags
        var added = Added()
        var counts = VocabularyBuilder(), charCounts = VocabularyBuilder()
        func countChars(_ token: String) {
            for c in (config.foldCharCase ? WordKey.casefold(token) : token).unicodeScalars { charCounts.count(String(c)) }
        }
        for sentence in train {
            for token in sentence {
                counts.count(WordKey.normalize(token))
                countChars(token)
            }
        }
        for sentence in charTexts { for token in sentence { countChars(token) } }
        let oldWords = words.count
        for key in counts.build(minCount: vocabulary.minCount, specials: false).items { words.add(key) }
        var pretrainedRow: [Int32: Int] = [:]
        if let pretrained {
            var keys = Set<String>()
            for sentence in train + extraWords { for token in sentence { keys.insert(WordKey.normalize(token)) } }
            for (row, word) in pretrained.words.enumerated() {
                let key = WordKey.normalize(word)
                guard keys.contains(key) else { continue }
                if let id = words.id(key), Int(id) < oldWords { continue }
                let id = words.add(key)
                if pretrainedRow[id] == nil { pretrainedRow[id] = row }
            }
        }
        added.words = words.count - oldWords
        added.pretrainedWords = pretrainedRow.count
        let oldChars = chars.count
        for c in charCounts.build(minCount: 1, specials: false).items { chars.add(c) }
        added.characters = chars.count - oldChars
        let oldTypes = ParsedTag.entityTypes(of: tags.items.map { [$0] })
        added.types = ParsedTag.entityTypes(of: trainTags).subtracting(oldTypes).sorted()
        for t in added.types { for p in ["B", "I", "E", "S"] { tags.add("\(p)-\(t)") } }

        let model = TaggerModel(config: config, encoder: FeatureEncoder(words: words, chars: chars, tags: tags))
        model.initialize(seed: seed)
        let parentParameters = Dictionary(uniqueKeysWithValues: parent.parameters.map { ($0.name, $0) })
        for p in model.parameters {
            guard let old = parentParameters[p.name] else { throw NERError("the parent model lacks the tensor '\(p.name)'") }
            if old.shape == p.shape {
                p.value.update(from: old.value, count: p.count)
            } else if old.shape.count == p.shape.count, old.shape.dropFirst() == p.shape.dropFirst(), old.shape[0] <= p.shape[0] {
                // Rows added at the end (vocabularies, tags): the old rows first, as they were.
                p.value.update(from: old.value, count: old.count)
            } else if p.name != "crf.transitions" {
                throw NERError("the parent model's tensor '\(p.name)' has shape \(old.shape), not one that grows into \(p.shape)")
            }
        }
        if let pretrained {
            let d = pretrained.dimension, table = model.wordEmbedding.table.value
            for (id, row) in pretrainedRow {
                for j in 0..<d { table[Int(id) * d + j] = pretrained.vectors[row * d + j] }
            }
        }
        // New tags start as O, lowered by the margin.
        let K0 = parent.tagCount, K = model.tagCount
        guard let o = tags.id("O").map({ Int($0) }) else { throw NERError("the parent model has no O tag") }
        let width = model.outWeight.shape[1]
        for k in K0..<K {
            (model.outWeight.value + k * width).update(from: model.outWeight.value + o * width, count: width)
            model.outBias.value[k] = model.outBias.value[o] - newTagMargin
        }
        if let crf = model.crf, let parentCRF = parent.crf {
            func old(_ k: Int) -> Int { k < K0 ? k : o }
            for i in 0..<K {
                for j in 0..<K { crf.transitions.value[i * K + j] = parentCRF.transitions.value[old(i) * K0 + old(j)] }
                crf.start.value[i] = parentCRF.start.value[old(i)]
                crf.end.value[i] = parentCRF.end.value[old(i)]
            }
            crf.applyConstraints()
        }
        return (model, added)
    }
}
