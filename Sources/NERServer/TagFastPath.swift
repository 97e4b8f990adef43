import Dispatch
import Hummingbird
import Logging
import NERKit
import NIOCore
import NIOHTTPTypes

/// Answers the ordinary `POST /v1/tag` — no query string, a body with a Content-Length within
/// `--max-body-bytes`, nothing else in flight on the connection — on the connection's event
/// loop, and hands every other request on to Hummingbird's responder (`TagServerResponder`).
///
/// Why: through Hummingbird's async responder, a request crosses threads four times (event loop
/// to the connection's task, task to the batching worker, worker back to the task, task to the
/// event loop for the write). Here the event loop parses and tokenises the request, the worker
/// tags it and hands the tags straight back to the event loop, which writes the answer: two
/// hops. A one-sentence request fell from 100 to 77 µs of the server's CPU (`bench/serve_floor.sh`),
/// the model being about 37 µs of it.
///
/// It sits in the pipeline after Hummingbird's `HTTPConnectionStateHandler`, which therefore
/// sees every request and answer (idle timeout, graceful shutdown: a connection is closed only
/// once its answers are written), and before the channel Hummingbird reads. Requests are answered
/// in order: while one of ours is being tagged, what arrives waits (and past a bound, nothing more
/// is read from the connection); while one of Hummingbird's is unanswered, every request goes to
/// Hummingbird.
final class TagFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let endpoint: TagEndpoint
    private let serverName: String
    private let logger: Logger

    private enum State {
        /// The next part is a request's head.
        case idle
        /// The current request is Hummingbird's: its parts go on.
        case forwarding
        /// The current request is ours and its body is arriving.
        case receiving
        /// Ours, with the worker: parts that arrive wait in `held`.
        case answering
    }

    private var state = State.idle
    /// Requests handed to Hummingbird whose answer has not been written to the end.
    private var forwardedOpen = 0
    private var request: HTTPRequest?
    private var body = ByteBuffer()
    private var started: UInt64 = 0
    private var job: TagJob?
    private var held = CircularBuffer<HTTPRequestPart>()
    private var readHeld = false
    /// A decoding error (a malformed request) that came while a request of ours was unanswered
    /// or parts waited: passed on (Hummingbird answers 400 and closes the connection) only after
    /// them, so that it neither overtakes their answers nor closes the connection before they are
    /// written.
    private var heldError: (any Error)?

    init(endpoint: TagEndpoint, serverName: String, logger: Logger) {
        self.endpoint = endpoint
        self.serverName = serverName
        self.logger = logger
    }

    // MARK: - Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if state == .answering {
            held.append(part)
        } else {
            read(part, context: context)
        }
    }

    private func read(_ part: HTTPRequestPart, context: ChannelHandlerContext) {
        switch (state, part) {
        case (.idle, .head(let head)):
            if forwardedOpen == 0, let length = ours(head) {
                state = .receiving
                request = head
                body = context.channel.allocator.buffer(capacity: length)
                started = DispatchTime.now().uptimeNanoseconds
                endpoint.batcher.announce()
            } else {
                forwardedOpen += 1
                state = .forwarding
                context.fireChannelRead(wrapInboundOut(part))
            }
        case (.receiving, .body(var chunk)):
            body.writeBuffer(&chunk)
        case (.receiving, .end):
            state = .answering
            tag(context: context)
        case (.forwarding, .end):
            state = .idle
            context.fireChannelRead(wrapInboundOut(part))
        default:
            // Hummingbird's parts, or parts out of order (which the HTTP decoder does not
            // produce): Hummingbird deals with them.
            context.fireChannelRead(wrapInboundOut(part))
        }
    }

    /// The body's length if the request is one this handler answers.
    private func ours(_ head: HTTPRequest) -> Int? {
        guard head.method == .post, head.path == "/v1/tag",
              let length = head.headerFields[.contentLength].flatMap({ Int($0) }),
              length >= 0, length <= endpoint.configuration.maxBodyBytes,
              head.headerFields[.transferEncoding] == nil, head.headerFields[.expect] == nil,
              !(head.headerFields[.connection]?.lowercased().contains("close") ?? false),
              endpoint.batcher.modelInfo != nil,
              endpoint.unauthorized(path: "/v1/tag", authorization: head.headerFields[.authorization]) == nil
        else { return nil }
        return length
    }

    /// Reading goes on while a request is being tagged (stopping and restarting it costs two
    /// `epoll_ctl` calls a request) until a client that pipelines has `maxHeld` parts waiting.
    func read(context: ChannelHandlerContext) {
        if state == .answering && held.count >= Self.maxHeld {
            readHeld = true
        } else {
            context.read()
        }
    }

    private static let maxHeld = 64

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if state == .answering || !held.isEmpty || heldError != nil {
            // The decoder goes on reporting input after its first error; the first one counts.
            if heldError == nil { heldError = error }
        } else {
            context.fireErrorCaught(error)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        switch state {
        case .receiving:
            endpoint.batcher.withdraw()
        case .answering:
            if let job { endpoint.batcher.cancel(job) }
        case .idle, .forwarding:
            break
        }
        context.fireChannelInactive()
    }

    // MARK: - Answering

    private func tag(context: ChannelHandlerContext) {
        guard let head = request else { return }
        var record = RequestRecord(method: head.method.rawValue, path: "/v1/tag", route: "/v1/tag", status: 0, nanoseconds: 0)
        let prepared: TagEndpoint.Prepared
        do {
            prepared = try endpoint.prepare(body: Array(body.readableBytesView), contentType: head.headerFields[.contentType], query: [])
        } catch {
            endpoint.batcher.withdraw()
            let failure = error as? APIError ?? APIError.internalError("internal error: \(error)")
            record.error = failure
            respond(failure.status, failure.body, headers: failure.headers, record: record, context: context)
            return
        }
        body = ByteBuffer()
        record.texts = prepared.request.texts.count
        record.tokens = prepared.tokens
        if prepared.spellings.isEmpty {
            endpoint.batcher.withdraw()
            respond(.ok, endpoint.answer(prepared, tagged: []), record: record, context: context)
            return
        }
        let loop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: loop)
        let tagging = record
        job = endpoint.batcher.submit(prepared.spellings, deadline: endpoint.deadline(from: started)) { result in
            loop.execute {
                let (handler, context) = bound.value
                handler.finish(result, prepared, tagging, context: context)
            }
        }
    }

    private func finish(_ result: Result<[TaggedSentence], TagJobFailure>, _ prepared: TagEndpoint.Prepared,
                        _ record: RequestRecord, context: ChannelHandlerContext) {
        job = nil
        var record = record
        switch result {
        case .success(let tagged):
            respond(.ok, endpoint.answer(prepared, tagged: tagged), record: record, context: context)
        case .failure(let failure):
            let error = endpoint.apiError(failure)
            record.error = error
            respond(error.status, error.body, headers: error.headers, record: record, context: context)
        }
    }

    /// Records an answer, writes it, and goes on with what arrived meanwhile. The metrics and
    /// the access log line come first, as in Hummingbird's path: a client that has its answer
    /// finds them there.
    private func respond(_ status: HTTPResponse.Status, _ text: String, headers extra: HTTPFields = [:],
                         record: RequestRecord, context: ChannelHandlerContext) {
        var record = record
        record.status = status.code
        record.nanoseconds = DispatchTime.now().uptimeNanoseconds - started
        record.write(to: endpoint.metrics, logLevel: logger.logLevel, requestID: RequestID().description)

        let bytes = context.channel.allocator.buffer(string: text)
        var fields = HTTPFields()
        fields.reserveCapacity(5 + extra.count)
        fields[.contentType] = "application/json; charset=utf-8"
        fields[.contentLength] = String(bytes.readableBytes)
        fields[.date] = HTTPDate.now
        fields[.server] = serverName
        for field in extra { fields.append(field) }
        context.write(wrapOutboundOut(.head(HTTPResponse(status: status, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(bytes)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)

        request = nil
        state = .idle
        if !held.isEmpty {
            while state != .answering, let part = held.popFirst() {
                read(part, context: context)
            }
            // Hummingbird's channel hands on what it has read at the end of a read.
            context.fireChannelReadComplete()
        }
        if state != .answering && held.isEmpty, let error = heldError {
            heldError = nil
            context.fireErrorCaught(error)
        }
        if state != .answering && readHeld {
            readHeld = false
            context.read()
        }
    }

    // MARK: - Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Only Hummingbird's answers pass here (this handler writes from its own context).
        if case .end = unwrapOutboundIn(data) { forwardedOpen -= 1 }
        context.write(data, promise: promise)
    }
}
