/// A token's place in the lexicon's phrases, one state per category: outside, or the beginning,
/// inside or end of a phrase of several words, or a phrase of one word (O, B, I, E, S), found by
/// greedy longest match from the left, each category on its own. Matching runs over the word
/// ids of one vocabulary (case-folded keys, `WordKey.normalize`), so it is the same on text
/// as written, lowercased or in capitals, and only the phrases whose every word is in the
/// vocabulary are kept (`entries`): those are all that could ever match.
struct LexiconMatcher: Sendable {
    /// The states of one category.
    static let states = 5
    /// The kept entries (what a model file stores).
    let entries: LexiconEntries
    var categoryCount: Int { entries.categories.count }
    /// Distinct packed ids a token can have: states^categories.
    var idCount: Int {
        var n = 1
        for _ in 0..<categoryCount { n *= Self.states }
        return n
    }

    /// The trie over word ids: the node each word starts (-1 for none), the node after a
    /// (node, word) pair (keyed node << 32 | word), the category mask of the phrases each node ends.
    private var root: [Int32]
    private var next: [Int64: Int32] = [:]
    private var masks: [UInt32] = []

    /// Keeps the entries whose every word is in `words` (not unknown) and builds the trie.
    init(entries all: LexiconEntries, words: Vocabulary) {
        precondition(all.categories.count <= LexiconEntries.maxCategories)
        entries = all.filter { key in
            guard let id = words.id(String(key)) else { return false }
            return !words.hasSpecials || id > words.unknownId
        }
        root = [Int32](repeating: -1, count: words.count)
        for (phrase, mask) in entries.phrases {
            var node: Int32 = -1
            for (k, key) in phrase.split(separator: " ").enumerated() {
                let w = words.id(String(key))!
                if k == 0 {
                    if root[Int(w)] < 0 { root[Int(w)] = Int32(masks.count); masks.append(0) }
                    node = root[Int(w)]
                } else {
                    let edge = Int64(node) << 32 | Int64(w)
                    if let n = next[edge] { node = n } else {
                        next[edge] = Int32(masks.count); node = Int32(masks.count); masks.append(0)
                    }
                }
            }
            masks[Int(node)] |= mask
        }
    }

    /// The packed lexicon id of each token of a sentence given by word ids (negative ids match
    /// nothing): Σ state_c · 5^c over the categories c, with O = 0, B = 1, I = 2, E = 3, S = 4,
    /// so 0 is outside everything.
    func ids(_ words: [Int32]) -> [Int32] {
        let n = words.count, C = categoryCount
        var out = [Int32](repeating: 0, count: n)
        guard n > 0, C > 0 else { return out }
        // The longest phrase of each category starting at each token (0 for none).
        var longest: [Int32]? = nil
        for i in 0..<n {
            let w = words[i]
            guard w >= 0, Int(w) < root.count else { continue }
            var node = root[Int(w)]
            var length: Int32 = 1
            while node >= 0 {
                let mask = masks[Int(node)]
                if mask != 0 {
                    if longest == nil { longest = [Int32](repeating: 0, count: n * C) }
                    for c in 0..<C where mask & (1 << UInt32(c)) != 0 { longest![i * C + c] = length }
                }
                let j = i + Int(length)
                guard j < n, words[j] >= 0, let to = next[Int64(node) << 32 | Int64(words[j])] else { break }
                node = to
                length += 1
            }
        }
        guard let longest else { return out }
        var power: Int32 = 1
        for c in 0..<C {
            var i = 0
            while i < n {
                let length = Int(longest[i * C + c])
                if length == 0 { i += 1; continue }
                if length == 1 {
                    out[i] += 4 * power
                } else {
                    out[i] += 1 * power
                    for k in (i + 1)..<(i + length - 1) { out[k] += 2 * power }
                    out[i + length - 1] += 3 * power
                }
                i += length
            }
            power *= Int32(Self.states)
        }
        return out
    }

    /// The state (0 O, 1 B, 2 I, 3 E, 4 S) of category `category` in a packed id.
    static func state(_ id: Int32, category: Int) -> Int {
        var v = Int(id)
        for _ in 0..<category { v /= states }
        return v % states
    }
}
