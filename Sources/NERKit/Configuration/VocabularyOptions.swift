/// How the word vocabulary is chosen.
public struct VocabularyOptions: Codable, Equatable, Sendable {
    /// Training words seen fewer times than this are unknown (unless pretrained vectors cover them).
    public var minCount = 1
    /// With pretrained vectors: also keep this many of the file's most frequent words, so
    /// everyday words outside the training data are not unknown at tagging time.
    public var pretrainedTop = 100_000
    /// The defaults of `ner train`: every training word, 100,000 pretrained words.
    public init() {}

    /// Throws a ``ConfigurationError`` unless both counts are in their ranges.
    public func validate() throws {
        try ConfigurationError.check("minCount", minCount, in: 1...1_000_000_000)
        try ConfigurationError.check("pretrainedTop", pretrainedTop, in: 0...100_000_000)
    }
}
