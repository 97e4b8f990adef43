import ArgumentParser
import NERKit
import NERServer

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the tagger over HTTP: JSON in, entities out, requests batched together.",
        discussion: """
        DESCRIPTION
        Loads the model once and answers HTTP/1.1 requests (JSON, UTF-8):

        POST /v1/tag: {"text": "..."} or {"texts": ["...", ...]}, or a text/plain body; \
        options: "id" / "ids" (echoed back), "tokens": true (tokens, tags, sentences), \
        "scheme": "iob1" | "iob2" | "bioes".
        GET /v1/model: labels, tag scheme, configuration and provenance (training files, epochs, \
        dev F1) of the model; with --patterns, the patterns files, their rule counts and the mode.
        GET /health: 200 while the process runs.
        GET /ready: 200 once the model is loaded; 503 while loading or shutting down.
        GET /metrics: Prometheus metrics: requests, latency histogram, tokens tagged, batch \
        sizes, queue depth, errors.
        GET /openapi.json: the OpenAPI 3 description of this API (docs/openapi.yaml).

        Each text is split into sentences and tokens as 'ner tag' does, and its entities are the \
        objects of 'ner tag --format json' (label, text, start, end, token_start, token_end, \
        score; code point offsets into the text; tokens numbered across the whole text):

          $ curl -s localhost:8080/v1/tag \\
              -d '{"text": "Teddy Roosevelt was a great President."}'
          {"entities": [{"label": "PER", "text": "Teddy Roosevelt",
                         "start": 0, "end": 15, "token_start": 0,
                         "token_end": 2, "score": 0.9436}]}

        BATCHING
        One worker owns the model. Whenever it is free it tags everything waiting in one batched \
        pass (up to --batch-tokens), so requests that arrive together are tagged together and a \
        lone request is tagged at once. With --batch-wait-ms it may also wait that long for \
        requests still being received to join.

        ERRORS
        Every error is a JSON body {"error": "..."}: 400 malformed JSON, missing or wrong \
        fields, invalid UTF-8; 401 a missing or wrong API key (with --api-keys); 404 unknown \
        path; 405 wrong method; 408 a head not received within --header-timeout of the \
        connection's start (a later request's: of its first byte), or a body within \
        --body-timeout of its head; 413 body over --max-body-bytes (chunked ones too); \
        415 other content types; 429 more than --max-connections-per-client connections from \
        one address; 431 a head over --max-header-bytes or --max-headers; 503 with Retry-After \
        when --max-queue requests are waiting or the model is not loaded yet; 504 after \
        --timeout seconds. After 408, 413, 429 and 431 the connection is closed (its output at \
        once, then after reading and discarding what the client still sends, for a few \
        seconds, so that it sees the answer). A connection that sends nothing is closed at \
        --header-timeout.

        ON A NETWORK
        --api-keys FILE requires 'Authorization: Bearer KEY' on every path but /health and \
        /ready (and /metrics unless --metrics-public); the file has one key per line, or \
        sha256:HEX of one. --tls-cert and --tls-key serve HTTPS only (TLS 1.2 or later). \
        SIGHUP reads the keys and the certificate again. See docs/guide/serve-network.md.

        PATTERNS
        --patterns FILE (repeatable) and --patterns-mode work as for 'ner tag': every entity \
        then has "source": "model" or "pattern" (and the rule's "id"). SIGHUP reads the files \
        again while requests go on being tagged with the old rules, then switches between two \
        batches; a file that cannot be read keeps the old rules and logs an error.

        LOGS AND SHUTDOWN
        Logs are JSON lines on stderr, one per request at level info; the line \
        {"message": "listening", "port": ...} gives the port bound (--port 0 picks a free one). \
        SIGTERM or SIGINT stops accepting connections, answers the requests in flight, and \
        exits 0.

        EXAMPLES
          $ ner serve
          $ ner serve --model model.ner --host 0.0.0.0 --port 9000
          $ ner serve --port 0 --max-queue 64 --timeout 2 --log-level warning
          $ ner serve --host 0.0.0.0 --port 8443 --api-keys keys.txt \\
              --tls-cert tls.crt --tls-key tls.key
          $ curl -s localhost:8080/v1/tag -H 'Content-Type: text/plain' \\
              --data-binary @article.txt
        """
    )

    @Option(help: ArgumentHelp("The model file (default: $NER_MODEL, else the default model installed with ner).", valueName: "file"))
    var model: String?

    @Option(help: "Arithmetic of the recurrent products, float32 or bfloat16 (as ner tag; default: bfloat16 where it is the faster).")
    var precision: InferencePrecision = .fastest

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free port (logged).")
    var port = 8080

    @Option(name: .customLong("max-body-bytes"), help: ArgumentHelp("Largest request body accepted (413 beyond).", valueName: "n"))
    var maxBodyBytes = 1 << 20

    @Option(name: .customLong("batch-tokens"), help: ArgumentHelp("Most tokens tagged together in one batch.", valueName: "n"))
    var batchTokens = 4096

    @Option(name: .customLong("batch-wait-ms"),
            help: ArgumentHelp("Longest wait for requests being received to join a batch (never for a lone request).", valueName: "ms"))
    var batchWaitMs = 0.0

    @Option(name: .customLong("max-queue"), help: ArgumentHelp("Most requests waiting for the tagger (503 beyond).", valueName: "n"))
    var maxQueue = 256

    @Option(help: ArgumentHelp("Seconds a request may take before it is answered with 504.", valueName: "s"))
    var timeout = 10.0

    @Option(name: .customLong("max-connections"), help: ArgumentHelp("Most open connections.", valueName: "n"))
    var maxConnections = 1024

    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp("Seconds before an idle keep-alive connection is closed.", valueName: "s"))
    var idleTimeout = 60.0

    @Option(name: .customLong("header-timeout"),
            help: ArgumentHelp("Seconds from a connection's start (a later request's first byte) to the end of its head (408 beyond).",
                               valueName: "s"))
    var headerTimeout = 10.0

    @Option(name: .customLong("body-timeout"),
            help: ArgumentHelp("Seconds from a request's head to the end of its body (408 beyond).", valueName: "s"))
    var bodyTimeout = 30.0

    @Option(name: .customLong("max-connections-per-client"),
            help: ArgumentHelp("Most open connections from one client address (429 beyond).", valueName: "n"))
    var maxConnectionsPerClient = 256

    @Option(name: .customLong("max-header-bytes"),
            help: ArgumentHelp("Largest request head: request line and header fields (431 beyond).", valueName: "n"))
    var maxHeaderBytes = 16 * 1024

    @Option(name: .customLong("max-headers"), help: ArgumentHelp("Most header fields in a request (431 beyond).", valueName: "n"))
    var maxHeaders = 100

    @Option(name: .customLong("api-keys"),
            help: ArgumentHelp("File of API keys, one a line (or sha256:HEX of one); every path but /health, /ready (and /metrics with --metrics-public) then needs 'Authorization: Bearer KEY'. Reloaded on SIGHUP.", valueName: "file"))
    var apiKeys: String?

    @Flag(name: .customLong("metrics-public"), help: "Serve /metrics without a key when --api-keys is given.")
    var metricsPublic = false

    @Option(name: .customLong("tls-cert"),
            help: ArgumentHelp("TLS certificate chain (PEM): serve HTTPS only (TLS 1.2 or later). Reloaded on SIGHUP.", valueName: "file"))
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("The TLS certificate's private key (PEM).", valueName: "file"))
    var tlsKey: String?

    @Option(name: .customLong("log-level"),
            help: ArgumentHelp("Least severe log messages written (info: one line per request).", valueName: "level"))
    var logLevel = LogLevelOption.info

    @OptionGroup var patterns: PatternOptions

    func makeConfiguration(modelPath: String) -> ServeConfiguration {
        var c = ServeConfiguration(modelPath: modelPath)
        c.precision = precision
        c.host = host
        c.port = port
        c.maxBodyBytes = maxBodyBytes
        c.batchTokens = batchTokens
        c.batchWaitSeconds = batchWaitMs / 1000
        c.maxQueue = maxQueue
        c.requestTimeoutSeconds = timeout
        c.maxConnections = maxConnections
        c.idleTimeoutSeconds = idleTimeout
        c.headerTimeoutSeconds = headerTimeout
        c.bodyTimeoutSeconds = bodyTimeout
        c.maxConnectionsPerClient = maxConnectionsPerClient
        c.maxHeaderBytes = maxHeaderBytes
        c.maxHeaderCount = maxHeaders
        c.apiKeysPath = apiKeys
        c.metricsPublic = metricsPublic
        c.tlsCertificatePath = tlsCert
        c.tlsKeyPath = tlsKey
        c.logLevel = logLevel.rawValue
        c.patternFiles = patterns.files
        c.patternsMode = patterns.mode ?? .fill
        return c
    }

    /// The checks are the library's (`ServeConfiguration.validate`); here its settings are named
    /// by their flags, and its errors become usage errors (exit 64).
    func validate() throws {
        do {
            try makeConfiguration(modelPath: "").validate()
        } catch let error as ConfigurationError {
            throw ValidationError(error.describe(naming: Self.flag))
        }
    }

    /// The flag that sets each of `ServeConfiguration`'s settings (a setting without one keeps
    /// its name).
    static func flag(_ setting: String) -> String {
        let flags = [
            "modelPath": "--model", "host": "--host", "port": "--port", "maxBodyBytes": "--max-body-bytes",
            "batchTokens": "--batch-tokens", "batchWaitSeconds": "--batch-wait-ms", "maxQueue": "--max-queue",
            "requestTimeoutSeconds": "--timeout", "maxConnections": "--max-connections", "idleTimeoutSeconds": "--idle-timeout",
            "headerTimeoutSeconds": "--header-timeout", "bodyTimeoutSeconds": "--body-timeout",
            "maxConnectionsPerClient": "--max-connections-per-client", "maxHeaderBytes": "--max-header-bytes",
            "maxHeaderCount": "--max-headers", "apiKeysPath": "--api-keys", "tlsCertificatePath": "--tls-cert",
            "tlsKeyPath": "--tls-key", "logLevel": "--log-level",
        ]
        return flags[setting] ?? setting
    }

    func run() throws {
        try TagServer.run(makeConfiguration(modelPath: model ?? DefaultModel.path()))
    }
}
