import CUTF8Proc

/// Character classes the tokenizer needs, derived from the Unicode general category through
/// utf8proc (never from ASCII-only tables). One byte per scalar; the high bit marks a scalar
/// that continues the previous grapheme cluster (combining marks, emoji modifiers, ZWJ
/// sequences), so the tokenizer never cuts a cluster apart.
enum CharClass {
    /// Whitespace, line and paragraph separators, control characters: they separate tokens.
    static let space: UInt8 = 0
    /// Invisible format characters (Cf: soft hyphen, bidi marks, BOM): kept inside a word
    /// when a letter follows, ignored otherwise.
    static let format: UInt8 = 1
    /// Uppercase and titlecase letters (Lu, Lt).
    static let upper: UInt8 = 2
    /// Lowercase letters (Ll).
    static let lower: UInt8 = 3
    /// Caseless letters (Lm, Lo other than Han ideographs): Arabic, Hebrew, kana, Hangul, ...
    static let letter: UInt8 = 4
    /// A combining mark that starts a cluster (rare: normally marks continue a cluster).
    static let mark: UInt8 = 5
    /// Decimal digits (Nd), any script.
    static let digit: UInt8 = 6
    /// Other numbers (Nl, No: Roman numerals, superscripts, fractions).
    static let number: UInt8 = 7
    /// Connector punctuation (Pc), e.g. "_".
    static let connector: UInt8 = 8
    /// Han ideographs: each one is a token of its own, as CJK text has no spaces.
    static let han: UInt8 = 9
    /// Dash punctuation (Pd).
    static let dash: UInt8 = 10
    /// Opening brackets (Ps).
    static let open: UInt8 = 11
    /// Closing brackets (Pe).
    static let close: UInt8 = 12
    /// Initial quotes (Pi).
    static let initialQuote: UInt8 = 13
    /// Final quotes (Pf).
    static let finalQuote: UInt8 = 14
    /// Other punctuation (Po).
    static let punct: UInt8 = 15
    /// Symbols (Sm, Sc, Sk, So: emoji, currency, math), private use, unassigned.
    static let symbol: UInt8 = 16
    /// Flag bit: this scalar continues the grapheme cluster of the previous one.
    static let extend: UInt8 = 0x80

    /// Word characters: letters, marks, digits, other numbers, connectors (not Han).
    @inline(__always) static func isWord(_ c: UInt8) -> Bool { c >= upper && c <= connector }
    /// Letters and digits (including marks and other numbers).
    @inline(__always) static func isAlnum(_ c: UInt8) -> Bool { c >= upper && c <= number }
    @inline(__always) static func isLetter(_ c: UInt8) -> Bool { c >= upper && c <= mark }

    /// Classes of the ASCII range, computed once through utf8proc.
    static let asciiTable: [UInt8] = (0..<128).map { classifyWithUTF8Proc(UInt32($0)) }

    @inline(__always) static func classify(_ scalar: UInt32) -> UInt8 {
        scalar < 128 ? asciiTable[Int(scalar)] : classifyWithUTF8Proc(scalar)
    }

    static func classifyWithUTF8Proc(_ scalar: UInt32) -> UInt8 {
        switch utf8proc_category(Int32(bitPattern: scalar)) {
        case UTF8PROC_CATEGORY_LU, UTF8PROC_CATEGORY_LT: return upper
        case UTF8PROC_CATEGORY_LL: return lower
        case UTF8PROC_CATEGORY_LO: return isHan(scalar) ? han : letter
        case UTF8PROC_CATEGORY_LM: return letter
        case UTF8PROC_CATEGORY_MN, UTF8PROC_CATEGORY_MC, UTF8PROC_CATEGORY_ME: return mark
        case UTF8PROC_CATEGORY_ND: return digit
        case UTF8PROC_CATEGORY_NL, UTF8PROC_CATEGORY_NO: return number
        case UTF8PROC_CATEGORY_PC: return connector
        case UTF8PROC_CATEGORY_PD: return dash
        case UTF8PROC_CATEGORY_PS: return open
        case UTF8PROC_CATEGORY_PE: return close
        case UTF8PROC_CATEGORY_PI: return initialQuote
        case UTF8PROC_CATEGORY_PF: return finalQuote
        case UTF8PROC_CATEGORY_PO: return punct
        case UTF8PROC_CATEGORY_ZS, UTF8PROC_CATEGORY_ZL, UTF8PROC_CATEGORY_ZP, UTF8PROC_CATEGORY_CC: return space
        case UTF8PROC_CATEGORY_CF:
            // Zero width space and the byte-order mark separate words; other format characters
            // (soft hyphen, joiners, bidi marks) are invisible parts of them.
            return scalar == 0x200B || scalar == 0xFEFF ? space : format
        default: return symbol
        }
    }

    /// CJK ideograph blocks (unified, extensions A-H, compatibility).
    static func isHan(_ s: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(s) || (0x3400...0x4DBF).contains(s) || (0xF900...0xFAFF).contains(s)
            || (0x20000...0x323AF).contains(s) || (0x2F800...0x2FA1F).contains(s) || s == 0x3007
    }

    /// True when `scalar` is a lowercase letter that has an uppercase form.
    static func isLowercase(_ scalar: UInt32) -> Bool {
        classify(scalar) == lower && utf8proc_toupper(Int32(bitPattern: scalar)) != Int32(bitPattern: scalar)
    }

    /// Simple lowercase mapping through utf8proc (ASCII fast path).
    @inline(__always) static func lowercase(_ scalar: UInt32) -> UInt32 {
        if scalar < 128 {
            return (scalar >= 65 && scalar <= 90) ? scalar + 32 : scalar
        }
        return UInt32(bitPattern: utf8proc_tolower(Int32(bitPattern: scalar)))
    }

    /// Simple uppercase mapping through utf8proc (ASCII fast path).
    @inline(__always) static func uppercase(_ scalar: UInt32) -> UInt32 {
        if scalar < 128 {
            return (scalar >= 97 && scalar <= 122) ? scalar - 32 : scalar
        }
        return UInt32(bitPattern: utf8proc_toupper(Int32(bitPattern: scalar)))
    }

    /// Line breaks a scalar contributes to the whitespace it is part of; a gap with two or more
    /// is a blank line (paragraph break). U+2029 PARAGRAPH SEPARATOR counts as two.
    @inline(__always) static func lineBreaks(_ s: UInt32, next: UInt32?) -> Int {
        switch s {
        case 0x0A, 0x0B, 0x0C, 0x85, 0x2028: return 1
        case 0x0D: return next == 0x0A ? 0 : 1
        case 0x2029: return 2
        default: return 0
        }
    }
}
