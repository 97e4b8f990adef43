/// Maps tokens to the ids the model reads: the word key's id, the casing class, and the
/// spelling's characters. Owns the word, character and tag vocabularies.
package struct FeatureEncoder: Sendable {
    package var words: Vocabulary
    package var chars: Vocabulary
    /// BIOES tags; the tag vocabulary has no padding or unknown entries.
    package var tags: Vocabulary
    /// Characters are looked up case-folded (`ModelConfig.foldCharCase`).
    var foldCharCase = false
    /// The lexicon whose phrases give each token its lexicon id (`ModelConfig.lexiconDim`).
    var lexicon: LexiconMatcher?

    init(words: Vocabulary, chars: Vocabulary, tags: Vocabulary) {
        self.words = words
        self.chars = chars
        self.tags = tags
    }

    func charIds(_ token: String) -> [Int32] {
        (foldCharCase ? WordKey.casefold(token) : token).unicodeScalars.map { chars.lookup(String($0)) }
    }

    /// Encodes one sentence; `tags` (BIOES strings) may be empty. Unknown tags are an error the
    /// caller reports with its file position, so they are returned as nil.
    package func encode(_ tokens: [String], tags tagStrings: [String] = [], surfaces: inout SurfaceTable) -> EncodedSentence? {
        var s = EncodedSentence(words: [], casings: [], surfaces: [], tags: [])
        s.words.reserveCapacity(tokens.count)
        for tok in tokens {
            let key = WordKey.normalize(tok)
            let word = words.lookup(key)
            s.words.append(word)
            s.keys.append(documentKey(word: word, normalized: key))
            s.casings.append(Int32(Casing(of: tok).rawValue))
            s.surfaces.append(surfaces.id(of: tok, charIds: charIds))
        }
        if let lexicon { s.lexicon = lexicon.ids(s.words) }
        for t in tagStrings {
            guard let id = tags.id(t) else { return nil }
            s.tags.append(id)
        }
        return s
    }

    /// The word as document context matches it: its word id, or for a word outside the
    /// vocabulary a 31-bit FNV-1a hash of its normalised form above the word ids, so that two
    /// occurrences of an unknown name match as well (a collision of two different unknown words
    /// in one document is a 1 in 2^31 chance). Independent of any spelling table, so keys stay
    /// comparable when a tagger's caches start afresh.
    func documentKey(word: Int32, normalized: String) -> Int32 {
        if word >= 0 && word != words.unknownId { return word }
        var hash: UInt32 = 0x811C_9DC5
        for b in normalized.utf8 { hash = (hash ^ UInt32(b)) &* 0x0100_0193 }
        let base = UInt32(words.count)
        return Int32(base + hash % (UInt32(Int32.max) - base))
    }
}
