/// What the model reads for each spelling the tagger has seen: word id, casing class, character
/// ids and the character encoder's vector, computed once per distinct spelling instead of once
/// per token (word-key normalisation, Unicode category lookups and a vocabulary lookup per
/// character are most of the cost of encoding a token; the character CNN is most of the rest
/// outside the BiLSTM). The vectors belong to one model's weights. Bounded: when it holds `capacity` spellings it starts afresh
/// at the next `encode` call, so an endless stream of new words cannot grow it without limit.
final class TokenFeatureCache {
    let capacity: Int
    /// Spelling → id, with the characters of each id (what `Batch` reads).
    private(set) var surfaces = SurfaceTable()
    private var words: [Int32] = []
    private var casings: [Int32] = []
    private var keys: [Int32] = []
    /// Character-encoder vectors of spellings 0 ..< vectorCount, one row each.
    private let vectors = FloatBuffer()
    private var vectorCount = 0
    /// The model's first-layer input projections per spelling, when the tagger keeps them.
    var projections: TaggerModel.SpellingProjections?

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
            keys.removeAll(keepingCapacity: true)
            vectorCount = 0
            projections?.removeAll()
        }
        let charIds = encoder.charIds  // one copy of the encoder per call, not per token
        return sentences.map { tokens in
            var s = EncodedSentence(words: [], casings: [], surfaces: [], tags: [])
            s.words.reserveCapacity(tokens.count)
            s.casings.reserveCapacity(tokens.count)
            s.surfaces.reserveCapacity(tokens.count)
            s.keys.reserveCapacity(tokens.count)
            for token in tokens {
                let id = surfaces.id(of: token, charIds: charIds)
                if Int(id) == words.count {
                    let key = WordKey.normalize(token)
                    let word = encoder.words.lookup(key)
                    words.append(word)
                    keys.append(encoder.documentKey(word: word, normalized: key))
                    casings.append(Int32(Casing(of: token).rawValue))
                }
                s.words.append(words[Int(id)])
                s.casings.append(casings[Int(id)])
                s.surfaces.append(id)
                s.keys.append(keys[Int(id)])
            }
            if let lexicon = encoder.lexicon { s.lexicon = lexicon.ids(s.words) }
            return s
        }
    }

    /// The character encoder's vector of every spelling in the cache ([count × outputSize]),
    /// computing those of spellings added since the last call, at most `chunk` words per
    /// forward pass. Valid until the next call of either method.
    func charVectors(_ encoder: CharEncoder, chunk: Int = 1024) -> UnsafePointer<Float> {
        let C = encoder.outputSize
        if vectorCount < count {
            // Grow geometrically, keeping the rows already computed.
            if vectors.capacity < count * C {
                let kept = Array(UnsafeBufferPointer(start: vectors.pointer, count: vectorCount * C))
                let p = vectors.reserve(max(count, 2 * vectorCount, 1024) * C)
                kept.withUnsafeBufferPointer { p.update(from: $0.baseAddress!, count: kept.count) }
            }
            while vectorCount < count {
                let end = min(count, vectorCount + max(1, chunk))
                let out = encoder.forward(Array(surfaces.chars[vectorCount..<end]))
                (vectors.pointer + vectorCount * C).update(from: out, count: (end - vectorCount) * C)
                vectorCount = end
            }
        }
        return UnsafePointer(vectors.pointer)
    }
}
