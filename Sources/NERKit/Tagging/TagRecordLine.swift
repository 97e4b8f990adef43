/// The one output line of `ner tag --input jsonl`/`lines` for one input line.
///
/// - a JSON-lines document: the input object byte for byte with `"entities": [...]` added after
///   its last member (or, if it already has "entities", that value replaced where it stands;
///   likewise "sentences" and "tokens" with `--with-tokens`):
///
///       {"id": 7, "text": "Teddy Roosevelt spoke.", "entities": [{"label": "PER", "text": "Teddy Roosevelt",
///        "start": 0, "end": 15, "token_start": 0, "token_end": 2, "score": 0.9731}]}
///
/// - a plain-text line: `{"line": 3, "entities": [...]}` ("file" first when read from a file);
/// - a line that cannot be tagged: `{"line": 17, "error": "...", "record": {...}}`, "record" being
///   the line's JSON when it is valid JSON (so its id comes along);
/// - a blank line: an empty line.
///
/// Entity and token offsets are Unicode scalar offsets into the record's text (Python `str`
/// indices); token indices count the record's tokens across its sentences.
enum TagRecordLine {
    static func line(_ record: TagRecord, _ results: ArraySlice<TaggedSentence>, options: TagRecordOptions) -> String {
        switch record.content {
        case .blank:
            return "\n"
        case .failed(let message, let echo):
            var out = "{" + position(record)
            out += ", \"error\": " + HeaderJSON.quoted(message)
            if let echo { out += ", \"record\": " + echo }
            return out + "}\n"
        case .document(let object, let sentences):
            let fields = values(sentences, results, withTokens: options.withTokens)
            guard let object else {
                return "{" + position(record) + fields.map { ", \"\($0.name)\": " + $0.value }.joined() + "}\n"
            }
            return spliced(object, fields) + "\n"
        }
    }

    /// `"file": ..., "line": N`, or just the line for unnamed standard input.
    private static func position(_ record: TagRecord) -> String {
        (record.file.map { "\"file\": " + HeaderJSON.quoted($0) + ", " } ?? "") + "\"line\": \(record.line)"
    }

    /// The written fields and their JSON values, in writing order.
    private static func values(_ sentences: [TagInputSentence], _ results: ArraySlice<TaggedSentence>,
                               withTokens: Bool) -> [(name: String, value: String)] {
        var entities = "[", firstEntity = true
        var tokens = "[", firstToken = true
        var spans = "["
        var tokenBase = 0
        for (k, (sentence, result)) in zip(sentences, results).enumerated() {
            TagJSONLine.entities(sentence, result, tokenBase: tokenBase, into: &entities, first: &firstEntity)
            if withTokens {
                TagJSONLine.tokens(sentence, result, into: &tokens, first: &firstToken)
                if k > 0 { spans += ", " }
                spans += "{\"start\": \(sentence.start), \"end\": \(sentence.end)"
                spans += ", \"token_start\": \(tokenBase), \"token_end\": \(tokenBase + sentence.tokens.count)}"
            }
            tokenBase += sentence.tokens.count
        }
        guard withTokens else { return [("entities", entities + "]")] }
        return [("sentences", spans + "]"), ("tokens", tokens + "]"), ("entities", entities + "]")]
    }

    /// The object's own bytes with each field's value replaced if the object has that key, and
    /// the other fields appended after its last member.
    private static func spliced(_ object: JSONObjectLine, _ fields: [(name: String, value: String)]) -> String {
        var replacements: [(range: Range<Int>, value: String)] = []
        var appended = ""
        for field in fields {
            if let member = object.members(named: field.name).first {
                replacements.append((member.valueRange, field.value))
            } else {
                appended += ", \"\(field.name)\": " + field.value
            }
        }
        replacements.sort { $0.range.lowerBound < $1.range.lowerBound }
        let lastEnd = object.members.last?.valueRange.upperBound ?? (object.objectRange.lowerBound + 1)
        var out = ""
        var at = object.objectRange.lowerBound
        for r in replacements {
            out += object.text(at..<r.range.lowerBound) + r.value
            at = r.range.upperBound
        }
        out += object.text(at..<lastEnd) + appended + object.text(lastEnd..<object.objectRange.upperBound)
        return out
    }
}
