import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes

/// Hummingbird's HTTP/1.1 connection with `ner serve`'s own handlers added to each pipeline:
///
///     PlainHTTPOnTLSPort, NIOSSLServerHandler   with TLS only
///     ConnectionGuard   raw bytes: head and body deadlines, lingering close, 429 per client
///     (Hummingbird's HTTP/1.1 decoder and encoder)
///     RequestGuard      413 by Content-Length, 431, where heads and bodies end
///     HTTPConnectionStateHandler (Hummingbird's: idle timeout, graceful shutdown)
///     TagFastPath       the ordinary POST /v1/tag, answered on the event loop
///
/// `TagFastPath` goes right after Hummingbird's `HTTPConnectionStateHandler` (which
/// Hummingbird's own hook for extra handlers would put it before, hiding the fast path's requests
/// from the idle timeout and graceful shutdown).
struct TagHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value

    let http1: HTTP1Channel
    let configuration: ServeConfiguration
    let clients: ClientConnections
    let tls: TLSCertificate?
    let serverName: String
    let metrics: ServerMetrics
    let logLevel: Logger.Level
    let makeFastPath: @Sendable () -> TagFastPath

    var responder: Responder { http1.responder }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let refusal = clients.admit(channel) ? nil : APIError.tooManyConnections(limit: clients.limit)
        let connection = ConnectionGuard(configuration: configuration, serverName: serverName, metrics: metrics,
                                         logLevel: logLevel, refusal: refusal)
        do {
            #if TLS
            if let tls {
                try channel.pipeline.syncOperations.addHandler(PlainHTTPOnTLSPort(serverName: serverName))
                try channel.pipeline.syncOperations.addHandler(tls.makeHandler())
            }
            #endif
            try channel.pipeline.syncOperations.addHandler(connection)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return http1.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let state = try pipeline.handler(type: HTTPConnectionStateHandler.self)
            try pipeline.addHandler(RequestGuard(connection: connection, configuration: configuration), position: .before(state))
            try pipeline.addHandler(makeFastPath(), position: .after(state))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }
}
