/// Maps tokens to the ids the model reads: the word key's id, the casing class, and the
/// spelling's characters. Owns the word, character and tag vocabularies.
package struct FeatureEncoder: Sendable {
    package var words: Vocabulary
    package var chars: Vocabulary
    /// BIOES tags; the tag vocabulary has no padding or unknown entries.
    package var tags: Vocabulary
    /// Characters are looked up case-folded (`ModelConfig.foldCharCase`).
    package var foldCharCase = false

    package init(words: Vocabulary, chars: Vocabulary, tags: Vocabulary) {
        self.words = words
        self.chars = chars
        self.tags = tags
    }

    package func charIds(_ token: String) -> [Int32] {
        (foldCharCase ? WordKey.casefold(token) : token).unicodeScalars.map { chars.lookup(String($0)) }
    }

    /// Encodes one sentence; `tags` (BIOES strings) may be empty. Unknown tags are an error the
    /// caller reports with its file position, so they are returned as nil.
    package func encode(_ tokens: [String], tags tagStrings: [String] = [], surfaces: inout SurfaceTable) -> EncodedSentence? {
        var s = EncodedSentence(words: [], casings: [], surfaces: [], tags: [])
        s.words.reserveCapacity(tokens.count)
        for tok in tokens {
            s.words.append(words.lookup(WordKey.normalize(tok)))
            s.casings.append(Int32(Casing(of: tok).rawValue))
            s.surfaces.append(surfaces.id(of: tok, charIds: charIds))
        }
        for t in tagStrings {
            guard let id = tags.id(t) else { return nil }
            s.tags.append(id)
        }
        return s
    }
}
