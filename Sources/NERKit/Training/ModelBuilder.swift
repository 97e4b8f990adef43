import Foundation

/// Builds vocabularies from training data (and pretrained vectors) and creates a fresh model.
package enum ModelBuilder {
    /// The BIOES tag set for the entity types of `corpora`: O, then B/I/E/S for each type.
    static func tagVocabulary(types: Set<String>) -> Vocabulary {
        var v = Vocabulary(specials: false)
        v.add("O")
        for t in types.sorted() { for p in ["B", "I", "E", "S"] { v.add("\(p)-\(t)") } }
        return v
    }

    /// Returns a model initialised with `seed`, with pretrained vectors copied into the rows of
    /// the words they cover, and the number of words so covered.
    /// `charTexts` are more spellings whose characters the character vocabulary must hold
    /// (the recased variants of the training data). With `config.lexiconDim` > 0 the model reads
    /// `lexicon`'s phrases whose words are all in the vocabulary.
    package static func makeModel(config: ModelConfig, train: [[String]], trainTags: [[String]], extraWords: [[String]],
                                 charTexts: [[String]] = [], lexicon: LexiconEntries? = nil,
                                 pretrained: PretrainedVectors?, vocabulary: VocabularyOptions, seed: UInt64) -> (TaggerModel, covered: Int) {
        var words = VocabularyBuilder(), chars = VocabularyBuilder()
        func countChars(_ token: String) {
            for c in (config.foldCharCase ? WordKey.casefold(token) : token).unicodeScalars { chars.count(String(c)) }
        }
        for sentence in train {
            for token in sentence {
                words.count(WordKey.normalize(token))
                countChars(token)
            }
        }
        for sentence in charTexts { for token in sentence { countChars(token) } }
        var wordVocab = words.build(minCount: vocabulary.minCount)
        var pretrainedRow: [Int32: Int] = [:]
        if let pretrained {
            var selection = PretrainedWordSelection(top: vocabulary.pretrainedTop)
            selection.add(keys: wordVocab.items)
            selection.add(extraWords)
            for (row, word) in pretrained.words.enumerated() where selection.keeps(word, rank: row) {
                let id = wordVocab.add(WordKey.normalize(word))
                if pretrainedRow[id] == nil { pretrainedRow[id] = row }
            }
        }
        var types = Set<String>()
        for tags in trainTags { for t in tags { if let p = ParsedTag(t), !p.isOutside { types.insert(p.type) } } }
        var encoder = FeatureEncoder(words: wordVocab, chars: chars.build(minCount: 1), tags: tagVocabulary(types: types))
        if config.lexiconDim > 0 {
            encoder.lexicon = LexiconMatcher(entries: lexicon ?? LexiconEntries(source: "none", categories: []), words: wordVocab)
        }
        var cfg = config
        if let pretrained { cfg.wordDim = pretrained.dimension }
        let model = TaggerModel(config: cfg, encoder: encoder)
        model.initialize(seed: seed)
        if let pretrained {
            let d = pretrained.dimension, table = model.wordEmbedding.table.value
            for (id, row) in pretrainedRow {
                for j in 0..<d { table[Int(id) * d + j] = pretrained.vectors[row * d + j] }
            }
        }
        return (model, pretrainedRow.count)
    }

    /// Words that are not in the model's vocabulary: (unknown tokens, all tokens).
    static func unknownRate(_ model: TaggerModel, _ sentences: [[String]]) -> (Int, Int) {
        var unknown = 0, total = 0
        for s in sentences { for t in s { total += 1; if model.encoder.words.id(WordKey.normalize(t)) == nil { unknown += 1 } } }
        return (unknown, total)
    }
}
