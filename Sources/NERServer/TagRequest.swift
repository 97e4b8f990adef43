import Foundation
import NERCommandSupport
import NERKit

/// The id a client gave a text, echoed back with its result: a string or an integer, written
/// back as it came.
enum TextID: Equatable, Sendable {
    case string(String)
    case integer(Int)

    /// The id in member or element `value` of `object`, or nil if it is neither a string nor an
    /// integer.
    init?(_ value: JSONObjectLine.Member, in object: JSONObjectLine) {
        if let s = object.string(value) {
            self = .string(s)
        } else if value.kind == "a number", let n = Int(object.text(value.valueRange)) {
            self = .integer(n)
        } else {
            return nil
        }
    }

    var json: String {
        switch self {
        case .string(let s): return JSONText.quoted(s)
        case .integer(let n): return String(n)
        }
    }
}

/// A `POST /v1/tag` request as read from its body:
///
///     {"text": "Teddy Roosevelt was here.", "id": "a", "tokens": true, "scheme": "bioes"}
///     {"texts": ["First text.", "Second text."], "ids": [1, 2]}
///
/// or a `text/plain` body holding the text itself (options then come as query parameters:
/// `?tokens=true&scheme=iob2`). Every problem is an `APIError` naming it (400 or 415); unknown
/// fields are refused rather than ignored, so a misspelt option is noticed.
struct TagRequest: Equatable {
    struct Text: Equatable {
        var id: TextID?
        var text: String
    }

    var texts: [Text]
    /// A single text ("text" or a text/plain body) is answered with one result object;
    /// "texts" with {"results": [...]}.
    var single: Bool
    /// Whether results list every token with its tag (and the sentences).
    var tokens = false
    /// The scheme of the tags in the token list (default: the model's).
    var scheme: TagScheme?

    static let fields = ["text", "texts", "id", "ids", "tokens", "scheme"]
    static let queryParameters = ["tokens", "scheme"]

    /// Reads a request. `contentType` is the Content-Type header; `query` the query parameters.
    static func parse(body: [UInt8], contentType: String?, query: [(String, String)]) throws -> TagRequest {
        let media = try MediaType(contentType)
        if let offset = UTF8Validation.firstInvalidIndex(body) {
            throw APIError.badRequest("the body is not valid UTF-8: invalid byte 0x\(String(body[offset], radix: 16, uppercase: true)) at offset \(offset)")
        }
        var request: TagRequest
        switch media {
        case .plainText:
            request = TagRequest(texts: [Text(id: nil, text: String(decoding: body, as: UTF8.self))], single: true)
        case .json:
            request = try parseJSON(body)
        }
        try request.apply(query: query)
        return request
    }

    /// Reads the JSON body with the reader of `ner tag --input jsonl` (`JSONObjectLine`): the same
    /// grammar, the same unescaping (an unpaired surrogate escape becomes U+FFFD, one code point,
    /// as in Python), errors with byte offsets.
    private static func parseJSON(_ body: [UInt8]) throws -> TagRequest {
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            throw APIError.badRequest("the body is empty: send {\"text\": \"...\"} or {\"texts\": [\"...\", ...]}")
        }
        let object: JSONObjectLine
        do throws(JSONObjectLine.Problem) {
            object = try JSONObjectLine(body)
        } catch .notAnObject(let kind, _) {
            throw APIError.badRequest("the body must be a JSON object such as {\"text\": \"...\"}, not \(kind)")
        } catch .syntax(let offset, let message) {
            throw APIError.badRequest("malformed JSON at byte \(offset + 1): \(message)")
        } catch .invalidUTF8(let offset) {
            throw APIError.badRequest("the body is not valid UTF-8: invalid byte at offset \(offset)")
        }
        var seen = Set<String>()
        for member in object.members {
            guard fields.contains(member.key) else {
                throw APIError.badRequest("unknown field '\(member.key)': known fields are \(fields.joined(separator: ", "))")
            }
            guard seen.insert(member.key).inserted else { throw APIError.badRequest("field '\(member.key)' appears twice") }
        }
        func field(_ name: String) -> JSONObjectLine.Member? { object.members(named: name).first }
        func wrong(_ name: String, _ expected: String, _ member: JSONObjectLine.Member, item: Int? = nil) -> APIError {
            APIError.badRequest("'\(name)' must be \(expected)" + (item.map { " (item \($0) is not)" } ?? ", not \(member.kind)"))
        }
        func string(_ name: String) throws -> String? {
            guard let member = field(name) else { return nil }
            guard let value = object.string(member) else { throw wrong(name, "a string", member) }
            return value
        }
        func list<T>(_ name: String, _ expected: String, _ read: (JSONObjectLine.Member) -> T?) throws -> [T]? {
            guard let member = field(name) else { return nil }
            guard let elements = object.elements(member) else { throw wrong(name, expected, member) }
            return try elements.enumerated().map { i, element in
                guard let value = read(element) else { throw wrong(name, expected, member, item: i) }
                return value
            }
        }

        let text = try string("text")
        let texts = try list("texts", "an array of strings") { object.string($0) }
        var id: TextID?
        if let member = field("id") {
            guard let value = TextID(member, in: object) else { throw wrong("id", "a string or an integer", member) }
            id = value
        }
        let ids = try list("ids", "an array of strings or integers") { TextID($0, in: object) }
        var tokens = false
        if let member = field("tokens") {
            guard member.kind == "a boolean" else { throw wrong("tokens", "true or false", member) }
            tokens = object.text(member.valueRange) == "true"
        }
        let scheme = try string("scheme").map(Self.scheme)

        switch (text, texts) {
        case (nil, nil):
            throw APIError.badRequest("missing field 'text' (or 'texts', a list of texts)")
        case (.some, .some):
            throw APIError.badRequest("give either 'text' or 'texts', not both")
        case (let text?, nil):
            if ids != nil { throw APIError.badRequest("'ids' goes with 'texts'; with 'text' use 'id'") }
            return TagRequest(texts: [Text(id: id, text: text)], single: true, tokens: tokens, scheme: scheme)
        case (nil, let texts?):
            if id != nil { throw APIError.badRequest("'id' goes with 'text'; with 'texts' use 'ids'") }
            if let ids, ids.count != texts.count {
                throw APIError.badRequest("'ids' has \(ids.count) items but 'texts' has \(texts.count)")
            }
            let list = texts.enumerated().map { i, t in Text(id: ids?[i], text: t) }
            return TagRequest(texts: list, single: false, tokens: tokens, scheme: scheme)
        }
    }

    /// Query parameters fill options the body did not set.
    private mutating func apply(query: [(String, String)]) throws {
        for (name, value) in query {
            switch name {
            case "tokens":
                guard let flag = ["true": true, "1": true, "false": false, "0": false][value.lowercased()] else {
                    throw APIError.badRequest("query parameter 'tokens' must be true or false, not '\(value)'")
                }
                tokens = tokens || flag
            case "scheme":
                if scheme == nil { scheme = try Self.scheme(value) }
            default:
                throw APIError.badRequest("unknown query parameter '\(name)': known ones are \(Self.queryParameters.joined(separator: ", "))")
            }
        }
    }

    static func scheme(_ name: String) throws -> TagScheme {
        guard let scheme = TagScheme(name: name) else {
            throw APIError.badRequest("unknown tag scheme '\(name)': use iob1, iob2 or bioes")
        }
        return scheme
    }

    /// The two kinds of body this endpoint reads, from the Content-Type header.
    enum MediaType {
        case json, plainText

        /// No Content-Type, `application/json`, `*/*+json` and curl's default for `-d`
        /// (`application/x-www-form-urlencoded`) are read as JSON; `text/plain` as the text itself.
        /// A charset other than UTF-8 is refused (415).
        init(_ header: String?) throws {
            // What clients send nearly always, without taking the header apart.
            switch header {
            case nil, "application/json", "application/json; charset=utf-8", "application/x-www-form-urlencoded":
                self = .json
                return
            case "text/plain", "text/plain; charset=utf-8":
                self = .plainText
                return
            default:
                break
            }
            let parts = (header ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            let type = parts.first ?? ""
            for parameter in parts.dropFirst() where parameter.hasPrefix("charset=") {
                let charset = parameter.dropFirst("charset=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                if charset != "utf-8" && charset != "utf8" { throw APIError.unsupportedMediaType(header ?? "") }
            }
            switch type {
            case "text/plain":
                self = .plainText
            case "", "application/json", "application/x-www-form-urlencoded":
                self = .json
            default:
                guard type.hasSuffix("+json") else { throw APIError.unsupportedMediaType(header ?? "") }
                self = .json
            }
        }
    }
}
