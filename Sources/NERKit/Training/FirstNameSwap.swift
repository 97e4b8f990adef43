/// Mention replacement aimed at one failure the case-robust models share: a first name that is
/// also a place ("Paris Hilton", "Sydney Pollack", "Florence Nightingale") is read as the place,
/// or as no entity, because CoNLL-2003 almost never shows a place name in front of a surname.
/// Once capital letters no longer decide (lowercase and all-caps training), only the word after
/// it can. With probability `rate`, the first token of a person name of two or more tokens is
/// replaced by a one-token place name drawn from the training data's own LOC entities, the tags
/// kept, so the model learns that the surname, not the first word, makes the person. (Mention
/// replacement, Dai and Adel, COLING 2020, done across types; no outside word list is needed.)
enum FirstNameSwap {
    /// The distinct one-token LOC entities of the data that are words (letters, possibly with
    /// inner hyphens or apostrophes, starting with a capital): "Paris", "Sydney", not "U.S.".
    static func places(tokens: [[String]], tags: [[String]]) -> [String] {
        var seen = Set<String>()
        for (words, sentenceTags) in zip(tokens, tags) {
            for span in EntitySpan.spans(in: sentenceTags) where span.type == "LOC" && span.length == 1 {
                let word = words[span.start]
                if isName(word) { seen.insert(word) }
            }
        }
        return seen.sorted()
    }

    /// Replaces first names in `tokens` (tags unchanged) and returns how many were replaced.
    /// Each sentence draws from its own generator (seed and index), so the same seed gives the
    /// same data however the sentences are later batched, and a resumed run sees what the
    /// interrupted one saw.
    @discardableResult
    static func apply(rate: Float, seed: UInt64, places: [String], tokens: inout [[String]], tags: [[String]]) -> Int {
        guard rate > 0, !places.isEmpty else { return 0 }
        var replaced = 0
        for i in tokens.indices {
            var rng = SeededRandom(seed: seed &* 0x2545_F491_4F6C_DD1D &+ UInt64(i))
            for span in EntitySpan.spans(in: tags[i]) where span.type == "PER" && span.length >= 2 {
                guard rng.uniform() < rate, isName(tokens[i][span.start]) else { continue }
                tokens[i][span.start] = places[Int(rng.next() % UInt64(places.count))]
                replaced += 1
            }
        }
        return replaced
    }

    private static func isName(_ word: String) -> Bool {
        guard let first = word.unicodeScalars.first, first.properties.isUppercase, word.unicodeScalars.count >= 2 else { return false }
        return word.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || $0 == "-" || $0 == "'" }
    }
}
