import Hummingbird
import NERKit

/// An error answered to the client as `{"error": "message"}` with its HTTP status. `kind` is
/// the short name counted in `ner_errors_total{kind}` and shown in the access log.
struct APIError: Error {
    var status: HTTPResponse.Status
    var kind: String
    var message: String
    /// Extra response headers (Allow, Retry-After).
    var headers: HTTPFields = [:]

    /// The JSON body of the answer.
    var body: String { "{\"error\": " + JSONText.quoted(message) + "}\n" }

    static func badRequest(_ message: String) -> APIError {
        APIError(status: .badRequest, kind: "bad_request", message: message)
    }

    static func bodyTooLarge(limit: Int) -> APIError {
        APIError(status: .contentTooLarge, kind: "body_too_large",
                 message: "the request body is larger than the limit of \(limit) bytes (--max-body-bytes)")
    }

    static func unsupportedMediaType(_ type: String) -> APIError {
        APIError(status: .unsupportedMediaType, kind: "unsupported_media_type",
                 message: "unsupported content type '\(type)': send application/json or text/plain (UTF-8)")
    }

    static func notFound(_ path: String) -> APIError {
        APIError(status: .notFound, kind: "not_found",
                 message: "no such path '\(path)': use POST /v1/tag, GET /v1/model, /health, /ready, /metrics or /openapi.json")
    }

    static func methodNotAllowed(_ method: String, path: String, allowed: [String]) -> APIError {
        var headers = HTTPFields()
        headers[.allow] = allowed.joined(separator: ", ")
        return APIError(status: .methodNotAllowed, kind: "method_not_allowed",
                        message: "\(method) is not allowed on \(path): use \(allowed.joined(separator: " or "))",
                        headers: headers)
    }

    static func unavailable(kind: String, _ message: String, retryAfterSeconds: Int) -> APIError {
        var headers = HTTPFields()
        headers[.retryAfter] = String(retryAfterSeconds)
        return APIError(status: .serviceUnavailable, kind: kind, message: message, headers: headers)
    }

    static func timeout(seconds: Double) -> APIError {
        APIError(status: .gatewayTimeout, kind: "timeout",
                 message: "the request was not answered within \(seconds) s (--timeout); the server is overloaded or the text is too long")
    }

    static func requestTimeout(_ part: String, seconds: Double, option: String) -> APIError {
        APIError(status: .requestTimeout, kind: "request_timeout",
                 message: "the request's \(part) did not arrive within \(seconds) s (\(option))")
    }

    static func headersTooLarge(bytes: Int, count: Int) -> APIError {
        APIError(status: .requestHeaderFieldsTooLarge, kind: "headers_too_large",
                 message: "the request head is larger than \(bytes) bytes or has more than \(count) header fields (--max-header-bytes, --max-headers)")
    }

    static func tooManyConnections(limit: Int) -> APIError {
        var headers = HTTPFields()
        headers[.retryAfter] = "1"
        return APIError(status: .tooManyRequests, kind: "too_many_connections",
                        message: "this address already has \(limit) connections open (--max-connections-per-client)",
                        headers: headers)
    }

    static func unauthorized(_ reason: String) -> APIError {
        var headers = HTTPFields()
        headers[.wwwAuthenticate] = "Bearer"
        return APIError(status: .unauthorized, kind: "unauthorized", message: reason, headers: headers)
    }

    /// The whole HTTP/1.1 answer as bytes, with `Connection: close`: what `ConnectionGuard` writes
    /// below the HTTP encoder when it answers a connection it then closes.
    func closingResponse(serverName: String) -> String {
        let text = body
        var head = "HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\n"
        head += "Content-Type: application/json; charset=utf-8\r\nContent-Length: \(text.utf8.count)\r\n"
        head += "Connection: close\r\nDate: \(HTTPDate.now)\r\nServer: \(serverName)\r\n"
        for field in headers { head += "\(field.name.rawName): \(field.value)\r\n" }
        return head + "\r\n" + text
    }

    static func internalError(_ message: String) -> APIError {
        APIError(status: .internalServerError, kind: "internal", message: message)
    }
}
