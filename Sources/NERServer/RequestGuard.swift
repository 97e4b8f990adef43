import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// The checks of each request's head and body that end the connection, right above the HTTP
/// decoder and before anything else sees the request: a body over `maxBodyBytes` by its
/// Content-Length (413) and a head over the header limits (431, reported by the decoder). Either
/// is answered by `ConnectionGuard` once every answer before it on the connection has been
/// written (pipelined requests keep their order), and the connection lingers and closes. A body
/// without a length (`Transfer-Encoding: chunked`) is counted as it arrives: the part that takes
/// it over `maxBodyBytes` is the last passed on, followed by the request's end, so that whoever
/// reads the body finds it too large (`POST /v1/tag` answers 413) and nothing more is read; that
/// request's answer goes out with `Connection: close` and the connection lingers and closes after
/// it. It also tells `ConnectionGuard` where each head and body end, for their deadlines. And it
/// gives the 400 that Hummingbird writes for a request that is not HTTP (empty, in order after
/// the answers before it) a JSON body like every other error.
final class RequestGuard: ChannelDuplexHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let connection: ConnectionGuard
    private let configuration: ServeConfiguration
    /// Requests passed on whose answer has not been written to its end.
    private var open = 0
    /// The answer that ends the connection, once `open` is 0.
    private var pending: (error: APIError, method: String?, path: String?)?
    private var refused = false
    /// Body bytes of the request arriving now.
    private var bodyBytes = 0
    /// A body without a length went over the limit: the connection closes once `open` is 0, after
    /// the answers (the last with `Connection: close`) of the requests passed on.
    private var closeAfterAnswers = false
    /// The decoder's error, passed on to Hummingbird, whose 400 for it gets a JSON body here.
    private var parseError: HTTPParserError?
    /// The JSON body of that 400, written before its end.
    private var parseErrorBody: ByteBuffer?

    init(connection: ConnectionGuard, configuration: ServeConfiguration) {
        self.connection = connection
        self.configuration = configuration
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if refused { return }
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let head):
            let length = head.headerFields[.contentLength].flatMap { Int($0) }
            if let length, length > configuration.maxBodyBytes {
                refuse(APIError.bodyTooLarge(limit: configuration.maxBodyBytes), method: head.method.rawValue, path: head.path)
                return
            }
            let chunked = head.headerFields[.transferEncoding] != nil
            connection.headArrived(method: head.method.rawValue, path: head.path ?? "-", hasBody: chunked || (length ?? 0) > 0)
            open += 1
            bodyBytes = 0
        case .body(let chunk):
            // Only a body without a length can get here over the limit (the decoder holds one
            // with a length to it).
            bodyBytes += chunk.readableBytes
            if bodyBytes > configuration.maxBodyBytes {
                cutShort(context: context, data)
                return
            }
        case .end:
            connection.requestEnded()
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if case .headerOverflow? = error as? HTTPParserError, !refused {
            refuse(APIError.headersTooLarge(bytes: configuration.maxHeaderBytes, count: configuration.maxHeaderCount),
                   method: "-", path: "-")
            return
        }
        if refused { return }
        if parseError == nil, let parse = error as? HTTPParserError { parseError = parse }
        context.fireErrorCaught(error)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = unwrapOutboundIn(data)
        if let parseError, case .head(var head) = part, head.status == .badRequest,
           head.headerFields[.contentLength] == "0", head.headerFields[.contentType] == nil {
            let error = APIError.badRequest("the request is not valid HTTP/1.1 (\(parseError))")
            let body = context.channel.allocator.buffer(string: error.body)
            head.headerFields[.contentType] = "application/json; charset=utf-8"
            head.headerFields[.contentLength] = String(body.readableBytes)
            parseErrorBody = body
            context.write(wrapOutboundOut(.head(head)), promise: promise)
            return
        }
        if closeAfterAnswers, open == 1, case .head(var head) = part {
            head.headerFields[.connection] = "close"
            context.write(wrapOutboundOut(.head(head)), promise: promise)
            return
        }
        if case .end = part, let body = parseErrorBody {
            parseErrorBody = nil
            context.write(wrapOutboundOut(.body(body)), promise: nil)
        }
        context.write(data, promise: promise)
        if case .end = part, open > 0 {
            open -= 1
            if open == 0, let pending {
                self.pending = nil
                context.flush()
                connection.answerAndLinger(pending.error, method: pending.method, path: pending.path)
            } else if open == 0, closeAfterAnswers {
                connection.lingerAndClose()
            }
        }
    }

    /// The request's body has gone over `maxBodyBytes` with `part`: `part` and then the
    /// request's end go on, nothing after them is read, and the connection closes after the
    /// answers still to be written (at once if there are none: the request was answered before
    /// its body had all come).
    private func cutShort(context: ChannelHandlerContext, _ part: NIOAny) {
        refused = true
        connection.discard()
        context.fireChannelRead(part)
        context.fireChannelRead(wrapInboundOut(.end(nil)))
        if open == 0 {
            connection.lingerAndClose()
        } else {
            closeAfterAnswers = true
        }
    }

    private func refuse(_ error: APIError, method: String?, path: String?) {
        refused = true
        connection.discard()
        if open == 0 {
            connection.answerAndLinger(error, method: method, path: path)
        } else {
            pending = (error, method, path)
        }
    }
}
