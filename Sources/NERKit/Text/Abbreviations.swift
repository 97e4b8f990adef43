/// What a word followed by "." is, when that dot belongs to the word.
enum AbbreviationKind: Equatable {
    /// A title or name prefix (Mr., Dr., St.): a name follows, so it never ends a sentence.
    case title
    /// A single capital initial (J.): never ends a sentence.
    case initial
    /// Used mid-sentence (e.g., vs., cf.): never ends a sentence.
    case midSentence
    /// Kept only before a number (No. 5): never ends a sentence.
    case beforeNumber
    /// May end a sentence (Inc., Corp., etc., Jan., U.S.).
    case canEnd
}

/// Common English abbreviations written with a final period, and the words that usually open a
/// sentence (used to decide whether an abbreviation like "Inc." also ends its sentence).
enum Abbreviations {
    private static let titles = [
        "Mr", "Mrs", "Ms", "Messrs", "Mme", "Mlle", "Dr", "Prof", "Rev", "Hon", "Sen", "Rep", "Gov",
        "Gen", "Lt", "Col", "Maj", "Capt", "Cmdr", "Cdr", "Sgt", "Cpl", "Pvt", "Adm", "Brig", "Pres",
        "Supt", "Insp", "Det", "Atty", "Amb", "Fr", "St", "Ste", "Mt", "Ft",
    ]
    private static let midSentence = [
        "e.g", "i.e", "vs", "v", "cf", "viz", "approx", "incl", "ca", "fig", "figs", "vol", "vols",
        "pp", "ed", "eds", "est", "op", "cit", "ibid", "dept", "div",
    ]
    private static let beforeNumber = ["No", "Nos", "no", "nos", "Art", "Sec", "Ch", "p"]
    private static let canEnd = [
        "Inc", "Corp", "Co", "Ltd", "Plc", "Bros", "Cos", "Esq", "Jr", "Sr", "etc", "al", "Ph.D", "Dept", "Univ",
        "Assn", "Ave", "Blvd", "Rd", "Sq", "Hwy", "Pty", "Mfg", "Intl", "Natl",
        "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
        "Mon", "Tue", "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri", "Sat", "Sun",
        "Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del", "Fla", "Ga", "Ill", "Ind", "Kan",
        "Ky", "La", "Md", "Mass", "Mich", "Minn", "Mo", "Mont", "Neb", "Nev", "Okla",
        "Ore", "Pa", "Tenn", "Tex", "Va", "Vt", "Wash", "Wis", "Wyo",
    ]

    /// Every accepted spelling: the entry itself, plus the capitalised form of lowercase entries
    /// (sentence-initial "E.g.", "Etc.") and the all-caps form of capitalised ones ("MR.", "CORP.").
    static let table: [String: AbbreviationKind] = {
        var t: [String: AbbreviationKind] = [:]
        func add(_ words: [String], _ kind: AbbreviationKind) {
            for w in words {
                for v in [w, capitalised(w), w.first!.isUppercase ? w.uppercased() : w] where t[v] == nil {
                    t[v] = kind
                }
            }
        }
        add(titles, .title)
        add(midSentence, .midSentence)
        add(beforeNumber, .beforeNumber)
        add(canEnd, .canEnd)
        return t
    }()

    private static func capitalised(_ w: String) -> String {
        w.prefix(1).uppercased() + w.dropFirst()
    }

    /// Words that commonly open an English sentence. An abbreviation that can end a sentence
    /// (Inc., U.S.) is taken to end one only when one of these follows, so "Acme Inc. Chairman"
    /// and "the U.S. Army" stay in one sentence while "Acme Inc. The ..." is split.
    static let sentenceOpeners: Set<String> = [
        "The", "A", "An", "He", "She", "It", "They", "We", "I", "You", "His", "Her", "Its", "Their",
        "Our", "My", "Your", "This", "That", "These", "Those", "There", "Here", "But", "And", "Or",
        "So", "Yet", "In", "On", "At", "As", "If", "When", "While", "After", "Before", "Since",
        "Although", "Though", "However", "Meanwhile", "Also", "Then", "Now", "What", "Who", "Why",
        "How", "Where", "Which", "Some", "Many", "Most", "All", "Both", "Each", "No", "Not", "For",
        "From", "With", "By", "To", "Under", "Last", "Earlier", "Later", "Still", "Such", "Other",
        "Another", "One", "Two", "Three",
    ]

    /// The kind of abbreviation the scalars `start..<end` of `text` form with a following ".",
    /// or nil when that dot should be split off as punctuation.
    static func kind(_ text: ScalarText, _ start: Int, _ end: Int) -> AbbreviationKind? {
        guard start < end else { return nil }
        let first = text.nextCluster(start)
        if first == end && text.cls(start) == CharClass.upper {
            return .initial  // J. F. Kennedy
        }
        // In lowercase text "j. f. kennedy": a single letter is an initial when a word follows
        // ("plan b." at the end stays a letter and a full stop).
        if first == end && text.letterCase == .lower && text.cls(start) == CharClass.lower
            && text.cls(end + 1) == CharClass.space && CharClass.isLetter(text.cls(end + 2)) {
            return .initial
        }
        if isLetterDotPattern(text, start, end) { return .canEnd }
        if end - start > 12 { return nil }
        let word = text.string(start, end)
        if let kind = table[word] { return kind }
        // Lowercase text writes "mr." and "inc." as it writes everything.
        return text.letterCase == .lower ? table[capitalised(word)] : nil
    }

    /// Whether `word` usually opens a sentence, in the casing `text` uses.
    static func opensSentence(_ word: String, in text: ScalarText) -> Bool {
        if sentenceOpeners.contains(word) { return true }
        guard text.letterCase != .mixed else { return false }
        return sentenceOpeners.contains(capitalised(word.lowercased()))
    }

    /// "U.S", "e.g", "a.m", "U.N": single letters joined by dots (the final dot is not included).
    private static func isLetterDotPattern(_ text: ScalarText, _ start: Int, _ end: Int) -> Bool {
        var i = start
        var letters = 0
        while i < end {
            guard CharClass.isLetter(text.cls(i)) else { return false }
            letters += 1
            i = text.nextCluster(i)
            if i == end { break }
            guard text.scalars[i] == 0x2E else { return false }
            i += 1
            if i == end { return false }
        }
        return letters >= 2
    }
}
