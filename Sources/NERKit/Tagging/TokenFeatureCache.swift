/// What the model reads for each spelling the tagger has seen: word id, casing class and
/// character ids, computed once per distinct spelling instead of once per token (word-key
/// normalisation, Unicode category lookups and a vocabulary lookup per character are most of
/// the cost of encoding a token). Bounded: when it holds `capacity` spellings it starts afresh
/// at the next `encode` call, so an endless stream of new words cannot grow it without limit.
final class TokenFeatureCache {
    let capacity: Int
    /// Spelling → id, with the characters of each id (what `Batch` reads).
    private(set) var surfaces = SurfaceTable()
    private var words: [Int32] = []
    private var casings: [Int32] = []

    init(capacity: Int = 50_000) {
        self.capacity = max(1, capacity)
    }

    var count: Int { surfaces.count }

    /// Encodes sentences (no tags) against the cache; the result's surface ids index `surfaces`
    /// until the next call.
    func encode(_ sentences: [[String]], encoder: FeatureEncoder) -> [EncodedSentence] {
        if surfaces.count >= capacity {
            surfaces = SurfaceTable()
            words.removeAll(keepingCapacity: true)
            casings.removeAll(keepingCapacity: true)
        }
        return sentences.map { tokens in
            var s = EncodedSentence(words: [], casings: [], surfaces: [], tags: [])
            s.words.reserveCapacity(tokens.count)
            s.casings.reserveCapacity(tokens.count)
            s.surfaces.reserveCapacity(tokens.count)
            for token in tokens {
                let id = surfaces.id(of: token, charIds: encoder.charIds)
                if Int(id) == words.count {
                    words.append(encoder.words.lookup(WordKey.normalize(token)))
                    casings.append(Int32(Casing(of: token).rawValue))
                }
                s.words.append(words[Int(id)])
                s.casings.append(casings[Int(id)])
                s.surfaces.append(id)
            }
            return s
        }
    }
}
