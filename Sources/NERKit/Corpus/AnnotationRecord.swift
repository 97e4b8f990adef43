/// Reads one JSON record of an annotation tool into an `AnnotatedText` (or says to skip it). The
/// styles, told apart by their fields:
///
/// - spaCy/Prodigy: `{"text", "spans": [{"start", "end", "label"}], "tokens": [{"start", "end"}],
///   "answer"}`; records answered `reject` or `ignore` are skipped. ner's own output
///   (`"entities": [{"start", "end", "label"}]`, `"sentences"`) reads the same way.
/// - doccano: `{"text", "label": [[start, end, "LABEL"]]}` or
///   `{"text", "entities": [{"start_offset", "end_offset", "label"}]}`.
/// - Label Studio task: `{"data": {"text"}, "annotations": [{"result": [{"type": "labels",
///   "value": {"start", "end", "labels", "text"}}], "was_cancelled"}], "predictions": [...]}`.
package enum AnnotationRecord {
    package enum Outcome {
        case text(AnnotatedText)
        /// The record holds no annotation to train on; why.
        case skipped(String)
    }

    /// How deep a record's JSON may nest (a Label Studio task needs 7 levels; the rest is room
    /// for fields that pass through).
    static let maxDepth = 256

    /// Parses JSON bytes into an object (`HeaderJSON`, ner's strict JSON reader), or a message
    /// saying what is wrong and at which byte.
    package static func object(_ bytes: ArraySlice<UInt8>) -> Result<HeaderJSON, NERError> {
        let value: HeaderJSON
        do {
            value = try HeaderJSON.parse(bytes, maxDepth: maxDepth)
        } catch let error as HeaderJSON.SyntaxError {
            return .failure(NERError("invalid JSON at byte \(error.offset + 1): \(error.message)"))
        } catch {
            return .failure(NERError("invalid JSON: \(error)"))
        }
        guard case .object = value else {
            return .failure(NERError("not a JSON object but \(kind(of: value))"))
        }
        return .success(value)
    }

    /// A spaCy/Prodigy or doccano record.
    package static func lineRecord(_ object: HeaderJSON, unit: OffsetUnit, location: RecordLocation, raw: [UInt8]?) throws -> Outcome {
        func fail(_ message: String) -> NERError { NERError(path: location.path, line: location.line, "\(location.name): \(message)") }
        if let answer = object["answer"]?.stringValue, answer == "reject" || answer == "ignore" {
            return .skipped("answered \"\(answer)\"")
        }
        guard let value = object["text"] else { throw fail("no \"text\" field") }
        guard let text = value.stringValue else { throw fail("the \"text\" field is \(kind(of: value)), not a string") }
        var spans: [CharacterSpan] = []
        if let list = object["spans"] {
            spans += try objectSpans(list, field: "spans", start: "start", end: "end", fail: fail)
        }
        if let list = object["entities"] {
            if let items = list.arrayValue, let first = items.first, first.arrayValue != nil {
                spans += try arraySpans(items, field: "entities", fail: fail)
            } else if let items = list.arrayValue, let first = items.first, first["start_offset"] != nil {
                spans += try objectSpans(list, field: "entities", start: "start_offset", end: "end_offset", fail: fail)
            } else {
                spans += try objectSpans(list, field: "entities", start: "start", end: "end", fail: fail)
            }
        }
        if let list = object["label"] ?? object["labels"] {
            guard let items = list.arrayValue else { throw fail("the \"label\" field is \(kind(of: list)), not a list") }
            spans += try arraySpans(items, field: "label", fail: fail)
        }
        var tokens: [Range<Int>]?
        if let list = object["tokens"] {
            guard let items = list.arrayValue else { throw fail("the \"tokens\" field is \(kind(of: list)), not a list") }
            tokens = try items.enumerated().map { i, t in
                guard case .object = t else { throw fail("token \(i) is \(kind(of: t)), not an object") }
                let s = try wholeNumber(t["start"], "start", of: "token \(i)", fail: fail)
                let e = try wholeNumber(t["end"], "end", of: "token \(i)", fail: fail)
                return s..<max(s, e)
            }
        }
        var sentences: [Range<Int>]?
        if tokens != nil, let list = object["sentences"]?.arrayValue {
            sentences = try list.enumerated().map { i, t in
                guard case .object = t else { throw fail("sentence \(i) is \(kind(of: t)), not an object") }
                let s = try wholeNumber(t["token_start"], "token_start", of: "sentence \(i)", fail: fail)
                let e = try wholeNumber(t["token_end"], "token_end", of: "sentence \(i)", fail: fail)
                return s..<max(s, e)
            }
        }
        return .text(AnnotatedText(text: text, spans: spans, tokens: tokens, sentences: sentences, unit: unit, location: location, raw: raw))
    }

    /// A Label Studio task: the annotation chosen by `annotation` (1-based), else the last one
    /// not cancelled; with `predictions`, a task without annotation is read from its last prediction.
    static func labelStudioTask(_ task: HeaderJSON, unit: OffsetUnit, annotation: Int?, predictions: Bool,
                                        location: RecordLocation, raw: [UInt8]?) throws -> Outcome {
        func fail(_ message: String) -> NERError { NERError(path: location.path, line: location.line, "\(location.name): \(message)") }
        guard let data = task["data"]?.objectValue else { throw fail("no \"data\" object (is this a Label Studio JSON export?)") }
        let text: String
        if let t = data.first(where: { $0.key == "text" })?.value.stringValue {
            text = t
        } else {
            let strings = data.filter { $0.value.stringValue != nil }
            guard strings.count == 1, let only = strings.first?.value.stringValue else {
                throw fail("no \"text\" in \"data\" (and not exactly one text field to take instead)")
            }
            text = only
        }
        let annotations = task["annotations"]?.arrayValue ?? task["completions"]?.arrayValue ?? []
        var chosen: HeaderJSON?
        if let annotation {
            guard annotation >= 1, annotation <= annotations.count else {
                return .skipped("has \(annotations.count) annotation\(annotations.count == 1 ? "" : "s"), no annotation \(annotation)")
            }
            chosen = annotations[annotation - 1].objectValue == nil ? nil : annotations[annotation - 1]
        } else {
            chosen = annotations.last { a in
                guard a.objectValue != nil else { return false }
                if case .bool(true)? = a["was_cancelled"] { return false }
                return true
            }
        }
        if chosen == nil, predictions, let list = task["predictions"]?.arrayValue {
            chosen = list.last { $0.objectValue != nil }
        }
        guard let chosen else {
            return .skipped(annotations.isEmpty ? "has no annotation" : "has only cancelled annotations")
        }
        guard let results = chosen["result"]?.arrayValue else { throw fail("an annotation without a \"result\" list") }
        var spans: [CharacterSpan] = []
        for (i, result) in results.enumerated() {
            guard case .object = result else { throw fail("result \(i) is \(kind(of: result)), not an object") }
            guard result["type"]?.stringValue?.lowercased() == "labels" || result["type"] == nil && result["value"]?["labels"] != nil else { continue }
            guard let value = result["value"], case .object = value else { throw fail("result \(i) has no \"value\" object") }
            let s = try wholeNumber(value["start"], "start", of: "result \(i)", fail: fail)
            let e = try wholeNumber(value["end"], "end", of: "result \(i)", fail: fail)
            guard let labels = value["labels"]?.arrayValue, !labels.isEmpty else { throw fail("result \(i) has no \"labels\"") }
            for item in labels {
                guard let label = item.stringValue else { throw fail("result \(i): a label is \(kind(of: item)), not a string") }
                spans.append(CharacterSpan(start: s, end: e, label: label, text: value["text"]?.stringValue,
                                           score: result["score"]?.doubleValue))
            }
        }
        return .text(AnnotatedText(text: text, spans: spans, unit: unit, location: location, raw: raw))
    }

    private static func objectSpans(_ list: HeaderJSON, field: String, start: String, end: String,
                                    fail: (String) -> NERError) throws -> [CharacterSpan] {
        guard let items = list.arrayValue else { throw fail("the \"\(field)\" field is \(kind(of: list)), not a list") }
        return try items.enumerated().map { i, span in
            guard case .object = span else { throw fail("\(field)[\(i)] is \(kind(of: span)), not an object") }
            let s = try wholeNumber(span[start], start, of: "\(field)[\(i)]", fail: fail)
            let e = try wholeNumber(span[end], end, of: "\(field)[\(i)]", fail: fail)
            guard let label = span["label"]?.stringValue else { throw fail("\(field)[\(i)] has no string \"label\"") }
            return CharacterSpan(start: s, end: e, label: label, score: span["score"]?.doubleValue)
        }
    }

    private static func arraySpans(_ items: [HeaderJSON], field: String, fail: (String) -> NERError) throws -> [CharacterSpan] {
        try items.enumerated().map { i, item in
            guard let triple = item.arrayValue, triple.count >= 3 else {
                throw fail("\(field)[\(i)] is not a [start, end, \"LABEL\"] list")
            }
            let s = try wholeNumber(triple[0], "start", of: "\(field)[\(i)]", fail: fail)
            let e = try wholeNumber(triple[1], "end", of: "\(field)[\(i)]", fail: fail)
            guard let label = triple[2].stringValue else { throw fail("\(field)[\(i)]: the label is \(kind(of: triple[2])), not a string") }
            return CharacterSpan(start: s, end: e, label: label)
        }
    }

    private static func wholeNumber(_ value: HeaderJSON?, _ name: String, of what: String, fail: (String) -> NERError) throws -> Int {
        guard let value else { throw fail("\(what) has no \"\(name)\"") }
        guard let int = value.integerValue else {
            throw fail("\(what): \"\(name)\" is \(kind(of: value)), not an integer")
        }
        return int
    }

    /// "a string", "a number", ... for messages.
    static func kind(of value: HeaderJSON) -> String {
        switch value {
        case .string: return "a string"
        case .null: return "null"
        case .number(let text): return "a number (\(text))"
        case .bool: return "a boolean"
        case .array: return "a list"
        case .object: return "an object"
        }
    }

    /// A scalar value as text for messages (a Label Studio task's `id`): a string's text, a
    /// number as written; nil for anything else.
    static func plainText(_ value: HeaderJSON) -> String? {
        switch value {
        case .string(let text): return text
        case .number(let text): return text
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }
}

