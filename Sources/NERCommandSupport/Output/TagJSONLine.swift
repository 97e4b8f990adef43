import NERKit

/// The JSON Lines output of `ner tag`: one object per sentence,
///
///     {"text": "Teddy Roosevelt was here.", "start": 0, "end": 25,
///      "tokens": [{"text": "Teddy", "start": 0, "end": 5, "tag": "B-PER"}, ...],
///      "entities": [{"label": "PER", "text": "Teddy Roosevelt", "start": 0, "end": 15,
///                    "token_start": 0, "token_end": 2, "score": 0.97}]}
///
/// `start`/`end` are Unicode scalar offsets, end exclusive, so `input[start:end] == text` in
/// Python. For text input they count from the start of the input (of each file); for token and
/// CoNLL input, from the start of the sentence's tokens joined by single spaces, and the object
/// begins with the sentence's `line`. With input files, a `file` key comes first.
enum TagJSONLine {
    static func line(_ sentence: TagInputSentence, _ result: TaggedSentence) -> String {
        var out = "{"
        if let file = sentence.file { out += "\"file\": " + JSONText.quoted(file) + ", " }
        if let line = sentence.line { out += "\"line\": \(line), " }
        out += "\"text\": " + JSONText.quoted(sentence.text)
        out += ", \"start\": \(sentence.start), \"end\": \(sentence.end), \"tokens\": ["
        var first = true
        tokens(sentence, result, into: &out, first: &first)
        out += "], \"entities\": ["
        first = true
        entities(sentence, result, into: &out, first: &first)
        return out + "]}\n"
    }

    /// Appends the sentence's token objects, `{"text": ..., "start": ..., "end": ..., "tag": ...}`,
    /// comma-separated (a comma first unless `first`).
    static func tokens(_ sentence: TagInputSentence, _ result: TaggedSentence, into out: inout String, first: inout Bool) {
        for (i, token) in sentence.tokens.enumerated() {
            if !first { out += ", " }
            first = false
            out += TagJSON.token(token, tag: i < result.tags.count ? result.tags[i] : nil)
        }
    }

    /// Appends the sentence's entity objects (`TagJSON.entity`), comma-separated (a comma first
    /// unless `first`). Token indices are shifted by `tokenBase` (the tokens of earlier sentences
    /// of the same record).
    static func entities(_ sentence: TagInputSentence, _ result: TaggedSentence, tokenBase: Int = 0,
                         into out: inout String, first: inout Bool) {
        for e in result.entities {
            guard let object = TagJSON.entity(e, in: sentence, tokenOffset: tokenBase) else { continue }
            if !first { out += ", " }
            first = false
            out += object
        }
    }

    /// The score rounded to 4 decimals, written as a JSON number ("0.97", "1.0", "0.0").
    static func rounded(_ score: Double) -> String { TagJSON.rounded(score) }
}
