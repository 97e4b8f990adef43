/// The shape of a tagger: everything needed to rebuild its layers before loading weights.
public struct ModelConfig: Codable, Equatable, Sendable {
    public enum CharEncoderKind: String, Codable, Sendable, CaseIterable { case cnn, lstm, none }

    public var wordDim = 100
    public var casingDim = 8
    public var charEncoder = CharEncoderKind.cnn
    public var charDim = 30
    /// CNN filters, or hidden units per direction of the character BiLSTM.
    public var charHidden = 30
    public var hidden = 100
    public var bidirectional = true
    public var crf = true
    public var dropout: Float = 0.5
    /// Stacked BiLSTM layers (the second reads the first's concatenated states).
    public var layers = 1
    /// Variational dropout (Gal and Ghahramani): one mask per sentence, shared by all its
    /// tokens, instead of a fresh mask per token.
    public var variationalDropout = false
    /// The character encoder reads case-folded spellings, leaving letter case to the casing
    /// feature alone (for case-robust models).
    public var foldCharCase = false
    /// The tag layer also reads each word's other occurrences in the document
    /// (`DocumentMemory`).
    public var documentContext = false
    /// The tag layer also reads the mean of the states of every other token of the document:
    /// what the document is about (`DocumentMemory` grouped by document alone).
    public var documentSummary = false
    /// With `documentContext`: a word's other occurrences are weighted by how alike their states
    /// are to its own (attention) instead of equally.
    public var documentAttention = false
    /// The tag layer also reads a document-level BiLSTM's state at each token's sentence, the
    /// BiLSTM running over the document's sentences, each read as the mean of its tokens' states
    /// (`DocumentSentenceLSTM`): hidden units per direction, 0 for none.
    public var documentLSTM = 0
    /// Training only: the BiLSTM's states also predict the next and previous word over the
    /// this many most frequent training words (`LanguageModelHead`); 0 for none.
    public var languageModelWords = 0
    /// The weight of that objective beside the tags' loss.
    public var languageModelWeight: Float = 0.1
    /// Floats per lexicon category of the lexicon input (`LexiconEmbedding`): each token's
    /// longest-match state in the lexicon's phrases (`LexiconMatcher`); 0 for no lexicon input.
    public var lexiconDim = 0

    public init() {}

    enum CodingKeys: String, CodingKey {
        case wordDim, casingDim, charEncoder, charDim, charHidden, hidden, bidirectional, crf, dropout, layers, variationalDropout, foldCharCase, documentContext,
             documentSummary, documentAttention, documentLSTM, languageModelWords, languageModelWeight, lexiconDim
    }

    /// Fields added after the first model files default when absent.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        wordDim = try c.decode(Int.self, forKey: .wordDim)
        casingDim = try c.decode(Int.self, forKey: .casingDim)
        charEncoder = try c.decode(CharEncoderKind.self, forKey: .charEncoder)
        charDim = try c.decode(Int.self, forKey: .charDim)
        charHidden = try c.decode(Int.self, forKey: .charHidden)
        hidden = try c.decode(Int.self, forKey: .hidden)
        bidirectional = try c.decode(Bool.self, forKey: .bidirectional)
        crf = try c.decode(Bool.self, forKey: .crf)
        dropout = try c.decode(Float.self, forKey: .dropout)
        layers = try c.decodeIfPresent(Int.self, forKey: .layers) ?? 1
        variationalDropout = try c.decodeIfPresent(Bool.self, forKey: .variationalDropout) ?? false
        foldCharCase = try c.decodeIfPresent(Bool.self, forKey: .foldCharCase) ?? false
        documentContext = try c.decodeIfPresent(Bool.self, forKey: .documentContext) ?? false
        documentSummary = try c.decodeIfPresent(Bool.self, forKey: .documentSummary) ?? false
        documentAttention = try c.decodeIfPresent(Bool.self, forKey: .documentAttention) ?? false
        documentLSTM = try c.decodeIfPresent(Int.self, forKey: .documentLSTM) ?? 0
        languageModelWords = try c.decodeIfPresent(Int.self, forKey: .languageModelWords) ?? 0
        languageModelWeight = try c.decodeIfPresent(Float.self, forKey: .languageModelWeight) ?? 0.1
        lexiconDim = try c.decodeIfPresent(Int.self, forKey: .lexiconDim) ?? 0
    }

    /// Throws unless every size is in the range `ner train` accepts, so that a damaged or
    /// hostile model file cannot make the loader allocate without bound.
    public func validate() throws {
        func check(_ name: String, _ value: Int, _ range: ClosedRange<Int>) throws {
            guard range.contains(value) else { throw NERError("config \(name) is \(value), outside \(range.lowerBound)...\(range.upperBound)") }
        }
        try check("wordDim", wordDim, 1...4096)
        try check("casingDim", casingDim, 0...1024)
        try check("hidden", hidden, 1...4096)
        try check("layers", layers, 1...16)
        try check("documentLSTM", documentLSTM, 0...4096)
        try check("lexiconDim", lexiconDim, 0...256)
        if charEncoder != .none {
            try check("charDim", charDim, 1...1024)
            try check("charHidden", charHidden, 1...4096)
        }
        guard dropout.isFinite, dropout >= 0, dropout < 1 else { throw NERError("config dropout is \(dropout), outside [0, 1)") }
    }

    /// The character encoder sizes of the papers: Lample et al. (BiLSTM 25+25 over 25-d
    /// characters), Ma and Hovy (30 filters of width 3 over 30-d characters).
    package static func charDefaults(_ kind: CharEncoderKind) -> (dim: Int, hidden: Int) {
        switch kind {
        case .lstm: return (25, 25)
        case .cnn: return (30, 30)
        case .none: return (0, 0)
        }
    }
}
