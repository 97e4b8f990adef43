import NERKit

/// What `ner serve` is told: the model, where to listen, and the limits that keep memory bounded
/// and latency predictable under any load. The defaults are the ones `ner serve --help` shows.
public struct ServeConfiguration: Sendable {
    /// The model file, loaded once by the batching worker.
    public var modelPath: String
    /// The arithmetic of the model's recurrent products (see `InferencePrecision`).
    public var precision = InferencePrecision.fastest
    public var host = "127.0.0.1"
    /// 0 asks the system for a free port; the port bound is logged ("listening").
    public var port = 8080
    /// A larger request body is refused with 413: by its Content-Length before it is read, or,
    /// sent in chunks, as soon as it passes the limit.
    public var maxBodyBytes = 1 << 20
    /// Tokens tagged together in one batch at most: requests that arrive together share one
    /// forward pass up to this size (a single larger request is tagged alone).
    public var batchTokens = 4096
    /// How long the worker, once free, may wait for requests that are being received right now
    /// to join its batch. Never spent on a request that arrives alone. 0 by default: under load
    /// the worker is behind anyway and waiting only idles it (at concurrency 64, 1 ms of wait
    /// gave 4% fewer tokens/s in 6 of 6 interleaved runs on a 2-core Zen 4; at concurrency 8 it
    /// made no difference: 67.7k tokens/s either way over 5 pairs).
    public var batchWaitSeconds = 0.0
    /// Requests waiting for the worker at most; more are refused with 503 and Retry-After, so a
    /// flood costs bounded memory and the requests admitted still meet their deadline.
    public var maxQueue = 256
    /// A request not answered within this many seconds of its arrival gets 504.
    public var requestTimeoutSeconds = 10.0
    /// Open connections at most; further clients wait in the listen backlog.
    public var maxConnections = 1024
    /// Idle keep-alive connections are closed after this many seconds.
    public var idleTimeoutSeconds = 60.0
    /// A connection's first request head (request line and headers) must have arrived this many
    /// seconds after the connection's start, a later one's after its first byte, however slowly
    /// it trickles in; otherwise the connection is answered 408 and closed (closed alone if
    /// nothing came at all: this bounds a TLS handshake too).
    public var headerTimeoutSeconds = 10.0
    /// A request's body must have arrived this many seconds after its head; otherwise 408.
    public var bodyTimeoutSeconds = 30.0
    /// Open connections from one client address at most; more are answered 429 and closed (and
    /// not counted).
    /// A quarter of `maxConnections` by default: one address cannot take the whole server, and a
    /// proxy in front with up to 256 connections of its own, or a load test at concurrency 256,
    /// still fits.
    public var maxConnectionsPerClient = 256
    /// The largest request head (request line and all header fields, and any one field) in
    /// bytes; more is answered 431. 16 KiB: browsers send under 8 KiB, nginx's default is 4 x 8 KiB.
    public var maxHeaderBytes = 16 * 1024
    /// Header fields in one request at most; more is answered 431 (Apache's default limit).
    public var maxHeaderCount = 100
    /// A file of API keys (`APIKeys`); nil serves without authentication.
    public var apiKeysPath: String?
    /// Whether `/metrics` is served without a key when keys are required.
    public var metricsPublic = false
    /// The TLS certificate chain (PEM); with `tlsKeyPath`, the server speaks HTTPS only.
    public var tlsCertificatePath: String?
    /// The certificate's private key (PEM).
    public var tlsKeyPath: String?
    /// swift-log level name: trace, debug, info, notice, warning, error or critical. Access log
    /// lines are at info.
    public var logLevel = "info"
    /// Patterns files whose rules combine with the model's entities (`ner serve --patterns`),
    /// read when the model is loaded and again on SIGHUP.
    package var patternFiles: [String] = []
    /// How the rules combine with the model (`--patterns-mode`).
    package var patternsMode = PatternMode.fill

    public init(modelPath: String) {
        self.modelPath = modelPath
    }

    /// Throws a `ConfigurationError` naming the first setting out of its range by its property
    /// name (`maxQueue must be positive (got 0)`), before anything starts. A front end that calls
    /// the settings otherwise names them its own way with `ConfigurationError.describe(naming:)`
    /// (`ner serve` by its flags).
    public func validate() throws {
        typealias Check = ConfigurationError
        func refuse(_ setting: String, _ rule: String) -> Check { Check([.setting(setting), .text(" " + rule)]) }
        func atLeast(_ least: Int, _ setting: String, _ value: Int) throws {
            guard value >= least else {
                throw refuse(setting, (least == 1 ? "must be positive" : "must be at least \(least)") + " (got \(value))")
            }
        }
        // Durations: finite, so that they convert to the integer nanoseconds and milliseconds of
        // timers and deadlines.
        func seconds(_ setting: String, _ value: Double, atMost most: Double, zeroAllowed: Bool = false) throws {
            guard value.isFinite, zeroAllowed ? value >= 0 : value > 0, value <= most else {
                let low = zeroAllowed ? "between 0 and" : "more than 0 and at most"
                throw refuse(setting, "must be \(low) \(Int(most)) second\(most == 1 ? "" : "s") (got \(value) s)")
            }
        }
        guard (0...65535).contains(port) else { throw refuse("port", "must be between 0 and 65535 (got \(port))") }
        try atLeast(1, "maxBodyBytes", maxBodyBytes)
        try atLeast(1, "batchTokens", batchTokens)
        try seconds("batchWaitSeconds", batchWaitSeconds, atMost: 1, zeroAllowed: true)
        try atLeast(1, "maxQueue", maxQueue)
        try seconds("requestTimeoutSeconds", requestTimeoutSeconds, atMost: 86400)
        try atLeast(1, "maxConnections", maxConnections)
        try seconds("idleTimeoutSeconds", idleTimeoutSeconds, atMost: 86400)
        try seconds("headerTimeoutSeconds", headerTimeoutSeconds, atMost: 3600)
        try seconds("bodyTimeoutSeconds", bodyTimeoutSeconds, atMost: 3600)
        try atLeast(1, "maxConnectionsPerClient", maxConnectionsPerClient)
        try atLeast(256, "maxHeaderBytes", maxHeaderBytes)
        try atLeast(1, "maxHeaderCount", maxHeaderCount)
        if apiKeysPath?.isEmpty == true { throw refuse("apiKeysPath", "must name a file (it is empty)") }
        if (tlsCertificatePath == nil) != (tlsKeyPath == nil) {
            throw Check([.setting(tlsCertificatePath == nil ? "tlsKeyPath" : "tlsCertificatePath"), .text(" needs "),
                         .setting(tlsCertificatePath == nil ? "tlsCertificatePath" : "tlsKeyPath"), .text(": the certificate and its key go together")])
        }
        #if !TLS
        if tlsCertificatePath != nil {
            throw refuse("tlsCertificatePath", "needs TLS, and this ner was built without it (swift build without --disable-default-traits has it)")
        }
        #endif
        guard LogLevelName.parse(logLevel) != nil else {
            throw refuse("logLevel", "must be one of trace, debug, info, notice, warning, error, critical (got '\(logLevel)')")
        }
    }
}
