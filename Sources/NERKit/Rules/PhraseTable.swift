/// Phrase rules, each a sequence of tokens, found in a sentence in one pass over its tokens.
///
/// A phrase is kept as its tokens' UTF-8 joined by single spaces (tokens hold no spaces) in one
/// byte array, and indexed by a 64-bit hash of its token sequence in an open-addressing table;
/// a bit set holds the hashes of the phrases' proper prefixes. A sentence is matched by hashing
/// each token once, then from every start extending the hash token by token: a phrase is looked
/// up at every length, and the walk stops where no phrase goes on (the prefix bit is clear).
/// Every hit is checked byte for byte, so a hash collision never makes a false match.
///
/// Against a trie of interned tokens (a hash table of tokens and one of edges) this stores one
/// table entry per phrase instead of one per token and no string per token, which makes reading
/// a million phrases several times faster and the tables smaller. The first rule of a phrase
/// wins: a repeated phrase keeps the rule it was first added with.
struct PhraseTable: Sendable {
    private struct Slot {
        var hash: UInt64
        /// Index into `starts`/`rules`, or -1 for an empty slot.
        var phrase: Int32
    }

    /// The phrases' bytes; phrase `p` is `text[starts[p]..<starts[p + 1]]`.
    private var text: [UInt8] = []
    private var starts: [Int] = [0]
    /// Per phrase: its rule.
    private var rules: [Int32] = []
    private var slots: [Slot] = Array(repeating: Slot(hash: 0, phrase: -1), count: 16)
    /// Bit `h & (prefixBits.count * 64 - 1)` is set for the hash `h` of every proper prefix.
    private var prefixBits: [UInt64] = Array(repeating: 0, count: 16)
    private var prefixCount = 0
    /// The most tokens in a phrase.
    private(set) var maxTokens = 0
    /// Where the hashing starts: tables of different seeds hash the same tokens differently.
    private let seed: UInt64

    init(seed: UInt64) {
        self.seed = seed
    }

    /// How many distinct phrases there are.
    var count: Int { rules.count }

    var isEmpty: Bool { rules.isEmpty }

    /// Room for about `phrases` phrases of `tokens` tokens in all, so the tables are not
    /// rebuilt again and again while a large file is read.
    mutating func reserve(phrases: Int, tokens: Int) {
        text.reserveCapacity(text.count + tokens * 8)
        starts.reserveCapacity(starts.count + phrases)
        rules.reserveCapacity(rules.count + phrases)
        growSlots(to: rules.count + phrases)
        growPrefixes(to: prefixCount + max(0, tokens - phrases))
    }

    // MARK: - Hashing

    /// FNV-1a over the token's bytes, finished by a 64-bit mixer.
    @inline(__always)
    static func tokenHash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return mix(h ^ UInt64(bytes.count))
    }

    /// The hash of a token sequence extended by one token (of hash `token`).
    @inline(__always)
    static func extend(_ h: UInt64, _ token: UInt64) -> UInt64 {
        mix((h &* 0x9E37_79B9_7F4A_7C15) ^ token)
    }

    /// MurmurHash3's 64-bit finaliser: every input bit moves every output bit.
    @inline(__always)
    private static func mix(_ x: UInt64) -> UInt64 {
        var k = x
        k ^= k >> 33
        k &*= 0xFF51_AFD7_ED55_8CCD
        k ^= k >> 33
        k &*= 0xC4CE_B9FE_1A85_EC53
        k ^= k >> 33
        return k
    }

    // MARK: - Adding

    /// Adds the phrase made of the tokens in `tokens` (each range a token's bytes in `bytes`,
    /// none empty or holding a space), for rule `rule`, unless the same phrase is there already.
    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, tokens: [Range<Int>], rule: Int32) {
        precondition(!tokens.isEmpty)
        var h = seed
        for r in tokens { h = Self.extend(h, Self.tokenHash(UnsafeBufferPointer(rebasing: bytes[r]))) }
        if find(h, bytes, tokens) != nil { return }
        for (k, r) in tokens.enumerated() {
            if k > 0 { text.append(0x20) }
            text.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[r]))
        }
        starts.append(text.count)
        rules.append(rule)
        maxTokens = max(maxTokens, tokens.count)
        insert(Slot(hash: h, phrase: Int32(rules.count - 1)))
        // The proper prefixes, once the phrase is stored (a rebuild of the bits reads it).
        if tokens.count > 1 {
            var prefix = seed
            for r in tokens.dropLast() {
                prefix = Self.extend(prefix, Self.tokenHash(UnsafeBufferPointer(rebasing: bytes[r])))
                setPrefix(prefix)
            }
        }
    }

    /// Adds a phrase given as strings (see `add(_:tokens:rule:)`).
    mutating func add(_ tokens: [String], rule: Int32) {
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        for t in tokens {
            let start = bytes.count
            bytes.append(contentsOf: t.utf8)
            ranges.append(start..<bytes.count)
        }
        bytes.withUnsafeBufferPointer { add($0, tokens: ranges, rule: rule) }
    }

    private mutating func setPrefix(_ h: UInt64) {
        let mask = UInt64(prefixBits.count * 64 - 1)
        let bit = h & mask
        if prefixBits[Int(bit >> 6)] & (1 << (bit & 63)) == 0 {
            prefixBits[Int(bit >> 6)] |= 1 << (bit & 63)
            prefixCount += 1
            if prefixCount * 8 > prefixBits.count * 64 { growPrefixes(to: prefixCount) }
        }
    }

    /// At least 16 bits per prefix: a walk goes on past a token for nothing one time in 16 at most.
    private mutating func growPrefixes(to count: Int) {
        var words = prefixBits.count
        while words * 64 < count * 16 { words *= 2 }
        if words == prefixBits.count { return }
        prefixBits = Array(repeating: 0, count: words)
        prefixCount = 0
        // Every proper prefix again, from the phrases' bytes.
        let mask = UInt64(words * 64 - 1)
        let phrases = text
        phrases.withUnsafeBufferPointer { all in
            for p in 0..<rules.count {
                var h = seed
                var tokenStart = starts[p]
                for i in starts[p]..<starts[p + 1] where all[i] == 0x20 {
                    h = Self.extend(h, Self.tokenHash(UnsafeBufferPointer(rebasing: all[tokenStart..<i])))
                    let bit = h & mask
                    if prefixBits[Int(bit >> 6)] & (1 << (bit & 63)) == 0 { prefixCount += 1 }
                    prefixBits[Int(bit >> 6)] |= 1 << (bit & 63)
                    tokenStart = i + 1
                }
            }
        }
    }

    @inline(__always)
    private func hasPrefix(_ h: UInt64) -> Bool {
        let bit = h & UInt64(prefixBits.count * 64 - 1)
        return prefixBits[Int(bit >> 6)] & (1 << (bit & 63)) != 0
    }

    /// Keeps at most half the slots full.
    private mutating func growSlots(to count: Int) {
        var size = slots.count
        while size < count * 2 { size *= 2 }
        if size == slots.count { return }
        let old = slots
        slots = Array(repeating: Slot(hash: 0, phrase: -1), count: size)
        for s in old where s.phrase >= 0 { insert(s) }
    }

    private mutating func insert(_ slot: Slot) {
        if (rules.count + 1) * 2 > slots.count { growSlots(to: rules.count + 1) }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: slot.hash >> 40) & mask
        while slots[i].phrase >= 0 { i = (i + 1) & mask }
        slots[i] = slot
    }

    /// The phrase of hash `h` whose tokens are those of `tokens` in `bytes`, if there is one.
    private func find(_ h: UInt64, _ bytes: UnsafeBufferPointer<UInt8>, _ tokens: [Range<Int>]) -> Int? {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h >> 40) & mask
        while slots[i].phrase >= 0 {
            if slots[i].hash == h {
                let p = Int(slots[i].phrase)
                if Self.equal(text, starts[p], starts[p + 1], bytes, tokens[...]) { return p }
            }
            i = (i + 1) & mask
        }
        return nil
    }

    /// Whether the phrase bytes `phrase[from..<to]` are the tokens `tokens` of `bytes` joined by
    /// spaces (each token on its own, so a token holding a space matches nothing).
    @inline(__always)
    private static func equal(_ phrase: [UInt8], _ from: Int, _ to: Int, _ bytes: UnsafeBufferPointer<UInt8>,
                              _ tokens: ArraySlice<Range<Int>>) -> Bool {
        var at = from
        for (k, r) in zip(tokens.indices, tokens) {
            if k > tokens.startIndex {
                guard at < to, phrase[at] == 0x20 else { return false }
                at += 1
            }
            guard to - at >= r.count else { return false }
            for i in r {
                // A sentence's token holding a space is never one token of a phrase.
                if phrase[at] != bytes[i] || bytes[i] == 0x20 { return false }
                at += 1
            }
        }
        return at == to
    }

    // MARK: - Matching

    /// Calls `found(start, end, rule)` for every phrase that occurs in the sentence whose tokens
    /// are `tokens` (each range a token's bytes in `bytes`), `hashes` their `tokenHash`es.
    func forEachMatch(_ bytes: UnsafeBufferPointer<UInt8>, tokens: [Range<Int>], hashes: [UInt64],
                      _ found: (Int, Int, Int32) -> Void) {
        guard !rules.isEmpty else { return }
        let mask = slots.count - 1
        for start in tokens.indices {
            var h = seed
            let last = min(tokens.count, start + maxTokens)
            var j = start
            while j < last {
                h = Self.extend(h, hashes[j])
                j += 1
                var i = Int(truncatingIfNeeded: h >> 40) & mask
                while slots[i].phrase >= 0 {
                    if slots[i].hash == h {
                        let p = Int(slots[i].phrase)
                        if Self.equal(text, starts[p], starts[p + 1], bytes, tokens[start..<j]) {
                            found(start, j, rules[p])
                            break
                        }
                    }
                    i = (i + 1) & mask
                }
                if j < last && !hasPrefix(h) { break }
            }
        }
    }
}
