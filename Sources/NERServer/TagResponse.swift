import NERCommandSupport
import NERKit

/// The JSON answer of `POST /v1/tag`. One text gives
///
///     {"id": "a", "entities": [{"label": "PER", "text": "Teddy Roosevelt", "start": 0, "end": 15,
///                               "token_start": 0, "token_end": 2, "score": 0.9731}]}
///
/// (no "id" when none was given), and with `"tokens": true` also
///
///     "tokens": [{"text": "Teddy", "start": 0, "end": 5, "tag": "B-PER"}, ...],
///     "sentences": [{"start": 0, "end": 25, "token_start": 0, "token_end": 6}]
///
/// Entity and token objects are those of `ner tag --format json` (`TagJSON`), offsets in code
/// points from the start of the text. Tokens are numbered across the whole text, so
/// `token_start`/`token_end` index "tokens"; for a text of one sentence they are exactly what
/// `ner tag` writes. Several texts ("texts") give `{"results": [...]}` in their order.
enum TagResponse {
    static func body(_ request: TagRequest, sentences: [[TagInputSentence]], tagged: [TaggedSentence],
                     scheme: TagScheme) -> String {
        var results: [String] = []
        results.reserveCapacity(request.texts.count)
        var k = 0
        for (text, textSentences) in zip(request.texts, sentences) {
            let range = k..<(k + textSentences.count)
            k = range.upperBound
            results.append(result(id: text.id, sentences: textSentences, tagged: tagged[range],
                                  tokens: request.tokens, scheme: scheme))
        }
        if request.single, let only = results.first { return only + "\n" }
        return "{\"results\": [" + results.joined(separator: ", ") + "]}\n"
    }

    static func result(id: TextID?, sentences: [TagInputSentence], tagged: ArraySlice<TaggedSentence>,
                       tokens: Bool, scheme: TagScheme) -> String {
        var out = "{"
        if let id { out += "\"id\": " + id.json + ", " }
        out += "\"entities\": ["
        var first = true
        var offset = 0
        for (sentence, result) in zip(sentences, tagged) {
            for entity in result.entities {
                guard let object = TagJSON.entity(entity, in: sentence, tokenOffset: offset) else { continue }
                if !first { out += ", " }
                first = false
                out += object
            }
            offset += sentence.tokens.count
        }
        out += "]"
        if tokens {
            out += ", \"tokens\": ["
            var firstToken = true
            for (sentence, result) in zip(sentences, tagged) {
                // The worker tags in BIOES; the client gets its scheme (the model's by default).
                let tags = scheme == .bioes ? result.tags : TagScheme.bioes.convert(result.tags, to: scheme)
                for (i, token) in sentence.tokens.enumerated() {
                    if !firstToken { out += ", " }
                    firstToken = false
                    out += TagJSON.token(token, tag: i < tags.count ? tags[i] : nil)
                }
            }
            out += "], \"sentences\": ["
            var start = 0
            for (i, sentence) in sentences.enumerated() {
                if i > 0 { out += ", " }
                out += "{\"start\": \(sentence.start), \"end\": \(sentence.end), \"token_start\": \(start), "
                    + "\"token_end\": \(start + sentence.tokens.count)}"
                start += sentence.tokens.count
            }
            out += "]"
        }
        return out + "}"
    }
}
