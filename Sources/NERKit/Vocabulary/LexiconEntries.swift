/// Phrases with categories, the knowledge a lexicon feature adds to the tagger (WordNet's noun
/// compounds and named instances, or a user's list): each phrase as case-folded word keys
/// (`WordKey.normalize`) joined by single spaces, with the set of categories it belongs to as a
/// bit mask over `categories`.
public struct LexiconEntries: Codable, Equatable, Sendable {
    /// Where the entries came from (`wordnet` or a file name), as the model file records it.
    public var source: String
    /// The category names, in the order of the mask bits.
    public private(set) var categories: [String]
    /// Phrase → category bit mask.
    public private(set) var phrases: [String: UInt32] = [:]

    /// At most this many categories: a token's states are packed base 5 into one Int32
    /// (`LexiconMatcher`).
    public static let maxCategories = 12

    /// Empty entries over `categories` (at most `maxCategories`).
    public init(source: String, categories: [String]) {
        precondition(categories.count <= Self.maxCategories, "at most \(Self.maxCategories) lexicon categories")
        self.source = source
        self.categories = categories
    }

    /// Adds `tokens` (any case; normalised here) to the category at `category`.
    public mutating func add(tokens: [String], category: Int) {
        let keys = tokens.map(WordKey.normalize).filter { !$0.isEmpty }
        guard !keys.isEmpty, categories.indices.contains(category) else { return }
        phrases[keys.joined(separator: " "), default: 0] |= 1 << UInt32(category)
    }

    /// The number of phrases.
    public var count: Int { phrases.count }

    /// The categories of a phrase given as tokens (any case), empty when it is not listed.
    public func categories(of tokens: [String]) -> [String] {
        let mask = phrases[tokens.map(WordKey.normalize).joined(separator: " ")] ?? 0
        return categories.indices.filter { mask & (1 << UInt32($0)) != 0 }.map { categories[$0] }
    }

    /// The entries whose every word `keep` accepts (the words of a model's vocabulary).
    func filter(words keep: (Substring) -> Bool) -> LexiconEntries {
        var out = LexiconEntries(source: source, categories: categories)
        for (phrase, mask) in phrases where phrase.split(separator: " ").allSatisfy(keep) { out.phrases[phrase] = mask }
        return out
    }

    /// Throws unless the entries are consistent (a model file's copy is checked on load).
    func validate() throws {
        guard categories.count <= Self.maxCategories else { throw NERError("lexicon has \(categories.count) categories, at most \(Self.maxCategories)") }
        let all: UInt32 = categories.count == 32 ? .max : (1 << UInt32(categories.count)) - 1
        for (phrase, mask) in phrases {
            guard !phrase.isEmpty, mask != 0, mask & ~all == 0 else { throw NERError("lexicon phrase '\(phrase)' has an invalid category mask \(mask)") }
        }
    }
}
