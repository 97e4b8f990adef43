import Foundation

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

    /// Parses JSON bytes into an object, or a message saying what is wrong.
    package static func object(_ bytes: [UInt8]) -> Result<[String: Any], NERError> {
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            return .failure(NERError("invalid JSON" + (detail.map { ": \($0)" } ?? "")))
        }
        guard let object = value as? [String: Any] else {
            return .failure(NERError("not a JSON object but \(kind(of: value))"))
        }
        return .success(object)
    }

    /// A spaCy/Prodigy or doccano record.
    package static func lineRecord(_ object: [String: Any], unit: OffsetUnit, location: RecordLocation, raw: [UInt8]?) throws -> Outcome {
        func fail(_ message: String) -> NERError { NERError(path: location.path, line: location.line, "\(location.name): \(message)") }
        if let answer = object["answer"] as? String, answer == "reject" || answer == "ignore" {
            return .skipped("answered \"\(answer)\"")
        }
        guard let value = object["text"] else { throw fail("no \"text\" field") }
        guard let text = value as? String else { throw fail("the \"text\" field is \(kind(of: value)), not a string") }
        var spans: [CharacterSpan] = []
        if let list = object["spans"] {
            spans += try objectSpans(list, field: "spans", start: "start", end: "end", fail: fail)
        }
        if let list = object["entities"] {
            if let items = list as? [Any], let first = items.first, first is [Any] {
                spans += try arraySpans(items, field: "entities", fail: fail)
            } else if let items = list as? [Any], let first = items.first as? [String: Any], first["start_offset"] != nil {
                spans += try objectSpans(list, field: "entities", start: "start_offset", end: "end_offset", fail: fail)
            } else {
                spans += try objectSpans(list, field: "entities", start: "start", end: "end", fail: fail)
            }
        }
        if let list = object["label"] ?? object["labels"] {
            guard let items = list as? [Any] else { throw fail("the \"label\" field is \(kind(of: list)), not a list") }
            spans += try arraySpans(items, field: "label", fail: fail)
        }
        var tokens: [Range<Int>]?
        if let list = object["tokens"] {
            guard let items = list as? [Any] else { throw fail("the \"tokens\" field is \(kind(of: list)), not a list") }
            tokens = try items.enumerated().map { i, item in
                guard let t = item as? [String: Any] else { throw fail("token \(i) is \(kind(of: item)), not an object") }
                let s = try wholeNumber(t["start"], "start", of: "token \(i)", fail: fail)
                let e = try wholeNumber(t["end"], "end", of: "token \(i)", fail: fail)
                return s..<max(s, e)
            }
        }
        var sentences: [Range<Int>]?
        if tokens != nil, let list = object["sentences"] as? [Any] {
            sentences = try list.enumerated().map { i, item in
                guard let t = item as? [String: Any] else { throw fail("sentence \(i) is \(kind(of: item)), not an object") }
                let s = try wholeNumber(t["token_start"], "token_start", of: "sentence \(i)", fail: fail)
                let e = try wholeNumber(t["token_end"], "token_end", of: "sentence \(i)", fail: fail)
                return s..<max(s, e)
            }
        }
        return .text(AnnotatedText(text: text, spans: spans, tokens: tokens, sentences: sentences, unit: unit, location: location, raw: raw))
    }

    /// A Label Studio task: the annotation chosen by `annotation` (1-based), else the last one
    /// not cancelled; with `predictions`, a task without annotation is read from its last prediction.
    static func labelStudioTask(_ task: [String: Any], unit: OffsetUnit, annotation: Int?, predictions: Bool,
                                        location: RecordLocation, raw: [UInt8]?) throws -> Outcome {
        func fail(_ message: String) -> NERError { NERError(path: location.path, line: location.line, "\(location.name): \(message)") }
        guard let data = task["data"] as? [String: Any] else { throw fail("no \"data\" object (is this a Label Studio JSON export?)") }
        let text: String
        if let t = data["text"] as? String {
            text = t
        } else {
            let strings = data.filter { $0.value is String }
            guard strings.count == 1, let only = strings.first?.value as? String else {
                throw fail("no \"text\" in \"data\" (and not exactly one text field to take instead)")
            }
            text = only
        }
        let annotations = task["annotations"] as? [Any] ?? task["completions"] as? [Any] ?? []
        var chosen: [String: Any]?
        if let annotation {
            guard annotation >= 1, annotation <= annotations.count else {
                return .skipped("has \(annotations.count) annotation\(annotations.count == 1 ? "" : "s"), no annotation \(annotation)")
            }
            chosen = annotations[annotation - 1] as? [String: Any]
        } else {
            chosen = annotations.compactMap { $0 as? [String: Any] }.last { ($0["was_cancelled"] as? Bool) != true }
        }
        if chosen == nil, predictions, let list = task["predictions"] as? [Any] {
            chosen = list.compactMap { $0 as? [String: Any] }.last
        }
        guard let chosen else {
            return .skipped(annotations.isEmpty ? "has no annotation" : "has only cancelled annotations")
        }
        guard let results = chosen["result"] as? [Any] else { throw fail("an annotation without a \"result\" list") }
        var spans: [CharacterSpan] = []
        for (i, item) in results.enumerated() {
            guard let result = item as? [String: Any] else { throw fail("result \(i) is \(kind(of: item)), not an object") }
            guard (result["type"] as? String)?.lowercased() == "labels" || result["type"] == nil && (result["value"] as? [String: Any])?["labels"] != nil else { continue }
            guard let value = result["value"] as? [String: Any] else { throw fail("result \(i) has no \"value\" object") }
            let s = try wholeNumber(value["start"], "start", of: "result \(i)", fail: fail)
            let e = try wholeNumber(value["end"], "end", of: "result \(i)", fail: fail)
            guard let labels = value["labels"] as? [Any], !labels.isEmpty else { throw fail("result \(i) has no \"labels\"") }
            for label in labels {
                guard let label = label as? String else { throw fail("result \(i): a label is \(kind(of: label)), not a string") }
                spans.append(CharacterSpan(start: s, end: e, label: label, text: value["text"] as? String,
                                           score: (result["score"] as? NSNumber)?.doubleValue))
            }
        }
        return .text(AnnotatedText(text: text, spans: spans, unit: unit, location: location, raw: raw))
    }

    private static func objectSpans(_ list: Any, field: String, start: String, end: String,
                                    fail: (String) -> NERError) throws -> [CharacterSpan] {
        guard let items = list as? [Any] else { throw fail("the \"\(field)\" field is \(kind(of: list)), not a list") }
        return try items.enumerated().map { i, item in
            guard let span = item as? [String: Any] else { throw fail("\(field)[\(i)] is \(kind(of: item)), not an object") }
            let s = try wholeNumber(span[start], start, of: "\(field)[\(i)]", fail: fail)
            let e = try wholeNumber(span[end], end, of: "\(field)[\(i)]", fail: fail)
            guard let label = span["label"] as? String else { throw fail("\(field)[\(i)] has no string \"label\"") }
            return CharacterSpan(start: s, end: e, label: label, score: (span["score"] as? NSNumber)?.doubleValue)
        }
    }

    private static func arraySpans(_ items: [Any], field: String, fail: (String) -> NERError) throws -> [CharacterSpan] {
        try items.enumerated().map { i, item in
            guard let triple = item as? [Any], triple.count >= 3 else {
                throw fail("\(field)[\(i)] is not a [start, end, \"LABEL\"] list")
            }
            let s = try wholeNumber(triple[0], "start", of: "\(field)[\(i)]", fail: fail)
            let e = try wholeNumber(triple[1], "end", of: "\(field)[\(i)]", fail: fail)
            guard let label = triple[2] as? String else { throw fail("\(field)[\(i)]: the label is \(kind(of: triple[2])), not a string") }
            return CharacterSpan(start: s, end: e, label: label)
        }
    }

    private static func wholeNumber(_ value: Any?, _ name: String, of what: String, fail: (String) -> NERError) throws -> Int {
        guard let value else { throw fail("\(what) has no \"\(name)\"") }
        guard !(value is String), let int = value as? Int else {
            throw fail("\(what): \"\(name)\" is \(kind(of: value)), not an integer")
        }
        return int
    }

    /// "a string", "a number", ... for messages.
    package static func kind(of value: Any) -> String {
        switch value {
        case is String: return "a string"
        case is NSNull: return "null"
        case let n as NSNumber: return "a number (\(n))"
        case is [Any]: return "a list"
        case is [String: Any]: return "an object"
        default: return "a value"
        }
    }
}
