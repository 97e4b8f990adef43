/// The shape of a tagger: everything needed to rebuild its layers before loading weights.
public struct ModelConfig: Codable, Equatable, Sendable {
    /// How a word's characters are encoded into a vector beside its word embedding.
    public enum CharEncoderKind: String, Codable, Sendable, CaseIterable {
        /// A convolution over character embeddings with max pooling (Ma and Hovy, 2016).
        case cnn
        /// The final states of a left-to-right and a right-to-left LSTM over the character
        /// embeddings, side by side (Lample et al., 2016).
        case lstm
        /// No character encoder: words, casing and lexicon features only.
        case none
    }

    /// The size of a word embedding (the pretrained vectors' size when training with them).
    public var wordDim = 100
    /// The size of the casing feature's embedding (0: no casing feature).
    public var casingDim = 8
    /// The character encoder.
    public var charEncoder = CharEncoderKind.cnn
    /// The size of a character embedding.
    public var charDim = 30
    /// CNN filters, or hidden units per direction of the character BiLSTM.
    public var charHidden = 30
    /// Hidden units per direction of the word-level BiLSTM.
    public var hidden = 100
    /// Whether the word-level LSTM also reads right to left (false: left to right only).
    public var bidirectional = true
    /// A CRF over the tag scores (true) or an independent softmax per token (false).
    public var crf = true
    /// The dropout probability on the embeddings and the BiLSTM's output during training.
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

    /// The default shape (Ma and Hovy's BiLSTM-CNN-CRF with a casing feature).
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

    /// Throws a ``ConfigurationError`` unless every size is in its range and the settings go
    /// together: the one check of a model's shape, for training (`TrainingRunConfig.validate`)
    /// and for loading, so that a damaged or hostile model file cannot make the loader allocate
    /// without bound.
    public func validate() throws {
        typealias Check = ConfigurationError
        try Check.check("hidden", hidden, in: 1...4096)
        try Check.check("layers", layers, in: 1...16)
        try Check.check("casingDim", casingDim, in: 0...1024)
        try Check.check("wordDim", wordDim, in: 1...4096)
        try Check.check("lexiconDim", lexiconDim, in: 0...256)
        if charEncoder != .none {
            try Check.check("charDim", charDim, in: 1...1024)
            try Check.check("charHidden", charHidden, in: 1...4096)
        }
        try Check.check("dropout", dropout, in: 0...1, openAtTop: true)
        try Check.check("documentLSTM", documentLSTM, in: 0...4096)
        if documentAttention && !documentContext { throw Check.needs("documentAttention", anyOf: ["documentContext"]) }
        guard (0...100_000).contains(languageModelWords) else {
            throw Check([.setting("languageModelWords"), .text(" must be between 0 and 100000, not \(languageModelWords)")])
        }
        guard languageModelWeight.isFinite, languageModelWeight > 0, languageModelWeight <= 10 else {
            throw Check([.setting("languageModelWeight"), .text(" must be in (0, 10], not \(languageModelWeight)")])
        }
        if languageModelWords > 0 && !bidirectional {
            throw Check([.setting("languageModelWords"), .text(" needs the backward LSTM ("), .setting("bidirectional"), .text(")")])
        }
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
