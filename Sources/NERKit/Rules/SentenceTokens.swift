/// A sentence's tokens with what the rules test of them, each computed once per sentence rather
/// than each time a pattern tries a token: the lowercase, the UTF-8 bytes the phrase tables hash,
/// the shape, the flags and the length. Only what the rules use is computed (`Needs`).
///
/// A token of printable ASCII (nearly all) is read byte by byte through a table made from the
/// same Unicode properties `TokenAttributes` tests, so both give the same answers (one byte is
/// one character there); any other token goes through `TokenAttributes` and `lowercased()`.
struct SentenceTokens {
    /// What to compute.
    struct Needs: OptionSet {
        let rawValue: Int
        static let lowers = Needs(rawValue: 1)
        static let textBytes = Needs(rawValue: 2)
        static let lowerBytes = Needs(rawValue: 4)
        static let shapes = Needs(rawValue: 8)
        static let flags = Needs(rawValue: 16)
        static let lengths = Needs(rawValue: 32)
    }

    /// The tokens as given (NFC).
    let texts: [String]
    /// Their lowercase (when `.lowers` is needed).
    private(set) var lowers: [String] = []
    /// The texts' UTF-8, token `j` at `textRanges[j]` (when `.textBytes` is needed).
    private(set) var textBytes: [UInt8] = [], textRanges: [Range<Int>] = []
    /// The lowercase forms' UTF-8 (when `.lowerBytes` or `.lowers` is needed).
    private(set) var lowerBytes: [UInt8] = [], lowerRanges: [Range<Int>] = []
    /// `TokenAttributes.shape` of each token (when `.shapes` is needed).
    private(set) var shapes: [String] = []
    /// Bit `Flag.bit` set when the flag holds (when `.flags` is needed).
    private(set) var flags: [UInt8] = []
    /// Characters in each token (when `.lengths` is needed).
    private(set) var lengths: [Int] = []

    init(_ tokens: [String], needs: Needs) {
        texts = tokens
        let wantLowers = !needs.isDisjoint(with: [.lowers, .lowerBytes])
        var lowers: [String] = [], shapes: [String] = [], flags: [UInt8] = [], lengths: [Int] = []
        var textBytes: [UInt8] = [], textRanges: [Range<Int>] = [], lowerBytes: [UInt8] = [], lowerRanges: [Range<Int>] = []
        if needs.contains(.lowers) { lowers.reserveCapacity(tokens.count) }
        if needs.contains(.shapes) { shapes.reserveCapacity(tokens.count) }
        if needs.contains(.flags) { flags.reserveCapacity(tokens.count) }
        if needs.contains(.lengths) { lengths.reserveCapacity(tokens.count) }
        if needs.contains(.textBytes) { textRanges.reserveCapacity(tokens.count) }
        if wantLowers { lowerRanges.reserveCapacity(tokens.count) }
        let table = Self.asciiTable
        // The bytes of all tokens in one array each, sized once: a token's ASCII letters are
        // lowercased in place after its bytes are appended (no array per token).
        if needs.contains(.textBytes) || wantLowers {
            var total = 0
            for token in tokens { total += token.utf8.count }
            if needs.contains(.textBytes) { textBytes.reserveCapacity(total) }
            if wantLowers { lowerBytes.reserveCapacity(total) }
        }
        for token in tokens {
            var t = token
            t.withUTF8 { utf8 in
                let printable = utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
                if needs.contains(.textBytes) {
                    let start = textBytes.count
                    textBytes.append(contentsOf: utf8)
                    textRanges.append(start..<textBytes.count)
                }
                if wantLowers {
                    if printable || utf8.allSatisfy({ $0 < 0x80 }) {
                        // ASCII: lowercase is A-Z to a-z, nothing else changes; a string is made
                        // only for the token patterns that test it.
                        // (The lowercase bytes are kept also when only `.lowers` is asked for.)
                        let start = lowerBytes.count
                        lowerBytes.append(contentsOf: utf8)
                        lowerBytes.withUnsafeMutableBufferPointer { all in
                            for i in start..<all.count where all[i] >= 0x41 && all[i] <= 0x5A { all[i] |= 0x20 }
                        }
                        lowerRanges.append(start..<lowerBytes.count)
                        if needs.contains(.lowers) {
                            lowers.append(lowerBytes.withUnsafeBufferPointer { String(decoding: $0[start...], as: UTF8.self) })
                        }
                    } else {
                        var lower = token.lowercased()
                        let start = lowerBytes.count
                        lower.withUTF8 { lowerBytes.append(contentsOf: $0) }
                        lowerRanges.append(start..<lowerBytes.count)
                        if needs.contains(.lowers) { lowers.append(lower) }
                    }
                }
                if needs.contains(.shapes) {
                    shapes.append(printable ? Self.asciiShape(utf8, table) : TokenAttributes.shape(token))
                }
                if needs.contains(.flags) {
                    flags.append(printable ? Self.asciiFlags(utf8, table) : Self.flags(token))
                }
                if needs.contains(.lengths) {
                    lengths.append(printable ? utf8.count : token.count)
                }
            }
        }
        self.lowers = lowers
        self.shapes = shapes
        self.flags = flags
        self.lengths = lengths
        self.textBytes = textBytes
        self.textRanges = textRanges
        self.lowerBytes = lowerBytes
        self.lowerRanges = lowerRanges
    }

    var count: Int { texts.count }

    // MARK: - Printable ASCII

    private static let letter: UInt8 = 1, upper: UInt8 = 2, lower: UInt8 = 4, digit: UInt8 = 8, punct: UInt8 = 16,
                       cased: UInt8 = 32

    /// Per ASCII byte, its character's properties as `TokenAttributes` reads them.
    private static let asciiTable: [UInt8] = (0..<128).map { b -> UInt8 in
        let c = Character(Unicode.Scalar(UInt8(b)))
        var bits: UInt8 = 0
        if c.isLetter { bits |= SentenceTokens.letter }
        if c.isUppercase { bits |= SentenceTokens.upper }
        if c.isLowercase { bits |= SentenceTokens.lower }
        if c.isNumber && c.isWholeNumber { bits |= SentenceTokens.digit }
        if TokenAttributes.isPunct(String(c)) { bits |= SentenceTokens.punct }
        if c.isCased { bits |= SentenceTokens.cased }
        return bits
    }

    private static func asciiShape(_ utf8: UnsafeBufferPointer<UInt8>, _ table: [UInt8]) -> String {
        if utf8.count >= 100 { return "LONG" }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var last: UInt8 = 0, run = 0
        for b in utf8 {
            let bits = table[Int(b)]
            let s: UInt8 = bits & letter != 0 ? (bits & upper != 0 ? UInt8(ascii: "X") : UInt8(ascii: "x"))
                : bits & digit != 0 ? UInt8(ascii: "d") : b
            if s == last && run > 0 {
                run += 1
            } else {
                run = 1
                last = s
            }
            if run <= 4 { out.append(s) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func asciiFlags(_ utf8: UnsafeBufferPointer<UInt8>, _ table: [UInt8]) -> UInt8 {
        guard !utf8.isEmpty else { return 0 }
        var all: UInt8 = 0xFF
        var anyCasedUpper = false, anyCasedLower = false, anyCased = false
        var title = true, previousCased = false, sawCased = false
        for b in utf8 {
            let bits = table[Int(b)]
            all &= bits
            if bits & cased != 0 {
                anyCased = true
                if bits & upper != 0 { anyCasedUpper = true }
                if bits & lower != 0 { anyCasedLower = true }
            }
            if bits & upper != 0 {
                if previousCased { title = false }
                previousCased = true
                sawCased = true
            } else if bits & lower != 0 {
                if !previousCased { title = false }
                previousCased = true
                sawCased = true
            } else {
                previousCased = false
            }
        }
        var out: UInt8 = 0
        if all & digit != 0 { out |= TokenSpec.Flag.isDigit.bit }
        if all & letter != 0 { out |= TokenSpec.Flag.isAlpha.bit }
        if anyCased && !anyCasedUpper { out |= TokenSpec.Flag.isLower.bit }
        if anyCased && !anyCasedLower { out |= TokenSpec.Flag.isUpper.bit }
        if title && sawCased { out |= TokenSpec.Flag.isTitle.bit }
        if all & punct != 0 { out |= TokenSpec.Flag.isPunct.bit }
        return out
    }

    private static func flags(_ token: String) -> UInt8 {
        var out: UInt8 = 0
        for flag in TokenSpec.Flag.allCases where flag.holds(for: token) { out |= flag.bit }
        return out
    }
}
