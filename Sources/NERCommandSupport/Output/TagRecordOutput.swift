import NERKit

/// Builds the one output line of `ner tag --input jsonl`/`lines` for one input line, from its
/// parts' tagged sentences as they come:
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
///
/// With entities alone (no `--with-tokens`), a document's line is written as it grows: what
/// `takeReady()` returns can go out before the record ends, so a huge record's output is never
/// held whole. With `--with-tokens` three fields grow at once and the line is kept until the end.
struct TagRecordOutput {
    let record: TagRecord
    let withTokens: Bool
    /// Entities alone: the line up to the entities array, and after it.
    private var head: String?, tail = ""
    private var headWritten = false
    private var entities = "", tokens = "", spans = ""
    private var firstEntity = true, firstToken = true
    private var tokenBase = 0, sentenceCount = 0

    init(record: TagRecord, options: TagRecordOptions) {
        self.record = record
        withTokens = options.withTokens
        guard !withTokens, case .document(let object) = record.content else { return }
        if let object {
            let entities = object.members(named: "entities").first
            let lastEnd = object.members.last?.valueRange.upperBound ?? (object.objectRange.lowerBound + 1)
            let slot = entities?.valueRange ?? lastEnd..<lastEnd
            head = object.text(object.objectRange.lowerBound..<slot.lowerBound) + (entities == nil ? ", \"entities\": " : "")
            tail = object.text(slot.upperBound..<object.objectRange.upperBound)
        } else {
            head = "{" + position() + ", \"entities\": "
            tail = "}"
        }
    }

    /// Adds the next sentences of the record and the tagger's results for them.
    mutating func add(_ sentences: [TagInputSentence], _ results: ArraySlice<TaggedSentence>) {
        for (sentence, result) in zip(sentences, results) {
            TagJSONLine.entities(sentence, result, tokenBase: tokenBase, into: &entities, first: &firstEntity)
            if withTokens {
                TagJSONLine.tokens(sentence, result, into: &tokens, first: &firstToken)
                if sentenceCount > 0 { spans += ", " }
                spans += "{\"start\": \(sentence.start), \"end\": \(sentence.end)"
                spans += ", \"token_start\": \(tokenBase), \"token_end\": \(tokenBase + sentence.tokens.count)}"
            }
            tokenBase += sentence.tokens.count
            sentenceCount += 1
        }
    }

    /// The beginning of the line that is ready to be written before the record ends ("" if none).
    mutating func takeReady() -> String {
        guard let head else { return "" }
        var out = ""
        if !headWritten {
            out = head + "["
            headWritten = true
        }
        out += entities
        entities = ""
        return out
    }

    /// The rest of the line (all of it if nothing was taken), newline included.
    mutating func finish() -> String {
        switch record.content {
        case .blank:
            return "\n"
        case .failed(let message, let echo):
            var out = "{" + position()
            out += ", \"error\": " + JSONText.quoted(message)
            if let echo { out += ", \"record\": " + echo }
            return out + "}\n"
        case .document(let object):
            if head != nil {
                var out = takeReady()
                out += "]"
                out += tail
                out += "\n"
                return out
            }
            let fields = [("sentences", "[" + spans + "]"), ("tokens", "[" + tokens + "]"), ("entities", "[" + entities + "]")]
            guard let object else {
                return "{" + position() + fields.map { ", \"\($0.0)\": " + $0.1 }.joined() + "}\n"
            }
            return Self.spliced(object, fields) + "\n"
        }
    }

    /// `"file": ..., "line": N`, or just the line for unnamed standard input.
    private func position() -> String {
        (record.file.map { "\"file\": " + JSONText.quoted($0) + ", " } ?? "") + "\"line\": \(record.line)"
    }

    /// The object's own bytes with each field's value replaced if the object has that key, and
    /// the other fields appended after its last member.
    private static func spliced(_ object: JSONObjectLine, _ fields: [(String, String)]) -> String {
        var replacements: [(range: Range<Int>, value: String)] = []
        var appended = ""
        for (name, value) in fields {
            if let member = object.members(named: name).first {
                replacements.append((member.valueRange, value))
            } else {
                appended += ", \"\(name)\": " + value
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
