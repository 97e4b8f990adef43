import NERKit

/// What `POST /v1/tag` does between the bytes of a request and the bytes of its answer, shared by
/// the two ways a request reaches it: `TagFastPath` on the connection's event loop (the ordinary
/// request) and `TagServerResponder` through Hummingbird (everything else).
struct TagEndpoint: Sendable {
    let configuration: ServeConfiguration
    let batcher: TagBatcher
    let metrics: ServerMetrics
    /// The keys a request must carry one of; nil when none is required.
    let keys: APIKeys?

    /// A request read and split into sentences, ready for the worker.
    struct Prepared {
        var request: TagRequest
        /// Every text's sentences, as `ner tag` splits them.
        var sentences: [[TagInputSentence]]
        /// The model's spellings of every sentence of every text, in order.
        var spellings: [[String]]
        var tokens: Int
    }

    /// Checks and parses a body and splits every text into sentences (on the caller's thread,
    /// so the worker does nothing but tag). Throws `APIError`.
    func prepare(body: [UInt8], contentType: String?, query: [(String, String)]) throws -> Prepared {
        let request = try TagRequest.parse(body: body, contentType: contentType, query: query)
        let sentences = request.texts.map { TextSentences.of($0.text) }
        let spellings = sentences.flatMap { $0.map(\.modelTokens) }
        return Prepared(request: request, sentences: sentences, spellings: spellings,
                        tokens: spellings.reduce(0) { $0 + $1.count })
    }

    /// The JSON answer for the worker's tags of a prepared request.
    func answer(_ prepared: Prepared, tagged: [TaggedSentence]) -> String {
        metrics.textsTagged.increment(by: prepared.request.texts.count)
        let scheme = prepared.request.scheme ?? batcher.modelInfo?.scheme ?? .bioes
        return TagResponse.body(prepared.request, sentences: prepared.sentences, tagged: tagged, scheme: scheme)
    }

    /// 503 while the model loads or the server stops.
    func notReady() -> APIError {
        apiError(batcher.readiness == .stopping ? .shuttingDown : .notReady)
    }

    /// The answer to a request the worker did not tag.
    func apiError(_ failure: TagJobFailure) -> APIError {
        switch failure {
        case .notReady:
            return APIError.unavailable(kind: "not_ready", "the model is still loading", retryAfterSeconds: 1)
        case .shuttingDown:
            return APIError.unavailable(kind: "shutting_down", "the server is shutting down", retryAfterSeconds: 1)
        case .queueFull:
            return APIError.unavailable(kind: "queue_full",
                                        "the server is busy: \(configuration.maxQueue) requests are already waiting (--max-queue)",
                                        retryAfterSeconds: 1)
        case .timedOut:
            return APIError.timeout(seconds: configuration.requestTimeoutSeconds)
        case .cancelled:
            return APIError.unavailable(kind: "cancelled", "the request was cancelled", retryAfterSeconds: 1)
        }
    }

    /// The 401 for a request to `path` (with or without its query) that does not carry an
    /// accepted key, or nil: always nil without keys, and for `/health`, `/ready` and (when it
    /// is public) `/metrics`.
    func unauthorized(path: String, authorization: String?) -> APIError? {
        guard let keys else { return nil }
        let route = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        if route == "/health" || route == "/ready" || (route == "/metrics" && configuration.metricsPublic) { return nil }
        guard let authorization else {
            return APIError.unauthorized("an API key is required: send the header 'Authorization: Bearer KEY'")
        }
        return keys.allows(authorization: authorization) ? nil : APIError.unauthorized("the API key is not accepted")
    }

    /// The deadline of a request that arrives now, in `DispatchTime` uptime nanoseconds.
    func deadline(from now: UInt64) -> UInt64 {
        now + UInt64(configuration.requestTimeoutSeconds * 1e9)
    }
}
