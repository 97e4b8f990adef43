import Foundation
import NERKit

/// The id a client gave a text, echoed back with its result: a string or an integer, written
/// back as it came.
enum TextID: Decodable, Equatable, Sendable {
    case string(String)
    case integer(Int)

    init(from decoder: Decoder) throws {
        let value = try decoder.singleValueContainer()
        if let s = try? value.decode(String.self) {
            self = .string(s)
        } else if let n = try? value.decode(Int.self) {
            self = .integer(n)
        } else {
            throw APIError.badRequest("an id must be a string or an integer")
        }
    }

    var json: String {
        switch self {
        case .string(let s): return TagJSON.quoted(s)
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

    private static func parseJSON(_ body: [UInt8]) throws -> TagRequest {
        if body.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            throw APIError.badRequest("the body is empty: send {\"text\": \"...\"} or {\"texts\": [\"...\", ...]}")
        }
        let decoded: JSONBody
        do {
            decoded = try JSONDecoder().decode(JSONBody.self, from: Data(body))
        } catch let error as APIError {
            throw error
        } catch let error as DecodingError {
            throw APIError.badRequest(Self.describe(error, body: body))
        } catch {
            throw APIError.badRequest("malformed JSON: \(error)")
        }
        return decoded.request
    }

    /// A JSONDecoder error in a few words: where the JSON breaks. JSONDecoder only says that the
    /// data is not valid JSON; JSONSerialization says where, so the body is read again with it
    /// (on this error path only).
    private static func describe(_ error: DecodingError, body: [UInt8]) -> String {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            do {
                _ = try JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
            } catch {
                if let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String {
                    return "malformed JSON: " + detail
                }
            }
            return "malformed JSON: " + context.debugDescription
        case .dataCorrupted(let context), .typeMismatch(_, let context), .valueNotFound(_, let context),
             .keyNotFound(_, let context):
            return "malformed JSON: " + context.debugDescription
        @unknown default:
            return "malformed JSON"
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

/// The JSON body's fields, each checked with a message naming it.
private struct JSONBody: Decodable {
    var request: TagRequest

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: Decoder) throws {
        let c: KeyedDecodingContainer<Key>
        do {
            c = try decoder.container(keyedBy: Key.self)
        } catch {
            throw APIError.badRequest("the body must be a JSON object such as {\"text\": \"...\"}")
        }
        for key in c.allKeys where !TagRequest.fields.contains(key.stringValue) {
            throw APIError.badRequest("unknown field '\(key.stringValue)': known fields are \(TagRequest.fields.joined(separator: ", "))")
        }
        func field<T: Decodable>(_ name: String, _ type: T.Type, _ expected: String) throws -> T? {
            let key = Key(stringValue: name)
            guard c.contains(key) else { return nil }
            if (try? c.decodeNil(forKey: key)) == true { throw APIError.badRequest("'\(name)' must be \(expected), not null") }
            do {
                return try c.decode(T.self, forKey: key)
            } catch let error as APIError {
                throw APIError.badRequest("'\(name)': \(error.message)")
            } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
                let item = context.codingPath.count > 1 ? context.codingPath.last?.intValue : nil
                throw APIError.badRequest("'\(name)' must be \(expected)" + (item.map { " (item \($0) is not)" } ?? ""))
            } catch is DecodingError {
                throw APIError.badRequest("'\(name)' must be \(expected)")
            } catch {
                // JSONDecoder's own parse errors (an unpaired "\ud800" escape, say) surface here.
                throw APIError.badRequest("'\(name)' holds malformed JSON, such as an invalid \\u escape")
            }
        }
        let text = try field("text", String.self, "a string")
        let texts = try field("texts", [String].self, "an array of strings")
        let id = try field("id", TextID.self, "a string or an integer")
        let ids = try field("ids", [TextID].self, "an array of strings or integers")
        let tokens = try field("tokens", Bool.self, "true or false")
        let scheme = try field("scheme", String.self, "a string (iob1, iob2 or bioes)").map(TagRequest.scheme)

        var list: [TagRequest.Text]
        switch (text, texts) {
        case (nil, nil):
            throw APIError.badRequest("missing field 'text' (or 'texts', a list of texts)")
        case (.some, .some):
            throw APIError.badRequest("give either 'text' or 'texts', not both")
        case (let text?, nil):
            if ids != nil { throw APIError.badRequest("'ids' goes with 'texts'; with 'text' use 'id'") }
            list = [TagRequest.Text(id: id, text: text)]
        case (nil, let texts?):
            if id != nil { throw APIError.badRequest("'id' goes with 'text'; with 'texts' use 'ids'") }
            if let ids, ids.count != texts.count {
                throw APIError.badRequest("'ids' has \(ids.count) items but 'texts' has \(texts.count)")
            }
            list = texts.enumerated().map { i, t in TagRequest.Text(id: ids?[i], text: t) }
        }
        request = TagRequest(texts: list, single: text != nil, tokens: tokens ?? false, scheme: scheme)
    }
}
