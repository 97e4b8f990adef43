import CUTF8Proc

/// A piece of text decoded once into the arrays the tokenizer scans: Unicode scalars, their
/// character classes (with grapheme-cluster continuation marked), and the UTF-8 byte offset of
/// every scalar. Scanning arrays of integers is much faster than indexing a `String`.
struct ScalarText {
    var scalars: [UInt32] = []
    var classes: [UInt8] = []
    /// `byteOffsets[i]` is where scalar `i` starts in the UTF-8 input; one extra entry holds the
    /// total byte count.
    var byteOffsets: [Int] = []
    /// How the text uses capital letters, which decides what may start a sentence.
    var letterCase = LetterCase.mixed

    /// Text written all in lower case (chat, transcripts, search queries) or all in capitals
    /// (headlines, telegrams) cannot mark a sentence start or a name by a capital letter.
    enum LetterCase { case mixed, lower, upper }

    var count: Int { scalars.count }

    /// Decodes valid UTF-8 (as stored in a Swift `String`).
    init(utf8 bytes: UnsafeBufferPointer<UInt8>) {
        let n = bytes.count
        scalars.reserveCapacity(n)
        classes.reserveCapacity(n)
        byteOffsets.reserveCapacity(n + 1)
        var i = 0
        var graphemeState: Int32 = 0
        var previous: UInt32 = 0
        while i < n {
            let b0 = UInt32(bytes[i])
            var scalar: UInt32
            var length: Int
            if b0 < 0x80 {
                scalar = b0; length = 1
            } else if b0 < 0xE0 {
                scalar = (b0 & 0x1F) << 6 | (UInt32(bytes[i + 1]) & 0x3F); length = 2
            } else if b0 < 0xF0 {
                scalar = (b0 & 0x0F) << 12 | (UInt32(bytes[i + 1]) & 0x3F) << 6 | (UInt32(bytes[i + 2]) & 0x3F)
                length = 3
            } else {
                scalar = (b0 & 0x07) << 18 | (UInt32(bytes[i + 1]) & 0x3F) << 12
                    | (UInt32(bytes[i + 2]) & 0x3F) << 6 | (UInt32(bytes[i + 3]) & 0x3F)
                length = 4
            }
            var cls = CharClass.classify(scalar)
            if !scalars.isEmpty {
                let breaks: Bool
                if previous < 0x80 && scalar < 0x80 {
                    // ASCII pairs always break except CR LF; utf8proc re-initialises its state
                    // from the left character when the state is 0.
                    breaks = !(previous == 0x0D && scalar == 0x0A)
                    graphemeState = 0
                } else {
                    breaks = utf8proc_grapheme_break_stateful(
                        Int32(bitPattern: previous), Int32(bitPattern: scalar), &graphemeState)
                }
                if !breaks { cls |= CharClass.extend }
            }
            scalars.append(scalar)
            classes.append(cls)
            byteOffsets.append(i)
            previous = scalar
            i += length
        }
        byteOffsets.append(n)
        var uppers = 0, lowers = 0
        for c in classes {
            if c == CharClass.upper { uppers += 1 } else if c == CharClass.lower { lowers += 1 }
        }
        // Under 1% of the other case: an odd "I" or acronym in lowercase chat stays lowercase text.
        if uppers * 100 < lowers { letterCase = .lower } else if lowers * 100 < uppers { letterCase = .upper }
    }

    /// The start of the grapheme cluster after the one starting at `i`.
    @inline(__always) func nextCluster(_ i: Int) -> Int {
        var j = i + 1
        while j < scalars.count && classes[j] & CharClass.extend != 0 { j += 1 }
        return j
    }

    /// The class of the cluster starting at `i`; `space` past the end.
    @inline(__always) func cls(_ i: Int) -> UInt8 {
        i < scalars.count ? classes[i] & 0x7F : CharClass.space
    }

    /// The scalar at `i`, or 0 past the end.
    @inline(__always) func scalar(_ i: Int) -> UInt32 {
        i < scalars.count ? scalars[i] : 0
    }

    /// The scalars `start..<end` as a String (for dictionary look-ups).
    func string(_ start: Int, _ end: Int) -> String {
        var s = String.UnicodeScalarView()
        for i in start..<end {
            if let u = Unicode.Scalar(scalars[i]) { s.append(u) }
        }
        return String(s)
    }
}
