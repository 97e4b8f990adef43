import Foundation

/// A bijection between strings and dense ids. Word and character vocabularies reserve id 0 for
/// padding and id 1 for unknown strings; the tag vocabulary has no specials, because every tag
/// the model can emit must be a real tag.
package struct Vocabulary: Sendable, Equatable {
    static let padding = "<pad>"
    static let unknown = "<unk>"

    package private(set) var items: [String]
    private var ids: [String: Int32]
    /// True when ids 0 and 1 are `<pad>` and `<unk>`.
    let hasSpecials: Bool

    init(specials: Bool) {
        hasSpecials = specials
        items = []
        ids = [:]
        if specials {
            add(Vocabulary.padding)
            add(Vocabulary.unknown)
        }
    }

    /// Restores a vocabulary from its items (as saved in a model file).
    init(items: [String], specials: Bool) throws {
        self.init(specials: false)
        self.items.reserveCapacity(items.count)
        ids.reserveCapacity(items.count)
        for item in items {
            // One hash of the item (a lookup, then `add`'s lookup and insert, made three).
            if ids.updateValue(Int32(self.items.count), forKey: item) != nil { throw NERError("vocabulary lists '\(item)' twice") }
            self.items.append(item)
        }
        if specials && (items.count < 2 || items[0] != Vocabulary.padding || items[1] != Vocabulary.unknown) {
            throw NERError("vocabulary lacks its <pad> and <unk> entries")
        }
        self = Vocabulary(items: self.items, ids: ids, specials: specials)
    }

    private init(items: [String], ids: [String: Int32], specials: Bool) {
        self.items = items
        self.ids = ids
        self.hasSpecials = specials
    }

    package var count: Int { items.count }
    var paddingId: Int32 { 0 }
    var unknownId: Int32 { 1 }

    @discardableResult
    mutating func add(_ item: String) -> Int32 {
        if let id = ids[item] { return id }
        let id = Int32(items.count)
        items.append(item)
        ids[item] = id
        return id
    }

    func contains(_ item: String) -> Bool { ids[item] != nil }

    /// The id of `item`, or nil when it is not in the vocabulary.
    func id(_ item: String) -> Int32? { ids[item] }

    /// The id of `item`, or the unknown id (only for vocabularies with specials).
    func lookup(_ item: String) -> Int32 { ids[item] ?? (hasSpecials ? unknownId : -1) }

    subscript(id: Int32) -> String { items[Int(id)] }

    package static func == (a: Vocabulary, b: Vocabulary) -> Bool { a.items == b.items && a.hasSpecials == b.hasSpecials }

    /// The items as a JSON array, the form stored in model files.
    func jsonString() -> String {
        let data = (try? JSONSerialization.data(withJSONObject: items, options: [])) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads the items back from `jsonString()`'s form (with `HeaderJSON`: a model's 96k-word
    /// vocabulary took Foundation's `JSONSerialization` and the cast to `[String]` a third of a
    /// cold start's instructions).
    init(jsonString: String, specials: Bool) throws {
        let values = (try? HeaderJSON.parse(ArraySlice(jsonString.utf8)))?.arrayValue
        let items = values?.compactMap(\.stringValue)
        guard let items, items.count == values?.count else {
            throw NERError("vocabulary is not a JSON array of strings")
        }
        try self.init(items: items, specials: specials)
    }
}

/// Counts strings over a corpus and keeps the frequent ones: at least `minCount` occurrences,
/// at most `maxSize` entries (most frequent first, ties broken by first appearance so that the
/// result does not depend on hashing).
struct VocabularyBuilder {
    private var counts: [String: Int] = [:]
    private var order: [String] = []

    init() {}

    mutating func count(_ item: String, by n: Int = 1) {
        if let c = counts[item] {
            counts[item] = c + n
        } else {
            counts[item] = n
            order.append(item)
        }
    }

    func count(of item: String) -> Int { counts[item] ?? 0 }

    var distinct: Int { order.count }

    func build(minCount: Int = 1, maxSize: Int? = nil, specials: Bool = true) -> Vocabulary {
        let firstSeen = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        var kept = order.filter { counts[$0, default: 0] >= minCount }
        kept.sort { a, b in
            let ca = counts[a]!, cb = counts[b]!
            return ca != cb ? ca > cb : firstSeen[a]! < firstSeen[b]!
        }
        if let maxSize { kept = Array(kept.prefix(max(0, maxSize - (specials ? 2 : 0)))) }
        var v = Vocabulary(specials: specials)
        for item in kept { v.add(item) }
        return v
    }
}
