import NERKit

/// The JSON objects for one token and one entity, exactly as `ner tag --format json` writes them
/// (see `TagJSONLine`), so that the HTTP service writes the very same objects rather than a
/// look-alike that could drift. The entity's fields are those of `TagInputSentence.textEntity`.
package enum TagJSON {
    /// `{"text": "Teddy", "start": 0, "end": 5, "tag": "B-PER"}`, without `tag` when it is nil.
    package static func token(_ token: TagInputToken, tag: String?) -> String {
        var out = "{\"text\": " + JSONText.quoted(token.text) + ", \"start\": \(token.start), \"end\": \(token.end)"
        if let tag { out += ", \"tag\": " + JSONText.quoted(tag) }
        return out + "}"
    }

    /// `{"label": "PER", "text": "Teddy Roosevelt", "start": 0, "end": 15, "token_start": 0,
    /// "token_end": 2, "score": 0.9731}` for an entity found in `sentence`, with `"source": "model"`
    /// or `"pattern"` when rules took part and the rule's `"id"` when it has one: `text` is the input's
    /// own text of the entity's tokens, `start`/`end` their code point offsets, and the token
    /// indices are shifted by `tokenOffset` (the tokens of earlier sentences, when a caller numbers
    /// tokens across sentences). Nil when the entity's tokens are not all in the sentence.
    package static func entity(_ e: TaggedEntity, in sentence: TagInputSentence, tokenOffset: Int = 0) -> String? {
        guard let entity = sentence.textEntity(e) else { return nil }
        var out = "{\"label\": " + JSONText.quoted(entity.label)
        out += ", \"text\": " + JSONText.quoted(entity.text)
        out += ", \"start\": \(entity.start), \"end\": \(entity.end)"
        out += ", \"token_start\": \(entity.tokenStart + tokenOffset), \"token_end\": \(entity.tokenEnd + tokenOffset)"
        out += ", \"score\": \(rounded(entity.score))"
        if let source = entity.source { out += ", \"source\": " + JSONText.quoted(source.rawValue) }
        if let id = entity.patternID { out += ", \"id\": " + JSONText.quoted(id) }
        return out + "}"
    }

    /// The score rounded to 4 decimals, written as a JSON number ("0.97", "1.0", "0.0").
    package static func rounded(_ score: Double) -> String {
        guard score.isFinite else { return "0.0" }
        let r = (score * 10_000).rounded() / 10_000
        return "\(r)"
    }
}
