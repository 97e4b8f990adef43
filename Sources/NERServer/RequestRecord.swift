import Logging

/// What is recorded of every answered request, whichever path answered it: the request metrics
/// (`ServerMetrics`) and one access log line,
///
///     {"time": ..., "level": "info", "message": "request", "error": ..., "hb.request.id": ...,
///      "method": "POST", "ms": 0.84, "path": "/v1/tag", "status": 200, "texts": 1, "tokens": 9}
///
/// keys in the order `JSONLogHandler` sorts them, "error", "texts" and "tokens" only when known.
struct RequestRecord {
    var method: String
    /// The path as asked, for the log.
    var path: String
    /// The route's path, or "other": the metrics' label, from a bounded set.
    var route: String
    var status: Int
    var nanoseconds: UInt64
    var texts: Int?
    var tokens: Int?
    var error: APIError?

    /// Counts the request, and its error unless it is `/ready`'s 503 (the answer a probe asks
    /// for, not an error), and logs it when `logLevel` lets info through.
    func write(to metrics: ServerMetrics, logLevel: Logger.Level, requestID: String) {
        metrics.request(path: route, status: status, nanoseconds: Int64(nanoseconds))
        if let error, route != "/ready" { metrics.error(kind: error.kind) }
        guard logLevel <= .info else { return }
        var line = JSONLogLine(level: .info, message: "request")
        if let error {
            line.appendKey("error")
            line.appendQuoted(error.message)
        }
        line.appendKey("hb.request.id")
        line.appendQuoted(requestID)
        line.appendKey("method")
        line.appendQuoted(method)
        line.appendKey("ms")
        line.appendRaw(((Double(nanoseconds) / 10_000).rounded() / 100).description)
        line.appendKey("path")
        line.appendQuoted(path)
        line.appendKey("status")
        line.appendRaw(String(status))
        if let texts {
            line.appendKey("texts")
            line.appendRaw(String(texts))
        }
        if let tokens {
            line.appendKey("tokens")
            line.appendRaw(String(tokens))
        }
        line.write()
    }
}
