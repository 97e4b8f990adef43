import CUTF8Proc

/// The shape of a word's letters, fed to the model as a small embedding so that lowercased,
/// case-folded word keys do not lose what capitalisation says about names.
enum Casing: Int, CaseIterable, Sendable {
    case allLower = 0, allUpper, initialUpper, mixed, containsDigit, numeric, punctuation, other

    init(of word: String) {
        var letters = 0, uppers = 0, lowers = 0, digits = 0, punct = 0, count = 0
        var firstIsUpper = false
        for scalar in word.unicodeScalars {
            let cat = utf8proc_category(Int32(scalar.value))
            switch cat {
            case UTF8PROC_CATEGORY_LU, UTF8PROC_CATEGORY_LT:
                if count == 0 { firstIsUpper = true }
                letters += 1; uppers += 1
            case UTF8PROC_CATEGORY_LL:
                letters += 1; lowers += 1
            case UTF8PROC_CATEGORY_LM, UTF8PROC_CATEGORY_LO:
                letters += 1
            case UTF8PROC_CATEGORY_ND, UTF8PROC_CATEGORY_NL, UTF8PROC_CATEGORY_NO:
                digits += 1
            case UTF8PROC_CATEGORY_PC, UTF8PROC_CATEGORY_PD, UTF8PROC_CATEGORY_PS, UTF8PROC_CATEGORY_PE,
                 UTF8PROC_CATEGORY_PI, UTF8PROC_CATEGORY_PF, UTF8PROC_CATEGORY_PO,
                 UTF8PROC_CATEGORY_SM, UTF8PROC_CATEGORY_SC, UTF8PROC_CATEGORY_SK, UTF8PROC_CATEGORY_SO:
                punct += 1
            default:
                break
            }
            count += 1
        }
        if count == 0 { self = .other; return }
        if digits > 0 {
            // "1,000.50" and "1996-08-22" are numbers; "A4" or "3M" merely contain digits.
            self = letters == 0 ? .numeric : .containsDigit
            return
        }
        if letters == 0 { self = punct == count ? .punctuation : .other; return }
        if uppers == 0 && lowers > 0 { self = .allLower; return }
        if lowers == 0 && uppers > 0 { self = .allUpper; return }
        if firstIsUpper && uppers == 1 { self = .initialUpper; return }
        if uppers > 0 && lowers > 0 { self = .mixed; return }
        self = .other
    }
}

/// The key under which a word's embedding is stored: NFC, Unicode case folding (utf8proc),
/// every decimal digit mapped to `0`. "Paris", "PARIS" and "paris" share one vector; "1996"
/// and "2003" share the number-shaped one. The casing feature keeps what folding drops.
enum WordKey {
    static func normalize(_ word: String) -> String {
        var folded = casefold(word)
        if folded.unicodeScalars.contains(where: isDigit) {
            var scalars = String.UnicodeScalarView()
            for s in folded.unicodeScalars { scalars.append(isDigit(s) ? "0" : s) }
            folded = String(scalars)
        }
        return folded
    }

    /// utf8proc's full case folding with NFC composition.
    static func casefold(_ word: String) -> String {
        var isASCIILower = true
        for b in word.utf8 where b >= 0x80 || (b >= 0x41 && b <= 0x5A) { isASCIILower = false; break }
        if isASCIILower { return word }
        var utf8 = Array(word.utf8)
        var out: UnsafeMutablePointer<UInt8>? = nil
        let options = utf8proc_option_t(rawValue: UTF8PROC_STABLE.rawValue | UTF8PROC_COMPOSE.rawValue | UTF8PROC_CASEFOLD.rawValue)
        let n = utf8.withUnsafeMutableBufferPointer { p in
            utf8proc_map(p.baseAddress, utf8proc_ssize_t(p.count), &out, options)
        }
        guard n >= 0, let out else { return word.lowercased() }
        defer { free(out) }
        return String(decoding: UnsafeBufferPointer(start: out, count: Int(n)), as: UTF8.self)
    }

    @inline(__always)
    static func isDigit(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 { return s.value >= 0x30 && s.value <= 0x39 }
        return utf8proc_category(Int32(s.value)) == UTF8PROC_CATEGORY_ND
    }
}
