/// A token found by the scanner: scalar offsets `start..<end` into its `ScalarText`.
struct TokenSpan: Equatable {
    var start: Int
    var end: Int
}

/// Splits decoded text into tokens following CoNLL-2003 / Penn Treebank conventions:
/// punctuation split off, abbreviations and numbers kept whole, clitics ('s, n't) split,
/// hyphenated words, URLs, e-mail addresses, @handles and #hashtags kept whole. Works cluster
/// by cluster, so combining marks and emoji sequences are never cut.
struct TokenScanner {
    let text: ScalarText

    private static let dot: UInt32 = 0x2E, comma: UInt32 = 0x2C, colon: UInt32 = 0x3A
    private static let hyphen: UInt32 = 0x2D, slash: UInt32 = 0x2F, apostrophe: UInt32 = 0x27
    private static let rightSingleQuote: UInt32 = 0x2019, at: UInt32 = 0x40, hash: UInt32 = 0x23
    private static let dollar: UInt32 = 0x24, ampersand: UInt32 = 0x26, backtick: UInt32 = 0x60
    private static let plus: UInt32 = 0x2B, percent: UInt32 = 0x25, minus: UInt32 = 0x2212

    @inline(__always) private func isApostrophe(_ s: UInt32) -> Bool {
        s == Self.apostrophe || s == Self.rightSingleQuote
    }

    /// All tokens of the text, in order.
    func scan() -> [TokenSpan] {
        var spans: [TokenSpan] = []
        spans.reserveCapacity(text.count / 4 + 1)
        var i = 0
        let n = text.count
        while i < n {
            let c = text.cls(i)
            if c == CharClass.space || c == CharClass.format {
                i = text.nextCluster(i)
                continue
            }
            let end = tokenEnd(at: i)
            spans.append(TokenSpan(start: i, end: end))
            i = end
        }
        return spans
    }

    /// The end of the token starting at cluster `i` (always past `i`, on a cluster boundary).
    private func tokenEnd(at i: Int) -> Int {
        let c = text.cls(i)
        let ch = text.scalars[i]
        if CharClass.isWord(c) {
            if (ch == 0x77 || ch == 0x57 || ch == 0x68 || ch == 0x48 || ch == 0x66 || ch == 0x46),
               let end = urlEnd(at: i) {
                return end
            }
            if isNegationClitic(at: i) { return i + 3 }
            return wordWithAbbreviationEnd(at: i)
        }
        let next = text.nextCluster(i)
        switch ch {
        case Self.apostrophe, Self.rightSingleQuote:
            return apostropheTokenEnd(at: i)
        case Self.dot:
            if text.scalar(next) == Self.dot { return run(of: Self.dot, from: i) }  // "..."
            if text.cls(next) == CharClass.digit && startsNumber(at: i) { return wordEnd(at: i) }  // ".5"
            return next
        case Self.hyphen, Self.plus, Self.minus:
            if text.cls(next) == CharClass.digit && startsNumber(at: i) { return wordEnd(at: i) }  // "-3.5"
            if ch == Self.hyphen && text.scalar(next) == Self.hyphen { return run(of: Self.hyphen, from: i) }  // "--"
            return next
        case Self.at:
            // @handle
            if CharClass.isWord(text.cls(next)) { return wordRun(from: next) }
            return next
        case Self.hash:
            // #hashtag (needs a letter: "#1" is "#" and "1")
            let end = wordRun(from: next)
            var j = next
            while j < end {
                if CharClass.isLetter(text.cls(j)) { return end }
                j = text.nextCluster(j)
            }
            return next
        case Self.backtick:
            return text.scalar(next) == Self.backtick ? text.nextCluster(next) : next  // PTB ``
        default:
            return next  // any other punctuation, symbol, emoji or Han ideograph: one cluster
        }
    }

    /// A run of one repeated ASCII character ("...", "--").
    private func run(of ch: UInt32, from i: Int) -> Int {
        var j = i
        while j < text.count && text.scalars[j] == ch && text.classes[j] & CharClass.extend == 0 { j += 1 }
        return j < text.count && text.classes[j] & CharClass.extend != 0 ? text.nextCluster(j - 1) : j
    }

    /// A sign or leading dot starts a number only at the start of a word ("(-3)", " .5").
    private func startsNumber(at i: Int) -> Bool {
        if i == 0 { return true }
        let p = text.classes[i - 1] & 0x7F
        return p == CharClass.space || p == CharClass.open || p == CharClass.initialQuote
            || text.scalars[i - 1] == 0x22 || text.scalars[i - 1] == Self.apostrophe
    }

    /// "n't" followed by a non-word character ("did|n't", "ca|n't").
    private func isNegationClitic(at i: Int) -> Bool {
        let s = text.scalars[i]
        guard s == 0x6E || s == 0x4E, i + 2 < text.count, isApostrophe(text.scalars[i + 1]) else { return false }
        let t = text.scalars[i + 2]
        return (t == 0x74 || t == 0x54) && !CharClass.isAlnum(text.cls(i + 3))
            && text.classes[i + 1] & CharClass.extend == 0 && text.classes[i + 2] & CharClass.extend == 0
    }

    /// Length of the clitic ('s 're 've 'll 'd 'm, any case, ' or ’) starting at the apostrophe
    /// `i`, or 0. The clitic must end the word.
    private func cliticLength(at i: Int) -> Int {
        var packed: UInt32 = 0  // up to three lowercased ASCII letters, one byte each
        var j = i + 1
        while j < text.count && j - i <= 3 {
            let c = text.classes[j]
            guard c == CharClass.upper || c == CharClass.lower else { break }  // not an extend either
            let lower = CharClass.lowercase(text.scalars[j])
            guard lower < 128 else { return 0 }
            packed = packed << 8 | lower
            j += 1
        }
        guard j > i + 1, !CharClass.isAlnum(text.cls(j)) else { return 0 }
        switch packed {
        case 0x73, 0x64, 0x6D, 0x7265, 0x7665, 0x6C6C: return j - i  // s d m re ve ll
        default: return 0
        }
    }

    /// A token starting with an apostrophe: a clitic ("'s"), a year ("'90s"), PTB "''", or a quote.
    private func apostropheTokenEnd(at i: Int) -> Int {
        let clitic = cliticLength(at: i)
        if clitic > 0 { return i + clitic }
        let next = text.nextCluster(i)
        if text.cls(next) == CharClass.digit {
            let end = wordRun(from: next)
            var digits = 0
            var j = next
            while j < end && text.cls(j) == CharClass.digit { digits += 1; j = text.nextCluster(j) }
            if digits == 2 && (j == end || (end == j + 1 && (text.scalars[j] | 0x20) == 0x73)) { return end }
        }
        if text.scalars[i] == Self.apostrophe && text.scalar(next) == Self.apostrophe { return text.nextCluster(next) }
        return next
    }

    /// Consecutive word characters (letters, digits, marks, "_") from `i`.
    private func wordRun(from i: Int) -> Int {
        var j = i
        while j < text.count && CharClass.isWord(text.cls(j)) { j = text.nextCluster(j) }
        return j
    }

    /// A word or number, plus its final "." when the two form an abbreviation ("Mr.", "U.S.",
    /// "U.S.-led") or a list number at the start of a line ("1. Smith"), plus a trailing hyphen
    /// before a space ("pre- and post-war").
    private func wordWithAbbreviationEnd(at i: Int) -> Int {
        let end = wordEnd(at: i)
        let after = text.scalar(end)
        if after == Self.hyphen && end + 1 < text.count && text.cls(end + 1) == CharClass.space
            && text.classes[end + 1] & CharClass.extend == 0 {
            return end + 1
        }
        guard after == Self.dot, text.scalar(end + 1) != Self.dot,
              end + 1 == text.count || text.classes[end + 1] & CharClass.extend == 0 else { return end }
        if isListNumber(i, end) { return end + 1 }
        guard let kind = Abbreviations.kind(text, i, end) else { return end }
        if kind == .beforeNumber {
            var j = end + 1
            while j < text.count && text.cls(j) == CharClass.space { j += 1 }
            return text.cls(j) == CharClass.digit ? end + 1 : end
        }
        if text.scalar(end + 1) == Self.hyphen && CharClass.isWord(text.cls(end + 2)) {
            return wordEnd(at: end + 1)  // "U.S.-led"
        }
        return end + 1
    }

    /// One to three digits at the start of a line, followed by "." and a space or tab: "1. Smith".
    func isListNumber(_ start: Int, _ end: Int) -> Bool {
        guard end - start <= 3, end + 1 < text.count,
              text.scalars[end + 1] == 0x20 || text.scalars[end + 1] == 0x09 else { return false }
        for k in start..<end where text.cls(k) != CharClass.digit || text.scalars[k] >= 128 { return false }
        return isAtLineStart(start)
    }

    /// Only spaces or tabs between the previous line break (or the start of the text) and `i`.
    func isAtLineStart(_ i: Int) -> Bool {
        var k = i - 1
        while k >= 0 {
            let s = text.scalars[k]
            if s == 0x20 || s == 0x09 { k -= 1; continue }
            return CharClass.lineBreaks(s, next: nil) > 0
        }
        return true
    }

    /// A word: word characters joined by inner hyphens ("well-known", "1996-08-22"), dots
    /// between letters or digits ("U.S", "1,000.50", "example.com"), digit separators ("12:30"),
    /// slashes ("and/or"), apostrophes before letters ("O'Neill"), "&" between capitals
    /// ("AT&T"); "US$"; an e-mail address. Stops before a clitic ("John|'s", "did|n't").
    private func wordEnd(at start: Int) -> Int {
        var j = text.nextCluster(start)
        var lastClass = text.cls(start)
        var allUpper = lastClass == CharClass.upper
        var clusters = 1
        let n = text.count
        while j < n {
            let c = text.cls(j)
            let ch = text.scalars[j]
            if CharClass.isWord(c) {
                if (ch == 0x6E || ch == 0x4E) && isNegationClitic(at: j) { return j }
                lastClass = c
                allUpper = allUpper && c == CharClass.upper
                clusters += 1
                j = text.nextCluster(j)
                continue
            }
            let k = text.nextCluster(j)
            let after = text.cls(k)
            var joins = false
            switch ch {
            case Self.hyphen, 0x2010, 0x2011:
                joins = CharClass.isWord(after)
            case Self.dot:
                joins = CharClass.isAlnum(after)
            case Self.comma, Self.colon:
                joins = lastClass == CharClass.digit && after == CharClass.digit
            case Self.slash:
                joins = CharClass.isWord(after)
            case Self.apostrophe, Self.rightSingleQuote:
                joins = cliticLength(at: j) == 0 && CharClass.isLetter(after)
            case Self.ampersand:
                joins = lastClass == CharClass.upper && after == CharClass.upper
            case Self.dollar:
                if allUpper && clusters <= 3 { return k }  // "US$", "HK$"
            case Self.at, Self.plus, Self.percent:
                if let end = emailEnd(at: start) { return end }
            default:
                joins = c == CharClass.format && CharClass.isLetter(after)  // soft hyphen, bidi marks
            }
            guard joins else { return j }
            j = k
        }
        return j
    }

    /// The end of an e-mail address starting at `start`, if there is one.
    private func emailEnd(at start: Int) -> Int? {
        var j = start
        let n = text.count
        while j < n {
            let c = text.cls(j), ch = text.scalars[j]
            guard CharClass.isWord(c) || ch == Self.dot || ch == Self.hyphen || ch == Self.plus
                || ch == Self.percent || ch == Self.apostrophe else { break }
            j = text.nextCluster(j)
        }
        guard j > start, j < n, text.scalars[j] == Self.at else { return nil }
        var k = j + 1
        var end = k
        var dotInside = false
        var pendingDot = false
        while k < n {
            let c = text.cls(k), ch = text.scalars[k]
            if CharClass.isWord(c) {
                if pendingDot { dotInside = true; pendingDot = false }
                k = text.nextCluster(k)
                end = k
            } else if ch == Self.dot && end > j + 1 {
                pendingDot = true
                k += 1
            } else if ch == Self.hyphen && end > j + 1 {
                k += 1
            } else {
                break
            }
        }
        return dotInside ? end : nil
    }

    private static let urlPrefixes: [[UInt32]] = ["http://", "https://", "ftp://", "www."].map {
        $0.unicodeScalars.map(\.value)
    }

    /// The end of a URL starting at `i` (http://, https://, ftp://, www.), trailing punctuation
    /// and unbalanced closing brackets excluded.
    private func urlEnd(at i: Int) -> Int? {
        let n = text.count
        var prefixLength = 0
        for p in Self.urlPrefixes where i + p.count < n {
            var matches = true
            for (k, s) in p.enumerated() where CharClass.lowercase(text.scalars[i + k]) != s {
                matches = false
                break
            }
            if matches { prefixLength = p.count; break }
        }
        guard prefixLength > 0 else { return nil }
        var j = i + prefixLength
        var parens = 0, brackets = 0
        while j < n {
            let c = text.cls(j), ch = text.scalars[j]
            if c == CharClass.space || ch == 0x22 || ch == 0x3C || ch == 0x3E
                || c == CharClass.initialQuote || c == CharClass.finalQuote { break }
            if ch == 0x28 { parens += 1 } else if ch == 0x29 { parens -= 1 }
            if ch == 0x5B { brackets += 1 } else if ch == 0x5D { brackets -= 1 }
            j = text.nextCluster(j)
        }
        while j > i + prefixLength {
            let last = text.scalars[j - 1]
            if [0x2E, 0x2C, 0x3B, 0x3A, 0x21, 0x3F, 0x27].contains(last) {
                j -= 1
            } else if last == 0x29 && parens < 0 {
                parens += 1; j -= 1
            } else if last == 0x5D && brackets < 0 {
                brackets += 1; j -= 1
            } else {
                break
            }
        }
        // "www." alone (or "http://") is not a URL.
        return j > i + prefixLength ? j : nil
    }
}
