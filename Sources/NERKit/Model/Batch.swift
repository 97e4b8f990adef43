/// A sentence turned into ids once, when the corpus is loaded, so that no string work happens
/// while training. `surfaces` index a `SurfaceTable`: distinct spellings, whose characters the
/// character encoder reads once per batch however often the word occurs.
package struct EncodedSentence: Sendable {
    package var words: [Int32]
    var casings: [Int32]
    package var surfaces: [Int32]
    /// Gold tag ids (BIOES), empty when unknown. Partial annotation: -1 for a token whose tag
    /// is any of `openTags`.
    package var tags: [Int32]
    /// Partial annotation: which tags a token with gold id -1 may carry (one flag per tag).
    var openTags: [Bool] = []
    /// The word of each token as document context matches it (`FeatureEncoder.documentKey`).
    package var keys: [Int32] = []
    /// Sentences of a batch with the same document id share document context
    /// (`DocumentMemory`); -1, the default, is a document of its own.
    package var document: Int32 = -1
    /// Each token's packed lexicon id (`LexiconMatcher.ids`), empty for a model without a lexicon.
    package var lexicon: [Int32] = []

    package init(words: [Int32], casings: [Int32], surfaces: [Int32], tags: [Int32], keys: [Int32] = [], document: Int32 = -1) {
        self.words = words
        self.casings = casings
        self.surfaces = surfaces
        self.tags = tags
        self.keys = keys
        self.document = document
    }

    package var count: Int { words.count }
}

/// Distinct token spellings and their character ids.
package struct SurfaceTable: Sendable {
    package private(set) var chars: [[Int32]] = []
    private var ids: [String: Int32] = [:]

    package init() {}

    package mutating func id(of token: String, charIds: (String) -> [Int32]) -> Int32 {
        if let id = ids[token] { return id }
        let id = Int32(chars.count)
        chars.append(charIds(token))
        ids[token] = id
        return id
    }

    package var count: Int { chars.count }
}

/// A minibatch in the packed time-major layout (see `SequenceLayout`), sentences longest first.
struct Batch {
    let layout: SequenceLayout
    /// Index (into the caller's sentence array) of each batch column.
    let order: [Int]
    var words: [Int32]  // [rows], -1 in padding
    let casings: [Int32]    // [rows], -1 in padding
    /// For each row, the index of its spelling among `uniqueChars` (-1 in padding).
    let uniqueIndex: [Int32]
    /// The characters of each distinct spelling in the batch.
    let uniqueChars: [[Int32]]
    let tags: [[Int32]]     // per column, empty when unknown
    /// Per column: the tags its tokens with gold id -1 may carry (`EncodedSentence.openTags`).
    let openTags: [[Bool]]
    /// Document context: each row's word key ([rows], -1 in padding and where the sentence has
    /// no keys) and each column's document id (distinct negative ids for sentences alone).
    let keys: [Int32]
    /// Each row's packed lexicon id ([rows], -1 in padding and where the sentence has none).
    let lexicon: [Int32]
    var documents: [Int32]
    var tokenCount: Int { layout.lengths.reduce(0, +) }

    init(_ sentences: [EncodedSentence], indices: [Int], surfaces: SurfaceTable) {
        self.init(sentences, indices: indices, distinctSpellingsOf: surfaces)
    }

    /// A batch for a model given precomputed character-encoder vectors, one row per spelling
    /// of the caller's `SurfaceTable` (see `TaggerModel.predict(_:charVectors:projections:)`):
    /// `uniqueIndex` holds each token's surface id itself and `uniqueChars` is empty, so
    /// building it takes no per-batch dictionary of spellings.
    init(surfaceRowsOf sentences: [EncodedSentence], indices: [Int]) {
        self.init(sentences, indices: indices, distinctSpellingsOf: nil)
    }

    /// With `surfaces`, the batch's distinct spellings are collected (`uniqueChars`) and
    /// `uniqueIndex` points into them; without, `uniqueIndex` is the surface id itself.
    private init(_ sentences: [EncodedSentence], indices: [Int], distinctSpellingsOf surfaces: SurfaceTable?) {
        let sorted = indices.sorted { a, b in
            let la = sentences[a].count, lb = sentences[b].count
            return la != lb ? la > lb : a < b
        }
        order = sorted
        layout = SequenceLayout(lengths: sorted.map { sentences[$0].count })
        let B = layout.batch, rows = layout.rows
        var w = [Int32](repeating: -1, count: rows), c = [Int32](repeating: -1, count: rows)
        var u = [Int32](repeating: -1, count: rows), k = [Int32](repeating: -1, count: rows)
        var lex = [Int32](repeating: -1, count: rows)
        var docs = [Int32](repeating: -1, count: B)
        var local: [Int32: Int32] = [:]
        var chars: [[Int32]] = []
        for (b, s) in sorted.enumerated() {
            let sent = sentences[s]
            docs[b] = sent.document >= 0 ? sent.document : Int32(-1 - b)
            let hasKeys = sent.keys.count == sent.count, hasLexicon = sent.lexicon.count == sent.count
            for t in 0..<sent.count {
                let r = t * B + b
                w[r] = sent.words[t]
                c[r] = sent.casings[t]
                if hasKeys { k[r] = sent.keys[t] }
                if hasLexicon { lex[r] = sent.lexicon[t] }
                let sid = sent.surfaces[t]
                guard let surfaces else { u[r] = sid; continue }
                if let l = local[sid] { u[r] = l }
                else {
                    let l = Int32(chars.count)
                    local[sid] = l
                    chars.append(surfaces.chars[Int(sid)])
                    u[r] = l
                }
            }
        }
        words = w; casings = c; uniqueIndex = u; uniqueChars = chars; keys = k; lexicon = lex; documents = docs
        tags = sorted.map { sentences[$0].tags }
        openTags = sorted.map { sentences[$0].openTags }
    }

    /// Makes every sentence of the documents `shouldIsolate` picks a document of its own
    /// (document dropout in training).
    mutating func isolateDocuments(_ shouldIsolate: (Int32) -> Bool) {
        var isolate: [Int32: Bool] = [:]
        for b in documents.indices where documents[b] >= 0 {
            let d = documents[b]
            if isolate[d] == nil { isolate[d] = shouldIsolate(d) }
            if isolate[d]! { documents[b] = Int32(-1 - b) }
        }
    }
}
