/// The token attributes a token pattern can test, computed as spaCy's `Token` computes them so
/// that a spaCy entity ruler's patterns mean the same here: `shape` is `Token.shape_`, the flags
/// are Python's `str.isdigit()`, `istitle()`, `isalpha()`, `islower()`, `isupper()`, and
/// `is_punct` holds when every character is Unicode punctuation. They are computed from the
/// token's NFC form, the spelling the model reads.
enum TokenAttributes {
    /// The token's shape: letters become `X` (uppercase) or `x`, digits `d`, other characters
    /// stay, and a run of the same shape character stops growing after 4 ("Apple" → "Xxxxx",
    /// "1999" → "dddd", "C-3PO" → "X-dXX", "abcdefg" → "xxxx"). A token of 100 characters or
    /// more is "LONG", as in spaCy.
    static func shape(_ text: String) -> String {
        if text.count >= 100 { return "LONG" }
        var out = ""
        var last: Character?
        var run = 0
        for c in text {
            let s: Character
            if c.isLetter {
                s = c.isUppercase ? "X" : "x"
            } else if c.isNumber && c.isWholeNumber {
                s = "d"
            } else {
                s = c
            }
            if s == last {
                run += 1
            } else {
                run = 1
                last = s
            }
            if run <= 4 { out.append(s) }
        }
        return out
    }

    /// Every character a decimal digit (and at least one).
    static func isDigit(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isWholeNumber && $0.isNumber }
    }

    /// Every character a letter (and at least one).
    static func isAlpha(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy(\.isLetter)
    }

    /// Cased characters, all lowercase.
    static func isLower(_ text: String) -> Bool {
        var cased = false
        for c in text where c.isCased {
            if c.isUppercase { return false }
            cased = true
        }
        return cased
    }

    /// Cased characters, all uppercase.
    static func isUpper(_ text: String) -> Bool {
        var cased = false
        for c in text where c.isCased {
            if c.isLowercase { return false }
            cased = true
        }
        return cased
    }

    /// Python's `istitle()`: at least one cased character; an uppercase (or titlecase) one only
    /// after an uncased one, a lowercase one only after a cased one ("Apple", "O'Neil", "Xx-Yy";
    /// not "iPhone", "USA", "1999").
    static func isTitle(_ text: String) -> Bool {
        var previousCased = false, sawCased = false
        for c in text {
            if c.isUppercase || c.isTitlecaseScalar {
                if previousCased { return false }
                previousCased = true
                sawCased = true
            } else if c.isLowercase {
                if !previousCased { return false }
                previousCased = true
                sawCased = true
            } else {
                previousCased = false
            }
        }
        return sawCased
    }

    /// Every character Unicode punctuation (general category P*), and at least one.
    static func isPunct(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { $0.properties.generalCategory.isPunctuation }
    }
}

extension Character {
    fileprivate var isTitlecaseScalar: Bool {
        unicodeScalars.first?.properties.generalCategory == .titlecaseLetter
    }
}

extension Unicode.GeneralCategory {
    fileprivate var isPunctuation: Bool {
        switch self {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }
}
