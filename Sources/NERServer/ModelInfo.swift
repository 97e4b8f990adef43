import Foundation
import NERKit

/// What `GET /v1/model` tells about the loaded model, rendered once when it is loaded (the
/// worker owns the `Tagger`; handlers only see this copy):
///
///     {"labels": ["PER", "LOC", ...], "tag_scheme": "iob2", "tags": ["O", "S-PER", ...],
///      "path": "models/default.ner", "config": {...}, "provenance": {...}}
///
/// `tag_scheme` is the scheme tags are written in by default (the training data's); `tags` are
/// the model's own BIOES tags; `provenance` holds the training files' checksums, epochs and the
/// dev scores recorded in the model file, with snake_case keys. With patterns files (`ner serve
/// --patterns`), `"patterns": {"mode": "fill", "count": 3, "labels": [...], "files": [{"path":
/// "products.jsonl", "patterns": 3}]}` comes last, as last loaded (SIGHUP reloads them).
struct ModelInfo: Sendable {
    let labels: [String]
    let scheme: TagScheme
    /// The model's members, without the closing brace.
    private let modelJSON: String
    /// The `"patterns"` member's value, when there are rules.
    private var patternsJSON: String?

    var json: String {
        modelJSON + (patternsJSON.map { ", \"patterns\": " + $0 } ?? "") + "}"
    }

    /// This information with `rules` as the patterns in use.
    func with(_ rules: EntityRules?) -> ModelInfo {
        var copy = self
        copy.patternsJSON = rules.map { rules in
            let set = rules.patterns
            let files = set.files.map { "{\"path\": " + JSONText.quoted($0.path) + ", \"patterns\": \($0.patterns)}" }
            return "{\"mode\": " + JSONText.quoted(rules.mode.rawValue) + ", \"count\": \(set.count), \"labels\": ["
                + set.labels.map(JSONText.quoted).joined(separator: ", ") + "], \"files\": [" + files.joined(separator: ", ") + "]}"
        }
        return copy
    }

    init(_ tagger: Tagger) {
        labels = tagger.entityTypes
        scheme = tagger.scheme
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        func encoded<T: Encodable>(_ value: T) -> String {
            (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
        }
        var out = "{\"labels\": [" + labels.map(JSONText.quoted).joined(separator: ", ") + "]"
        out += ", \"tag_scheme\": " + JSONText.quoted(scheme.rawValue)
        out += ", \"tags\": [" + tagger.model.encoder.tags.items.map(JSONText.quoted).joined(separator: ", ") + "]"
        out += ", \"path\": " + JSONText.quoted(tagger.path)
        out += ", \"config\": " + encoded(tagger.model.config)
        out += ", \"provenance\": " + encoded(tagger.provenance)
        modelJSON = out
    }
}
