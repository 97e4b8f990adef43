/// Finds sentence boundaries among the tokens of a text: after ". ! ?" (and closing quotes or
/// brackets right after them) when whitespace and a sentence-like start follow; after an
/// abbreviation only when it can end a sentence and a common sentence opener follows; never
/// after titles or initials; always at a blank line. A single newline is not a boundary.
/// In text written all in lower case (or all in capitals) a lowercase word may start a sentence
/// and abbreviations and sentence openers are recognised in that case (see `ScalarText.letterCase`).
struct SentenceSplitter {
    let text: ScalarText

    /// Ranges of token indices, one per sentence, covering all tokens in order.
    func split(_ tokens: [TokenSpan]) -> [Range<Int>] {
        var sentences: [Range<Int>] = []
        var start = 0
        var k = 0
        while k < tokens.count {
            var last = k  // the last token of the sentence if it ends here
            var ends = false
            if k + 1 < tokens.count && (paragraphBreak(between: tokens[k], and: tokens[k + 1])
                || startsListItem(tokens[k + 1], after: tokens[k])) {
                ends = true
            } else if let kind = endingKind(tokens[k]) {
                // Closing quotes and brackets glued to the terminator belong to this sentence.
                while last + 1 < tokens.count && isCloser(tokens[last + 1])
                    && tokens[last + 1].start == tokens[last].end {
                    last += 1
                }
                if last + 1 < tokens.count {
                    let next = tokens[last + 1]
                    if paragraphBreak(between: tokens[last], and: next) {
                        ends = true
                    } else if next.start > tokens[last].end || kind == .fullWidth {
                        switch kind {
                        case .terminator, .fullWidth: ends = startsSentence(next)
                        case .abbreviation: ends = startsSentenceAfterAbbreviation(next)
                        }
                    }
                }
            }
            if ends {
                sentences.append(start..<(last + 1))
                start = last + 1
            }
            k = last + 1
        }
        if start < tokens.count { sentences.append(start..<tokens.count) }
        return sentences
    }

    private enum Ending { case terminator, fullWidth, abbreviation }

    /// Whether token `t` can end a sentence, and how.
    private func endingKind(_ t: TokenSpan) -> Ending? {
        let first = text.scalars[t.start]
        switch first {
        case 0x2E, 0x21, 0x3F, 0x2026, 0x203C, 0x2047, 0x2048, 0x2049:  // . ! ? … ‼ ⁇ ⁈ ⁉
            return .terminator
        case 0x3002, 0xFF01, 0xFF1F, 0xFF0E:  // 。！？． (no space follows in CJK text)
            return .fullWidth
        default:
            break
        }
        guard t.end - t.start >= 2, text.scalars[t.end - 1] == 0x2E,
              let kind = Abbreviations.kind(text, t.start, t.end - 1) else { return nil }
        return kind == .canEnd ? .abbreviation : nil
    }

    private func isCloser(_ t: TokenSpan) -> Bool {
        let c = text.cls(t.start)
        if c == CharClass.close || c == CharClass.finalQuote { return true }
        let s = text.scalars[t.start]
        return s == 0x22 || s == 0x27 || s == 0xBB || s == 0x203A  // " ' » ›
    }

    /// A sentence may start with anything but a lowercase letter or closing punctuation.
    private func startsSentence(_ t: TokenSpan) -> Bool {
        let c = text.cls(t.start)
        switch c {
        case CharClass.upper, CharClass.letter, CharClass.han, CharClass.digit, CharClass.number,
             CharClass.open, CharClass.initialQuote:
            return true
        case CharClass.lower:
            // In lowercase text every sentence starts with a lowercase letter.
            return text.letterCase == .lower || !CharClass.isLowercase(text.scalars[t.start])
        default:
            let s = text.scalars[t.start]
            // " ' ` ¿ ¡ « ‹ — and @handles, #hashtags, emoji
            return s == 0x22 || s == 0x27 || s == 0x60 || s == 0xBF || s == 0xA1 || s == 0xAB
                || s == 0x2014 || s == 0x40 || s == 0x23 || c == CharClass.symbol && s > 0x2000
        }
    }

    /// After "Inc." or "U.S.": only a word that usually opens a sentence, or an opening quote.
    private func startsSentenceAfterAbbreviation(_ t: TokenSpan) -> Bool {
        let s = text.scalars[t.start]
        if s == 0x22 || s == 0x60 || text.cls(t.start) == CharClass.initialQuote { return true }
        let startsWithLetter = text.cls(t.start) == CharClass.upper || text.letterCase == .lower && text.cls(t.start) == CharClass.lower
        guard startsWithLetter, t.end - t.start <= 12 else { return false }
        return Abbreviations.opensSentence(text.string(t.start, t.end), in: text)
    }

    /// A list item at the start of a line: "1. Smith", "• Smith", "* Smith", "- Smith".
    private func startsListItem(_ t: TokenSpan, after previous: TokenSpan) -> Bool {
        guard t.end < text.count, text.cls(t.end) == CharClass.space,
              TokenScanner(text: text).isAtLineStart(t.start), previous.end < t.start else { return false }
        let first = text.scalars[t.start]
        if t.end - t.start == 1 {
            return first == 0x2022 || first == 0x2023 || first == 0x25E6 || first == 0x2043
                || first == 0x2A || first == 0x2D || first == 0x2013
        }
        return text.scalars[t.end - 1] == 0x2E && TokenScanner(text: text).isListNumber(t.start, t.end - 1)
    }

    /// A blank line (two or more line breaks) in the whitespace between two tokens.
    private func paragraphBreak(between a: TokenSpan, and b: TokenSpan) -> Bool {
        var breaks = 0
        var i = a.end
        while i < b.start {
            breaks += CharClass.lineBreaks(text.scalars[i], next: i + 1 < b.start ? text.scalars[i + 1] : nil)
            if breaks >= 2 { return true }
            i += 1
        }
        return false
    }
}
