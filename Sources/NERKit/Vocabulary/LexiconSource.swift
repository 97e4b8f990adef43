/// Where a model's lexicon comes from when it is trained (a trained model keeps its own copy).
public enum LexiconSource: Sendable, Equatable {
    /// WordNet 3.0's noun data in this directory (`WordNetReader`).
    case wordnet(directory: String)
    /// A gazetteer file of the user's, `LABEL<TAB>phrase` lines: each label a category.
    case file(path: String)

    /// Reads the entries.
    public func load() throws -> LexiconEntries {
        switch self {
        case .wordnet(let directory): return try WordNetReader.read(directory: directory)
        case .file(let path): return try LexiconFileReader.read(path: path)
        }
    }
}
