import Metrics
import NIOConcurrencyHelpers
import Prometheus

/// The server's metrics, recorded through swift-metrics into a Prometheus registry of its own
/// (not the process-wide `MetricsSystem`, which can be bootstrapped only once: tests start many
/// servers in one process) and rendered for `GET /metrics`:
///
///     ner_http_requests_total{path,status}       requests answered
///     ner_http_request_duration_seconds{path}    latency histogram, arrival to response
///     ner_errors_total{kind}                     error responses by kind (bad_request, queue_full, ...)
///     ner_texts_tagged_total, ner_tokens_tagged_total
///     ner_batch_sentences, ner_batch_tokens      histograms of the worker's batch sizes
///     ner_batch_duration_seconds                 histogram of the worker's tagging time per batch
///     ner_queue_depth                            requests waiting for the worker
///
/// Label values come from small fixed sets (paths are the routes, or "other"), so the number of
/// series stays bounded whatever clients send. Metric objects are kept for the server's life:
/// dropping one would unregister its series.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory

    let tokensTagged: Metrics.Counter
    let textsTagged: Metrics.Counter
    let batchSentences: Recorder
    let batchTokens: Recorder
    let batchDuration: Metrics.Timer
    let queueDepth: Metrics.Gauge

    private struct Series: Sendable {
        var requests: [String: Metrics.Counter] = [:]
        var durations: [String: Metrics.Timer] = [:]
        var errors: [String: Metrics.Counter] = [:]
    }
    private let series = NIOLockedValueBox(Series())

    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        let latencyBuckets: [Duration] = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        factory.durationHistogramBuckets["ner_http_request_duration_seconds"] = latencyBuckets
        factory.durationHistogramBuckets["ner_batch_duration_seconds"] = latencyBuckets
        factory.valueHistogramBuckets["ner_batch_sentences"] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]
        factory.valueHistogramBuckets["ner_batch_tokens"] = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384]
        self.factory = factory
        tokensTagged = Metrics.Counter(label: "ner_tokens_tagged_total", factory: factory)
        textsTagged = Metrics.Counter(label: "ner_texts_tagged_total", factory: factory)
        batchSentences = Recorder(label: "ner_batch_sentences", aggregate: true, factory: factory)
        batchTokens = Recorder(label: "ner_batch_tokens", aggregate: true, factory: factory)
        batchDuration = Metrics.Timer(label: "ner_batch_duration_seconds", factory: factory)
        queueDepth = Metrics.Gauge(label: "ner_queue_depth", factory: factory)
    }

    /// Counts one answered request and its latency.
    func request(path: String, status: Int, nanoseconds: Int64) {
        let (counter, timer) = series.withLockedValue { s -> (Metrics.Counter, Metrics.Timer) in
            let key = path + " " + String(status)
            let counter = s.requests[key] ?? Metrics.Counter(label: "ner_http_requests_total",
                                                     dimensions: [("path", path), ("status", String(status))], factory: factory)
            s.requests[key] = counter
            let timer = s.durations[path] ?? Metrics.Timer(label: "ner_http_request_duration_seconds",
                                                           dimensions: [("path", path)], factory: factory)
            s.durations[path] = timer
            return (counter, timer)
        }
        counter.increment()
        timer.recordNanoseconds(nanoseconds)
    }

    /// Counts one error response of `kind`.
    func error(kind: String) {
        let counter = series.withLockedValue { s -> Metrics.Counter in
            let counter = s.errors[kind] ?? Metrics.Counter(label: "ner_errors_total", dimensions: [("kind", kind)], factory: factory)
            s.errors[kind] = counter
            return counter
        }
        counter.increment()
    }

    /// The Prometheus text exposition of every metric.
    func render() -> [UInt8] {
        registry.emitToBuffer()
    }
}
