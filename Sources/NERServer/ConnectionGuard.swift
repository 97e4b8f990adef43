import Dispatch
import Hummingbird
import Logging
import NIOCore

/// The deadlines a slow client cannot extend, and the lingering close, on the raw bytes of one
/// connection: first in its pipeline (after TLS), below the HTTP decoder. `RequestGuard`, above
/// the decoder, tells it where each request's head and body end.
///
/// - A connection's first request must have its whole head in within `headerTimeoutSeconds` of
///   the connection's start (its accept: so a TLS handshake, and a client that connects and
///   sends nothing, are bounded by it too); a later request on a kept-alive connection within
///   that of its first byte. However the head trickles in, no byte extends it. Its head starts
///   the body's deadline (`bodyTimeoutSeconds`). Either one missed is answered 408, and the
///   connection closed; a connection that has sent nothing at all by its first deadline is closed
///   without an answer (nothing was asked). Between requests only Hummingbird's idle timeout
///   runs. Each deadline is a timer of its own on the connection's event loop, set for the exact
///   instant: nothing sweeps, so nothing adds to it.
/// - An answer after which the connection is closed (408, 413, 429, 431) is written as bytes
///   here, and the connection then lingers: its output is closed at once after the answer (the
///   client reads the answer and then the end of the stream, and so knows it is done), while what
///   the client still sends is read and thrown away, for at most `lingerSeconds` and
///   `lingerBytes` or until the client closes, before the close. A client that sends its whole
///   body before it reads (Python's urllib and requests, wrk) would otherwise be reset while
///   sending and never see the answer. nginx does the same ("lingering close"). After a 408 or a
///   429, whose client is slow or hoarding connections rather than busy sending, the connection
///   lingers only `briefLingerSeconds`.
final class ConnectionGuard: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Drained at most this long after a 413 or 431.
    static let lingerSeconds = 5.0
    /// Drained at most this long after a 408 or 429.
    static let briefLingerSeconds = 0.5
    /// Bytes read and thrown away at most after a closing answer (a fast client, on loopback,
    /// sends gigabytes in `lingerSeconds`).
    static let lingerBytes = 64 << 20

    private enum Phase {
        /// Between requests: the next byte starts a head.
        case idle
        /// A head is arriving.
        case head
        /// A body is arriving.
        case body
        /// Inbound bytes are thrown away: an answer that closes the connection is written or
        /// waits for the answers before it.
        case discarding
        /// The closing answer is written; draining until the client closes or a bound is met.
        case lingering
    }

    private let configuration: ServeConfiguration
    private let serverName: String
    private let metrics: ServerMetrics
    private let logLevel: Logger.Level
    /// Set when the client had too many connections open already: answered 429 at once.
    private let refusal: APIError?
    private var phase = Phase.idle
    private var timer: Scheduled<Void>?
    private var drained = 0
    /// The request whose head or body is arriving, for the access log of a 408.
    private var method = "-"
    private var path = "-"
    private var started: UInt64 = 0
    private var context: ChannelHandlerContext?

    init(configuration: ServeConfiguration, serverName: String, metrics: ServerMetrics, logLevel: Logger.Level,
         refusal: APIError? = nil) {
        self.configuration = configuration
        self.serverName = serverName
        self.metrics = metrics
        self.logLevel = logLevel
        self.refusal = refusal
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { begin() }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        context.fireChannelActive()
        begin()
    }

    /// Whether `begin` has run.
    private var begun = false

    /// The connection has started: a refused one is answered 429 at once; any other has its
    /// first request's head deadline set from now.
    private func begin() {
        guard !begun else { return }
        begun = true
        if let refusal {
            answerAndLinger(refusal, linger: Self.briefLingerSeconds)
            return
        }
        started = DispatchTime.now().uptimeNanoseconds
        schedule(configuration.headerTimeoutSeconds) { [unowned self] in headExpired() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch phase {
        case .idle:
            phase = .head
            method = "-"
            path = "-"
            // The first request's deadline runs from the connection's start (set in `begin`).
            if timer == nil {
                started = DispatchTime.now().uptimeNanoseconds
                schedule(configuration.headerTimeoutSeconds) { [unowned self] in headExpired() }
            }
            context.fireChannelRead(data)
        case .head, .body:
            context.fireChannelRead(data)
        case .discarding:
            break
        case .lingering:
            drained += unwrapInboundIn(data).readableBytes
            if drained > Self.lingerBytes { context.close(promise: nil) }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        switch phase {
        case .lingering:
            // Whatever the layers above want, keep reading until the bounds are met.
            context.read()
        case .idle, .head, .body, .discarding:
            // Discarding, the parts decoded before still go on to the layers above.
            context.fireChannelReadComplete()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A connection reset while lingering is the client going away: nothing to report.
        if phase == .lingering { return }
        context.fireErrorCaught(error)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Once the closing answer is out, nothing may follow it.
        if phase == .lingering {
            promise?.fail(ChannelError.outputClosed)
            return
        }
        context.write(data, promise: promise)
    }

    // MARK: - Told by RequestGuard

    /// A request's head has been decoded: its body, if it has one, must follow in time.
    func headArrived(method: String, path: String, hasBody: Bool) {
        guard phase == .head || phase == .idle else { return }
        cancelTimer()
        self.method = method
        self.path = path
        if hasBody {
            phase = .body
            started = DispatchTime.now().uptimeNanoseconds
            schedule(configuration.bodyTimeoutSeconds) { [unowned self] in
                expired(APIError.requestTimeout("body", seconds: configuration.bodyTimeoutSeconds, option: "--body-timeout"))
            }
        } else {
            phase = .idle
        }
    }

    /// A request has been received to its end.
    func requestEnded() {
        guard phase == .body || phase == .head else { return }
        cancelTimer()
        phase = .idle
    }

    /// Nothing more is read from this connection; it will close after its last answer
    /// (`answerAndLinger`, `lingerAndClose`).
    func discard() {
        guard phase != .lingering else { return }
        cancelTimer()
        phase = .discarding
    }

    /// Writes `error` as the connection's last answer and lingers before the close.
    func answerAndLinger(_ error: APIError, method: String? = nil, path: String? = nil, linger: Double = ConnectionGuard.lingerSeconds) {
        guard let context, phase != .lingering else { return }
        var record = RequestRecord(method: method ?? self.method, path: path ?? self.path, route: "other",
                                   status: error.status.code, nanoseconds: 0, error: error)
        if let path, path == "/v1/tag" { record.route = path }
        if started > 0 { record.nanoseconds = DispatchTime.now().uptimeNanoseconds - started }
        record.write(to: metrics, logLevel: logLevel, requestID: RequestID().description)
        context.write(wrapOutboundOut(context.channel.allocator.buffer(string: error.closingResponse(serverName: serverName))),
                      promise: nil)
        lingerAndClose(linger)
    }

    /// What has been written is the connection's last answer: the output is closed after it
    /// (the client reads the answer, then the end of the stream), and what the client still sends
    /// is read and thrown away until it closes its side, or for at most `seconds` and
    /// `lingerBytes`; then the connection is closed.
    func lingerAndClose(_ seconds: Double = ConnectionGuard.lingerSeconds) {
        guard let context, phase != .lingering else { return }
        cancelTimer()
        phase = .lingering
        context.flush()
        // Once the client has closed its side too, this closes the connection.
        context.close(mode: .output, promise: nil)
        schedule(seconds) { [unowned self] in
            self.context?.close(promise: nil)
        }
        context.read()
    }

    // MARK: - Timers

    private func expired(_ error: APIError) {
        timer = nil
        answerAndLinger(error, linger: Self.briefLingerSeconds)
    }

    /// The head's deadline has passed: 408, unless no byte of a request has come at all (the
    /// connection's first deadline, or a TLS handshake that never finished): then the close
    /// alone.
    private func headExpired() {
        timer = nil
        if phase == .idle {
            context?.close(promise: nil)
            return
        }
        expired(APIError.requestTimeout("head", seconds: configuration.headerTimeoutSeconds, option: "--header-timeout"))
    }

    private func schedule(_ seconds: Double, _ body: @escaping () -> Void) {
        cancelTimer()
        guard let context else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(seconds * 1e9)), body)
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
    }
}
