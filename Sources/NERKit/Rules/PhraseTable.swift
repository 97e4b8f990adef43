import CKernels

/// Phrase rules, each a sequence of tokens, found in a sentence in one pass over its tokens.
///
/// A phrase is kept as its tokens' UTF-8 joined by single spaces (tokens hold no spaces) in one
/// byte array, and indexed by a 64-bit hash of its token sequence in an open-addressing table
/// (a slot is 8 bytes: 32 bits of the hash and the phrase's number; the other 32 bits choose the
/// slot). The table in memory is its stored form (`Parts`), so a compiled file's table is used
/// as read, after a bounds check; a hit reads the phrase's entry (where its bytes are and its
/// rule, in one cache line) and its bytes. A bit set
/// holds the hashes of the phrases' proper prefixes. A sentence is matched by hashing each
/// token once, then from every start extending the hash token by token: a phrase is looked up
/// at every length, and the walk stops where no phrase goes on (the prefix bit is clear). Every
/// hit is checked byte for byte, so a hash collision never makes a false match.
///
/// Against a trie of interned tokens (a hash table of tokens and one of edges) this stores one
/// table entry per phrase instead of one per token and no string per token, which makes reading
/// a million phrases several times faster and the tables smaller. The first rule of a phrase
/// wins: a repeated phrase keeps the rule it was first added with.
///
/// Phrases are added in two steps: `add` stores a phrase and its hashes, `commit` puts what was
/// added since the last commit into the hash table and the prefix bits, sized once for all of
/// them and in the order of their slots, so that a million phrases fill a table many times the
/// size of the cache with few cache misses (inserting each phrase as it is read costs a cache
/// miss or two per phrase, the most of the time of reading them). Match only a committed table.
struct PhraseTable: Sendable {
    /// A slot of the hash table: the low 32 bits of the phrase's hash (the high 32 bits choose
    /// the slot) in its low 32 bits, the phrase's number in the high 32 (all ones: empty).
    private static let emptySlot: UInt64 = 0xFFFF_FFFF << 32

    @inline(__always)
    private static func slot(tag: UInt32, phrase: Int) -> UInt64 { UInt64(tag) | UInt64(UInt32(truncatingIfNeeded: phrase)) << 32 }

    /// The slot's phrase, or -1 for an empty slot.
    @inline(__always)
    private static func phrase(_ slot: UInt64) -> Int { Int(Int32(truncatingIfNeeded: slot >> 32)) }

    /// The longest phrase a table holds, in bytes. Longer phrases are refused when a patterns
    /// file is read.
    static let maxPhraseBytes = (1 << 24) - 1

    /// The phrases' bytes; phrase `p` is `text[starts[p]..<starts[p + 1]]`. A phrase added again
    /// keeps its bytes here but is not in the table.
    private var text: [UInt8] = []
    private var starts: [Int] = [0]
    /// Per phrase: its rule.
    private var rules: [Int32] = []
    /// Per phrase, what a hit reads, in two words of one cache line: where its bytes start (the
    /// low 40 bits) and their length (the high 24), then its rule. Made from `starts` and
    /// `rules`, so that a hit costs one cache miss here instead of one in each.
    private var entries: [UInt64] = []
    private var slots: [UInt64] = Array(repeating: PhraseTable.emptySlot, count: 16)
    /// How many phrases are in `slots` (the distinct phrases committed).
    private var distinct = 0
    /// The phrases from `committed` on were added since the last commit; `pendingHashes` holds
    /// their hashes and `pendingPrefixes` the hashes of their proper prefixes.
    private var committed = 0
    private var pendingHashes: [UInt64] = []
    private var pendingPrefixes: [UInt64] = []
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

    /// How many distinct phrases are committed.
    var count: Int { distinct }

    var isEmpty: Bool { distinct == 0 }

    /// Room for about `phrases` more phrases of `tokens` tokens in all, so the arrays are not
    /// copied again and again while a large file is read.
    mutating func reserve(phrases: Int, tokens: Int) {
        text.reserveCapacity(text.count + tokens * 8)
        starts.reserveCapacity(starts.count + phrases)
        entries.reserveCapacity(entries.count + 2 * phrases)
        rules.reserveCapacity(rules.count + phrases)
        pendingHashes.reserveCapacity(pendingHashes.count + phrases)
        pendingPrefixes.reserveCapacity(pendingPrefixes.count + max(0, tokens - phrases))
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

    @inline(__always)
    private static func home(_ h: UInt64, _ mask: Int) -> Int { Int(truncatingIfNeeded: h >> 32) & mask }

    @inline(__always)
    private static func tag(_ h: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: h) }

    // MARK: - Adding

    /// Adds the phrase made of the tokens in `tokens` (each range a token's bytes in `bytes`,
    /// none empty or holding a space), for rule `rule`; it is matched once committed, unless the
    /// same phrase was added before.
    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>, tokens: [Range<Int>], rule: Int32) {
        precondition(!tokens.isEmpty)
        precondition(tokens.reduce(tokens.count - 1) { $0 + $1.count } <= Self.maxPhraseBytes, "a phrase longer than maxPhraseBytes is refused when read")
        var h = seed
        for (k, r) in tokens.enumerated() {
            if k > 0 {
                pendingPrefixes.append(h)
                text.append(0x20)
            }
            let token = UnsafeBufferPointer(rebasing: bytes[r])
            h = Self.extend(h, Self.tokenHash(token))
            text.append(contentsOf: token)
        }
        entries.append(UInt64(starts[starts.count - 1]) | UInt64(text.count - starts[starts.count - 1]) << 40)
        entries.append(UInt64(UInt32(bitPattern: rule)))
        starts.append(text.count)
        rules.append(rule)
        pendingHashes.append(h)
        maxTokens = max(maxTokens, tokens.count)
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

    /// Puts the phrases added since the last commit into the table (a phrase already there is
    /// left out: the first rule of a phrase wins) and their prefixes into the prefix bits.
    mutating func commit() {
        let added = rules.count - committed
        guard added > 0 else { return }
        // Prefixes: the bits sized once for all, then set in a loop of independent stores.
        if (prefixCount + pendingPrefixes.count) * 8 > prefixBits.count * 64 {
            growPrefixes(to: prefixCount + pendingPrefixes.count)
        }
        let prefixes = pendingPrefixes
        prefixBits.withUnsafeMutableBufferPointer { bits in
            let mask = UInt64(bits.count * 64 - 1)
            var newBits = 0
            for h in prefixes {
                let bit = h & mask
                let word = bits[Int(bit >> 6)], one: UInt64 = 1 << (bit & 63)
                bits[Int(bit >> 6)] = word | one
                newBits &+= word & one == 0 ? 1 : 0
            }
            prefixCount += newBits
        }
        // Phrases: in the order of their first slot (a counting sort by its top bits, stable, so
        // of two equal phrases the first added is inserted first), which walks the table once.
        growSlots(to: distinct + added)
        let mask = slots.count - 1
        let hashes = pendingHashes
        let bucketBits = added < 4096 ? 0 : min(12, max(0, slots.count.trailingZeroBitCount - 12))
        if bucketBits == 0 {
            for k in 0..<added { insert(committed + k, hashes[k]) }
        } else {
            let shift = slots.count.trailingZeroBitCount - bucketBits
            var offsets = [Int](repeating: 0, count: (1 << bucketBits) + 1)
            for h in hashes { offsets[(Self.home(h, mask) >> shift) + 1] += 1 }
            for b in 0..<(1 << bucketBits) { offsets[b + 1] += offsets[b] }
            var order = [Int32](repeating: 0, count: added)
            for (k, h) in hashes.enumerated() {
                let b = Self.home(h, mask) >> shift
                order[offsets[b]] = Int32(k)
                offsets[b] += 1
            }
            for k in order { insert(committed + Int(k), hashes[Int(k)]) }
        }
        committed = rules.count
        pendingHashes = []
        pendingPrefixes = []
    }

    /// Calls `prefix` with the hash of every proper prefix of the phrase whose bytes are
    /// `all[from..<to]` and returns its hash.
    private func hashOf(_ all: UnsafeBufferPointer<UInt8>, from: Int, to: Int, prefix: (UInt64) -> Void) -> UInt64 {
        var h = seed
        var tokenStart = from
        for i in from..<to where all[i] == 0x20 {
            h = Self.extend(h, Self.tokenHash(UnsafeBufferPointer(rebasing: all[tokenStart..<i])))
            prefix(h)
            tokenStart = i + 1
        }
        return Self.extend(h, Self.tokenHash(UnsafeBufferPointer(rebasing: all[tokenStart..<to])))
    }

    /// At least 16 bits per prefix: a walk goes on past a token for nothing one time in 16 at most.
    private mutating func growPrefixes(to count: Int) {
        var words = prefixBits.count
        while words * 64 < count * 16 { words *= 2 }
        if words == prefixBits.count { return }
        var bits = [UInt64](repeating: 0, count: words)
        var set = 0
        // Every proper prefix of the committed phrases again, from their bytes.
        let mask = UInt64(words * 64 - 1)
        text.withUnsafeBufferPointer { all in
            for p in 0..<committed {
                _ = hashOf(all, from: starts[p], to: starts[p + 1]) { h in
                    let bit = h & mask
                    if bits[Int(bit >> 6)] & (1 << (bit & 63)) == 0 { set += 1 }
                    bits[Int(bit >> 6)] |= 1 << (bit & 63)
                }
            }
        }
        prefixBits = bits
        prefixCount = set
    }

    @inline(__always)
    private func hasPrefix(_ h: UInt64) -> Bool {
        let bit = h & UInt64(prefixBits.count * 64 - 1)
        return prefixBits[Int(bit >> 6)] & (1 << (bit & 63)) != 0
    }

    /// Keeps at most half the slots full; the committed phrases are put in again, their hashes
    /// made again from their bytes.
    private mutating func growSlots(to count: Int) {
        var size = slots.count
        while size < count * 2 { size *= 2 }
        if size == slots.count { return }
        var grown = Array(repeating: Self.emptySlot, count: size)
        let mask = size - 1
        text.withUnsafeBufferPointer { all in
            for s in slots where Self.phrase(s) >= 0 {
                let p = Self.phrase(s)
                let h = hashOf(all, from: starts[p], to: starts[p + 1]) { _ in }
                var i = Self.home(h, mask)
                while Self.phrase(grown[i]) >= 0 { i = (i + 1) & mask }
                grown[i] = s
            }
        }
        slots = grown
    }

    /// Puts phrase `p` (of hash `h`) in the table unless an equal phrase is there.
    private mutating func insert(_ p: Int, _ h: UInt64) {
        let mask = slots.count - 1
        let tag = Self.tag(h)
        var i = Self.home(h, mask)
        while Self.phrase(slots[i]) >= 0 {
            if Self.tag(slots[i]) == tag && samePhrase(Self.phrase(slots[i]), p) { return }
            i = (i + 1) & mask
        }
        slots[i] = Self.slot(tag: tag, phrase: p)
        distinct += 1
    }

    /// Whether phrases `q` and `p` have the same bytes.
    private func samePhrase(_ q: Int, _ p: Int) -> Bool {
        text[starts[q]..<starts[q + 1]].elementsEqual(text[starts[p]..<starts[p + 1]])
    }

    /// Whether the phrase bytes `phrase[from..<to]` are the tokens `tokens` of `bytes` joined by
    /// spaces (each token on its own, so a token holding a space matches nothing).
    @inline(__always)
    private static func equal(_ phrase: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int, _ bytes: UnsafeBufferPointer<UInt8>,
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

    // MARK: - Stored form

    /// A committed table's arrays as they are, for a compiled patterns file
    /// (`CompiledPatterns`): read back, the table is ready without hashing a phrase again.
    struct Parts {
        var text: [UInt8]
        var starts: [Int]
        var rules: [Int32]
        /// Per slot: the tag in the low 32 bits, the phrase (or -1) in the high 32 bits.
        var slots: [UInt64]
        var prefixBits: [UInt64]
        var maxTokens: Int
        var seed: UInt64
    }

    /// The committed table's parts (call `commit` first).
    var parts: Parts {
        precondition(committed == rules.count, "a table is stored committed")
        return Parts(text: text, starts: starts, rules: rules, slots: slots, prefixBits: prefixBits,
                     maxTokens: maxTokens, seed: seed)
    }

    /// The table made of stored parts, checked so that no lookup reads out of bounds or probes
    /// forever whatever the bytes were: nil, with what is wrong, when they do not make a table.
    /// `ruleCount` bounds the rules.
    init(parts: Parts, ruleCount: Int) throws(PartsError) {
        let phrases = parts.rules.count
        guard parts.starts.count == phrases + 1, parts.starts.first == 0, parts.starts.last == parts.text.count,
              parts.text.count < 1 << 40 else {
            throw PartsError("phrase offsets do not match the phrases' bytes")
        }
        for k in 0..<phrases {
            if parts.starts[k] > parts.starts[k + 1] { throw PartsError("phrase offsets go backwards at phrase \(k)") }
            if parts.starts[k + 1] - parts.starts[k] > Self.maxPhraseBytes {
                throw PartsError("phrase \(k) is longer than \(Self.maxPhraseBytes) bytes")
            }
        }
        for r in parts.rules where r < 0 || Int(r) >= ruleCount {
            throw PartsError("a phrase names rule \(r) of \(ruleCount)")
        }
        guard parts.slots.count >= 16, parts.slots.count.nonzeroBitCount == 1,
              parts.prefixBits.count >= 1, parts.prefixBits.count.nonzeroBitCount == 1 else {
            throw PartsError("the hash table's sizes are not powers of two")
        }
        // The slots are used as stored: each names an existing phrase or none.
        var used = 0, outOfRange = 0
        for s in parts.slots {
            let p = Self.phrase(s)
            used &+= p >= 0 ? 1 : 0
            outOfRange |= p < -1 || p >= phrases ? 1 : 0
        }
        if outOfRange != 0, let s = parts.slots.first(where: { Self.phrase($0) < -1 || Self.phrase($0) >= phrases }) {
            throw PartsError("a slot names phrase \(Self.phrase(s)) of \(phrases)")
        }
        // An empty slot ends every probe; the table is kept at most half full.
        guard used * 2 <= parts.slots.count, parts.maxTokens >= 0 else {
            throw PartsError("the hash table is over half full (\(used) phrases in \(parts.slots.count) slots)")
        }
        seed = parts.seed
        text = parts.text
        starts = parts.starts
        rules = parts.rules
        slots = parts.slots
        prefixBits = parts.prefixBits
        entries = [UInt64](unsafeUninitializedCapacity: 2 * phrases) { entries, count in
            for p in 0..<phrases {
                let start = parts.starts[p]
                entries[2 * p] = UInt64(start) | UInt64(parts.starts[p + 1] - start) << 40
                entries[2 * p + 1] = UInt64(UInt32(bitPattern: parts.rules[p]))
            }
            count = 2 * phrases
        }
        distinct = used
        prefixCount = parts.prefixBits.reduce(0) { $0 + $1.nonzeroBitCount }
        maxTokens = parts.maxTokens
        committed = phrases
    }

    /// Why stored parts do not make a table.
    struct PartsError: Error {
        let text: String
        init(_ text: String) { self.text = text }
    }

    /// Calls `body` with each phrase's tokens (byte ranges in `bytes`) and rule, in the order
    /// added (repeated phrases included, so adding them again in this order keeps each phrase's
    /// first rule).
    func forEachPhrase(_ body: (UnsafeBufferPointer<UInt8>, [Range<Int>], Int32) -> Void) {
        text.withUnsafeBufferPointer { all in
            var tokens: [Range<Int>] = []
            for p in 0..<rules.count {
                tokens.removeAll(keepingCapacity: true)
                var tokenStart = starts[p]
                for i in starts[p]..<starts[p + 1] where all[i] == 0x20 {
                    tokens.append(tokenStart..<i)
                    tokenStart = i + 1
                }
                tokens.append(tokenStart..<starts[p + 1])
                body(all, tokens, rules[p])
            }
        }
    }

    // MARK: - Matching

    /// One walk of the matching: the phrase being extended from token `start`, the hash of its
    /// tokens so far and their bytes joined by spaces.
    private struct Walk {
        var start: Int
        var length: Int
        var hash: UInt64
    }

    /// Calls `found(start, end, rule)` for every committed phrase that occurs in the sentence
    /// whose tokens are `tokens` (each range a token's bytes in `bytes`), `hashes` their
    /// `tokenHash`es; in order of length, then of start.
    ///
    /// The walks from every start go on together, one token at a time: for all of them first the
    /// cache lines of their slots and prefix words are asked for (prefetches that do not wait for
    /// one another, so their cache misses overlap), then those of the phrase entries of the slots
    /// whose tag matched, then those of the phrases' bytes, and only then is anything compared.
    /// Walking one start at a time, each of those misses waited for the last, behind branches on
    /// its value.
    func forEachMatch(_ bytes: UnsafeBufferPointer<UInt8>, tokens: [Range<Int>], hashes: [UInt64],
                      _ found: (Int, Int, Int32) -> Void) {
        guard distinct > 0, !tokens.isEmpty else { return }
        let n = tokens.count
        slots.withUnsafeBufferPointer { slots in
        prefixBits.withUnsafeBufferPointer { bits in
        entries.withUnsafeBufferPointer { entries in
        text.withUnsafeBufferPointer { text in
        withUnsafeTemporaryAllocation(of: Walk.self, capacity: n) { walks in
            let mask = slots.count - 1, bitMask = UInt64(bits.count * 64 - 1)
            for k in 0..<n { walks[k] = Walk(start: k, length: tokens[k].count, hash: Self.extend(seed, hashes[k])) }
            var active = n, level = 1
            while active > 0 {
                // Each walk's home slot and prefix word asked for.
                for a in 0..<active {
                    let h = walks[a].hash
                    ner_prefetch(slots.baseAddress! + Self.home(h, mask))
                    ner_prefetch(bits.baseAddress! + Int(truncatingIfNeeded: (h & bitMask) >> 6))
                }
                // The entry of the home slot's phrase asked for when its tag matches.
                for a in 0..<active {
                    let h = walks[a].hash, slot = slots[Self.home(h, mask)], p = Self.phrase(slot)
                    if p >= 0 && Self.tag(slot) == Self.tag(h) { ner_prefetch(entries.baseAddress! + 2 * p) }
                }
                // And that phrase's bytes (a table read from a file may hold only empty phrases: no bytes).
                if let bytesBase = text.baseAddress {
                    for a in 0..<active {
                        let h = walks[a].hash, slot = slots[Self.home(h, mask)], p = Self.phrase(slot)
                        if p >= 0 && Self.tag(slot) == Self.tag(h) {
                            ner_prefetch(bytesBase + Int(truncatingIfNeeded: entries[2 * p] & 0xFF_FFFF_FFFF))
                        }
                    }
                }
                var next = 0
                for a in 0..<active {
                    let w = walks[a], end = w.start + level
                    var i = Self.home(w.hash, mask), slot = slots[i]
                    let tag = Self.tag(w.hash)
                    while Self.phrase(slot) >= 0 {
                        if Self.tag(slot) == tag {
                            let p = Self.phrase(slot)
                            let entry = entries[2 * p]
                            let from = Int(truncatingIfNeeded: entry & 0xFF_FFFF_FFFF)
                            if Int(truncatingIfNeeded: entry >> 40) == w.length
                                && Self.equal(text, from, from + w.length, bytes, tokens[w.start..<end]) {
                                found(w.start, end, Int32(truncatingIfNeeded: entries[2 * p + 1]))
                                break
                            }
                        }
                        i = (i + 1) & mask
                        slot = slots[i]
                    }
                    // Go on where some phrase does.
                    if level < maxTokens && end < n && bits[Int(truncatingIfNeeded: (w.hash & bitMask) >> 6)] & (1 << (w.hash & 63)) != 0 {
                        walks[next] = Walk(start: w.start, length: w.length + 1 + tokens[end].count,
                                           hash: Self.extend(w.hash, hashes[end]))
                        next += 1
                    }
                }
                active = next
                level += 1
            }
        }
        }
        }
        }
        }
    }
}
