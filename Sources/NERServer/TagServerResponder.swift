import Foundation
import Hummingbird
import Logging
import NERKit
import NIOCore

/// Answers every request of `ner serve`: routes by path and method, turns every failure into a
/// JSON error with its status (never a crash, never an HTML page), and writes one access log
/// line and the request metrics for each request, whatever its outcome.
///
///     POST /v1/tag     tag texts (JSON or text/plain body)
///     GET  /v1/model   the loaded model: labels, tag scheme, configuration, provenance
///     GET  /health     200 while the process runs
///     GET  /ready      200 once the model is loaded, 503 while loading or shutting down
///     GET  /metrics    Prometheus metrics
///
/// An unknown path is 404; a known path with another method is 405 with an Allow header. HEAD
/// works wherever GET does.
struct TagServerResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let configuration: ServeConfiguration
    let batcher: TagBatcher
    let metrics: ServerMetrics

    private enum Route: String {
        case tag = "/v1/tag", model = "/v1/model", health = "/health", ready = "/ready", metrics = "/metrics"

        var methods: [HTTPRequest.Method] { self == .tag ? [.post] : [.get, .head] }
    }

    /// What the access log says about a request besides method, path, status and time.
    private struct Outcome {
        var texts: Int?
        var tokens: Int?
        var error: APIError?
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        let route = Route(rawValue: request.uri.path)
        var outcome = Outcome()
        var response: Response
        do {
            guard let route else { throw APIError.notFound(request.uri.path) }
            guard route.methods.contains(request.method) else {
                throw APIError.methodNotAllowed(request.method.rawValue, path: route.rawValue,
                                                allowed: route.methods.map(\.rawValue))
            }
            response = try await answer(route, request, context, &outcome)
        } catch let error as APIError {
            outcome.error = error
            response = Self.errorResponse(error)
        } catch {
            let failure = APIError.internalError("internal error: \(error)")
            outcome.error = failure
            response = Self.errorResponse(failure)
        }
        if request.method == .head { response = response.createHeadResponse() }

        let nanoseconds = DispatchTime.now().uptimeNanoseconds - started
        let path = route?.rawValue ?? "other"
        metrics.request(path: path, status: response.status.code, nanoseconds: Int64(nanoseconds))
        // /ready's 503 is the answer a probe asks for, not an error.
        if let error = outcome.error, route != .ready { metrics.error(kind: error.kind) }
        if context.logger.logLevel <= .info {
            var metadata: Logger.Metadata = [
                "method": .string(request.method.rawValue), "path": .string(request.uri.path),
                "status": .stringConvertible(response.status.code),
                "ms": .stringConvertible((Double(nanoseconds) / 10_000).rounded() / 100),
            ]
            if let texts = outcome.texts { metadata["texts"] = .stringConvertible(texts) }
            if let tokens = outcome.tokens { metadata["tokens"] = .stringConvertible(tokens) }
            if let error = outcome.error { metadata["error"] = .string(error.message) }
            context.logger.info("request", metadata: metadata)
        }
        return response
    }

    private func answer(_ route: Route, _ request: Request, _ context: Context, _ outcome: inout Outcome) async throws -> Response {
        switch route {
        case .tag:
            return try await tag(request, context, &outcome)
        case .model:
            guard let info = batcher.modelInfo else { throw notReady() }
            return Self.json(.ok, info.json + "\n")
        case .health:
            return Self.json(.ok, "{\"status\": \"ok\"}\n")
        case .ready:
            guard batcher.readiness == .ready else { throw notReady() }
            return Self.json(.ok, "{\"status\": \"ready\"}\n")
        case .metrics:
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.render())))
        }
    }

    private func notReady() -> APIError {
        batcher.readiness == .stopping
            ? APIError.unavailable(kind: "shutting_down", "the server is shutting down", retryAfterSeconds: 1)
            : APIError.unavailable(kind: "not_ready", "the model is still loading", retryAfterSeconds: 1)
    }

    /// `POST /v1/tag`: read and check the body, split every text into sentences as `ner tag`
    /// does (here, on the connection's thread), hand the model's spellings to the batching
    /// worker, and write its tags back as JSON.
    private func tag(_ request: Request, _ context: Context, _ outcome: inout Outcome) async throws -> Response {
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(configuration.requestTimeoutSeconds * 1e9)
        // While draining, requests on open connections are still tagged: only loading refuses.
        guard batcher.modelInfo != nil else { throw notReady() }
        let limit = configuration.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw APIError.bodyTooLarge(limit: limit)
        }
        batcher.announce()
        var announced = true
        defer { if announced { batcher.withdraw() } }

        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError.bodyTooLarge(limit: limit)
        }
        let query = request.uri.queryParameters.map { (String($0.key), String($0.value)) }
        let parsed = try TagRequest.parse(body: Array(body.readableBytesView), contentType: request.headers[.contentType],
                                          query: query)
        let sentences = parsed.texts.map { TagInputOpener.sentences(ofText: $0.text) }
        let spellings = sentences.flatMap { $0.map(\.modelTokens) }
        outcome.texts = parsed.texts.count
        outcome.tokens = spellings.reduce(0) { $0 + $1.count }

        var tagged: [TaggedSentence] = []
        if !spellings.isEmpty {
            announced = false
            do {
                tagged = try await batcher.tag(spellings, deadline: deadline)
            } catch let failure as TagJobFailure {
                throw apiError(failure)
            }
        }
        metrics.textsTagged.increment(by: parsed.texts.count)
        let scheme = parsed.scheme ?? batcher.modelInfo?.scheme ?? .bioes
        return Self.json(.ok, TagResponse.body(parsed, sentences: sentences, tagged: tagged, scheme: scheme))
    }

    private func apiError(_ failure: TagJobFailure) -> APIError {
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

    static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func errorResponse(_ error: APIError) -> Response {
        var response = json(error.status, "{\"error\": " + JSONText.quoted(error.message) + "}\n")
        for field in error.headers { response.headers.append(field) }
        return response
    }
}
