/// Where a model's lexicon comes from when it is trained (a trained model keeps its own copy).
public enum LexiconSource: Sendable, Equatable {
    /// WordNet 3.0's noun data in this directory (`WordNetReader`).
    case wordnet(directory: String)

    /// Reads the entries.
    public func load() throws -> LexiconEntries {
        switch self {
        case .wordnet(let directory): return try WordNetReader.read(directory: directory)
        }
    }
}
