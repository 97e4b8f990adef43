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
/// dev scores recorded in the model file, with snake_case keys.
struct ModelInfo: Sendable {
    let labels: [String]
    let scheme: TagScheme
    let json: String

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
        json = out + "}"
    }
}
