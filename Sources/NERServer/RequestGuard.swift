import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// The checks of each request's head that end the connection, right above the HTTP decoder and
/// before anything else sees the request: a body over `maxBodyBytes` by its Content-Length (413)
/// and a head over the header limits (431, reported by the decoder). Either is answered by
/// `ConnectionGuard` once every answer before it on the connection has been written (pipelined
/// requests keep their order), and the connection lingers and closes. It also tells
/// `ConnectionGuard` where each head and body end, for their deadlines. And it gives the 400
/// that Hummingbird writes for a request that is not HTTP (empty, in order after the answers
/// before it) a JSON body like every other error.
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
        case .body:
            break
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
            }
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
