/// The common lines of a patterns file, read straight from their bytes with no JSON tree and no
/// string made: a phrase rule `{"label": "PRODUCT", "pattern": "Teddy bears"}` (with optionally
/// `"id"` and `"lower"`) or a gazetteer line `PRODUCT<TAB>Teddy bears`, all printable ASCII, no
/// escapes. When the phrase is only letters, digits and spaces its words are its tokens (see
/// `EntityPattern.plainWords`); any other phrase is for the tokenizer. Any other line, and every
/// line with something wrong in it, is left to `EntityPattern.parse`, which reads every line this
/// one reads to the same rule: this is only a shortcut, measured to make reading a million
/// phrases several times faster.
struct PlainPatternLine {
    /// Byte ranges in the line.
    var label: Range<Int>
    var id: Range<Int>?
    /// The phrase as `EntityPattern.parse` hands it to the tokenizer (a gazetteer line's trimmed).
    var phrase: Range<Int>
    var lower: Bool
    /// Whether the phrase is only ASCII letters, digits and spaces (its words are then in `words`).
    var isPlain: Bool

    /// Reads `bytes` (one line without its terminator); the phrase's words go to `words` (emptied
    /// first). Nil when the line is not one of the plain shapes above.
    init?(_ bytes: UnsafeBufferPointer<UInt8>, words: inout [Range<Int>]) {
        words.removeAll(keepingCapacity: true)
        // A line longer than the longest phrase goes to the general reader, which says so if
        // its phrase is too long.
        guard let first = bytes.first, bytes.count <= PhraseTable.maxPhraseBytes else { return nil }
        if first == UInt8(ascii: "{") || first == 0x20 || first == 0x09 {
            guard let json = Self.json(bytes, words: &words) else { return nil }
            self = json
        } else {
            guard let line = Self.gazetteer(bytes, words: &words) else { return nil }
            self = line
        }
    }

    private init(label: Range<Int>, id: Range<Int>?, phrase: Range<Int>, lower: Bool, isPlain: Bool) {
        self.label = label
        self.id = id
        self.phrase = phrase
        self.lower = lower
        self.isPlain = isPlain
    }

    /// `LABEL<TAB>phrase`: a label of printable ASCII without spaces, not starting with `#`.
    private static func gazetteer(_ bytes: UnsafeBufferPointer<UInt8>, words: inout [Range<Int>]) -> PlainPatternLine? {
        var i = 0
        while i < bytes.count, bytes[i] > 0x20, bytes[i] < 0x7F { i += 1 }
        guard i > 0, i < bytes.count, bytes[i] == 0x09, bytes[0] != UInt8(ascii: "#") else { return nil }
        let label = 0..<i
        var phrase = i + 1..<bytes.count
        guard isLabel(bytes, label), bytes[phrase].allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
        while let first = phrase.first, bytes[first] == 0x20 { phrase = first + 1..<phrase.upperBound }
        while let last = phrase.last, bytes[last] == 0x20 { phrase = phrase.lowerBound..<last }
        guard !phrase.isEmpty else { return nil }
        let isPlain = splitWords(bytes, phrase, into: &words)
        return PlainPatternLine(label: label, id: nil, phrase: phrase, lower: false, isPlain: isPlain)
    }

    private static func json(_ bytes: UnsafeBufferPointer<UInt8>, words: inout [Range<Int>]) -> PlainPatternLine? {
        var i = 0
        func skipSpace() { while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 } }
        /// A string of printable ASCII without escapes: the range between the quotes.
        func string() -> Range<Int>? {
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
            let start = i + 1
            i = start
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: "\"") {
                    i += 1
                    return start..<i - 1
                }
                guard b >= 0x20, b < 0x7F, b != UInt8(ascii: "\\") else { return nil }
                i += 1
            }
            return nil
        }
        func literal(_ word: StaticString) -> Bool {
            let n = word.utf8CodeUnitCount
            guard bytes.count - i >= n else { return false }
            for k in 0..<n where bytes[i + k] != word.utf8Start[k] { return false }
            i += n
            return true
        }
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        var label: Range<Int>?, pattern: Range<Int>?, id: Range<Int>?, lower: Bool?
        while true {
            skipSpace()
            guard let key = string() else { return nil }
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            skipSpace()
            switch key.count {
            case 5 where equals(bytes, key, "label"):
                guard label == nil, let value = string() else { return nil }
                label = value
            case 7 where equals(bytes, key, "pattern"):
                guard pattern == nil, let value = string() else { return nil }
                pattern = value
            case 2 where equals(bytes, key, "id"):
                guard id == nil, let value = string() else { return nil }
                id = value
            case 5 where equals(bytes, key, "lower"):
                guard lower == nil else { return nil }
                if literal("true") {
                    lower = true
                } else if literal("false") {
                    lower = false
                } else {
                    return nil
                }
            default:
                return nil
            }
            skipSpace()
            guard i < bytes.count else { return nil }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            guard bytes[i] == UInt8(ascii: "}") else { return nil }
            i += 1
            break
        }
        skipSpace()
        guard i == bytes.count, let label, let pattern, isLabel(bytes, label) else { return nil }
        let isPlain = splitWords(bytes, pattern, into: &words)
        // Spaces only: no tokens, an error the general reader reports.
        if !isPlain && bytes[pattern].allSatisfy({ $0 == 0x20 }) { return nil }
        return PlainPatternLine(label: label, id: id, phrase: pattern, lower: lower ?? false, isPlain: isPlain)
    }

    private static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ word: StaticString) -> Bool {
        guard range.count == word.utf8CodeUnitCount else { return false }
        for (k, i) in range.enumerated() where bytes[i] != word.utf8Start[k] { return false }
        return true
    }

    /// A usable label (see `GazetteerLine.labelProblem`) of printable ASCII.
    private static func isLabel(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard !range.isEmpty, !(range.count == 1 && bytes[range.lowerBound] == UInt8(ascii: "O")) else { return false }
        for i in range where bytes[i] <= 0x20 || bytes[i] >= 0x7F { return false }
        return true
    }

    /// The words of `range` when it holds only ASCII letters, digits and spaces, and at least one
    /// word; false (and `words` empty) otherwise.
    private static func splitWords(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into words: inout [Range<Int>]) -> Bool {
        var start = -1
        for i in range {
            let b = bytes[i]
            if b == 0x20 {
                if start >= 0 { words.append(start..<i) }
                start = -1
            } else if (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) {
                if start < 0 { start = i }
            } else {
                words.removeAll(keepingCapacity: true)
                return false
            }
        }
        if start >= 0 { words.append(start..<range.upperBound) }
        return !words.isEmpty
    }
}
