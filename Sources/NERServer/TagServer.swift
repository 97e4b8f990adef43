import Dispatch
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NERKit
import NIOCore
import ServiceLifecycle

/// `ner serve`: the HTTP tagging service. Hummingbird serves HTTP/1.1 on SwiftNIO's event
/// loops, with `TagFastPath` in each connection's pipeline answering the ordinary
/// `POST /v1/tag` on the event loop and `TagServerResponder` answering everything else; one
/// `TagBatcher` owns the model and tags requests in batches; swift-service-lifecycle
/// starts both and, on SIGTERM or SIGINT, shuts them down in order: the server stops accepting
/// connections and answers every request in flight (the batcher still tagging), then the
/// batcher stops. Logs are JSON lines on standard error (`JSONLogHandler`); the first useful one
/// is `{"message": "listening", "host": ..., "port": ...}`, with the port actually bound.
public enum TagServer {
    /// Runs the service until it is shut down by a signal, blocking the calling thread (the
    /// command line's main thread). Throws the model loader's error when the model cannot be
    /// loaded, and binding errors.
    public static func run(_ configuration: ServeConfiguration) throws {
        try configuration.validate()
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await serve(configuration)
            } catch let error as IOError {
                // Binding: "cannot listen on 127.0.0.1:8080: Address already in use".
                outcome.error = NERError("cannot listen on \(configuration.host):\(configuration.port): "
                                         + String(cString: strerror(error.errnoCode)))
            } catch {
                outcome.error = error
            }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw error }
    }

    /// The error that ended `serve`, handed from its task to the blocked caller.
    /// Unchecked: written by the serving task before it signals, read by the caller after.
    private final class Outcome: @unchecked Sendable {
        var error: Error?
    }

    static func serve(_ configuration: ServeConfiguration) async throws {
        let level = LogLevelName.parse(configuration.logLevel) ?? .info
        let logger = Logger(label: "ner.serve") { _ in JSONLogHandler(level: level) }
        let keys = try configuration.apiKeysPath.map { try APIKeys(path: $0) }
        #if TLS
        let tls = try configuration.tlsCertificatePath.map {
            try TLSCertificate(certificatePath: $0, keyPath: configuration.tlsKeyPath ?? "")
        }
        #else
        let tls: TLSCertificate? = nil  // ServeConfiguration refuses a certificate without TLS
        #endif
        let (app, batcher) = application(configuration, logger: logger, keys: keys, tls: tls)
        let reloader = Reloader(keys: keys, tls: tls, patterns: configuration.patternFiles.isEmpty ? nil : batcher, logger: logger)
        defer { reloader.stop() }
        var groupConfiguration = ServiceGroupConfiguration(
            services: [app, ShutdownNotice(batcher: batcher, logger: logger)],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // A request in flight has at most its timeout left; past that, give up waiting.
        groupConfiguration.maximumGracefulShutdownDuration = Duration.milliseconds(Int64(configuration.requestTimeoutSeconds * 1000) + 5000)
        try await ServiceGroup(configuration: groupConfiguration).run()
        logger.info("stopped")
    }

    /// The application `serve` runs: the HTTP server with its fast path and responder, and the
    /// batcher as its service (started first, stopped last). Apart from `serve` so that tests
    /// run it in process (HummingbirdTesting). `keys` and `tls` are those read from the
    /// configuration's files (`serve` reads them, and reloads them on SIGHUP).
    static func application(_ configuration: ServeConfiguration, logger: Logger, keys: APIKeys? = nil,
                            tls: TLSCertificate? = nil) -> (some ApplicationProtocol, TagBatcher) {
        let metrics = ServerMetrics()
        let batcher = TagBatcher(configuration: configuration, metrics: metrics, logger: logger)
        let endpoint = TagEndpoint(configuration: configuration, batcher: batcher, metrics: metrics, keys: keys)
        let host = configuration.host
        let serverName = "ner/\(NERVersion.string)"
        let http1 = HTTP1Channel.Configuration(
            idleTimeout: .milliseconds(Int64(configuration.idleTimeoutSeconds * 1000)),
            httpDecoderConfiguration: .init(maxHeaderFieldSize: configuration.maxHeaderBytes,
                                            maxHeaderListSize: configuration.maxHeaderBytes,
                                            maxHeaderFieldCount: configuration.maxHeaderCount))
        let clients = ClientConnections(limit: configuration.maxConnectionsPerClient)
        let server = HTTPServerBuilder { responder in
            TagHTTP1Channel(http1: HTTP1Channel(responder: responder, configuration: http1), configuration: configuration,
                            clients: clients, tls: tls, serverName: serverName, metrics: metrics, logLevel: logger.logLevel) {
                TagFastPath(endpoint: endpoint, serverName: serverName, logger: logger)
            }
        }
        let app = Application(
            responder: TagServerResponder(endpoint: endpoint),
            server: server,
            configuration: ApplicationConfiguration(
                address: .hostname(host, port: configuration.port),
                serverName: serverName,
                availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections)),
            // Started first and so stopped last: requests in flight still get their tags.
            services: [batcher],
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                logger.info("listening", metadata: [
                    "host": .string(host), "port": .stringConvertible(port), "url": .string("\(tls == nil ? "http" : "https")://\(host):\(port)"),
                ])
            },
            logger: logger)
        return (app, batcher)
    }
}
