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
///     GET  /openapi.json  the OpenAPI 3 description of this API (docs/openapi.yaml)
///
/// An unknown path is 404; a known path with another method is 405 with an Allow header. HEAD
/// works wherever GET does.
struct TagServerResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let endpoint: TagEndpoint
    private var batcher: TagBatcher { endpoint.batcher }

    enum Route: String {
        case tag = "/v1/tag", model = "/v1/model", health = "/health", ready = "/ready", metrics = "/metrics"
        case openAPI = "/openapi.json"

        var methods: [HTTPRequest.Method] { self == .tag ? [.post] : [.get, .head] }
    }

    func respond(to request: Request, context: Context) async throws -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        let route = Route(rawValue: request.uri.path)
        var record = RequestRecord(method: request.method.rawValue, path: request.uri.path,
                                   route: route?.rawValue ?? "other", status: 0, nanoseconds: 0)
        var response: Response
        do {
            if let refusal = endpoint.unauthorized(path: request.uri.path, authorization: request.headers[.authorization]) {
                throw refusal
            }
            guard let route else { throw APIError.notFound(request.uri.path) }
            guard route.methods.contains(request.method) else {
                throw APIError.methodNotAllowed(request.method.rawValue, path: route.rawValue,
                                                allowed: route.methods.map(\.rawValue))
            }
            response = try await answer(route, request, started, &record)
        } catch let error as APIError {
            record.error = error
            response = Self.errorResponse(error)
        } catch {
            let failure = APIError.internalError("internal error: \(error)")
            record.error = failure
            response = Self.errorResponse(failure)
        }
        if request.method == .head { response = response.createHeadResponse() }
        record.status = response.status.code
        record.nanoseconds = DispatchTime.now().uptimeNanoseconds - started
        record.write(to: endpoint.metrics, logLevel: context.logger.logLevel,
                     requestID: context.logger[metadataKey: "hb.request.id"]?.description ?? RequestID().description)
        return response
    }

    private func answer(_ route: Route, _ request: Request, _ started: UInt64, _ record: inout RequestRecord) async throws -> Response {
        switch route {
        case .tag:
            return try await tag(request, started, &record)
        case .model:
            guard let info = batcher.modelInfo else { throw endpoint.notReady() }
            return Self.json(.ok, info.json + "\n")
        case .health:
            return Self.json(.ok, "{\"status\": \"ok\"}\n")
        case .ready:
            guard batcher.readiness == .ready else { throw endpoint.notReady() }
            return Self.json(.ok, "{\"status\": \"ready\"}\n")
        case .metrics:
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: endpoint.metrics.render())))
        case .openAPI:
            return Self.json(.ok, OpenAPIDocument.json + "\n")
        }
    }

    /// `POST /v1/tag` for the requests `TagFastPath` leaves to Hummingbird (a query string, a
    /// body without a length or over the limit, pipelined behind another request): read and
    /// check the body, hand its sentences to the batching worker, write its tags back as JSON.
    private func tag(_ request: Request, _ started: UInt64, _ record: inout RequestRecord) async throws -> Response {
        let deadline = endpoint.deadline(from: started)
        // While draining, requests on open connections are still tagged: only loading refuses.
        guard batcher.modelInfo != nil else { throw endpoint.notReady() }
        let limit = endpoint.configuration.maxBodyBytes
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
        let prepared = try endpoint.prepare(body: Array(body.readableBytesView), contentType: request.headers[.contentType],
                                            query: query)
        record.texts = prepared.request.texts.count
        record.tokens = prepared.tokens

        var tagged: [TaggedSentence] = []
        if !prepared.spellings.isEmpty {
            announced = false
            do {
                tagged = try await batcher.tag(prepared.spellings, deadline: deadline)
            } catch let failure as TagJobFailure {
                throw endpoint.apiError(failure)
            }
        }
        return Self.json(.ok, endpoint.answer(prepared, tagged: tagged))
    }

    static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    static func errorResponse(_ error: APIError) -> Response {
        var response = json(error.status, error.body)
        for field in error.headers { response.headers.append(field) }
        return response
    }
}
