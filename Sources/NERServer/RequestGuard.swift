import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// The checks of each request's head that end the connection, right above the HTTP decoder and
/// before anything else sees the request: a body over `maxBodyBytes` by its Content-Length (413)
/// and a head over the header limits (431, reported by the decoder). Either is answered by
/// `ConnectionGuard` once every answer before it on the connection has been written (pipelined
/// requests keep their order), and the connection lingers and closes. It also tells
/// `ConnectionGuard` where each head and body end, for their deadlines.
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
        context.fireErrorCaught(error)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        context.write(data, promise: promise)
        if case .end = unwrapOutboundIn(data) {
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
