import Logging
import ServiceLifecycle

/// The first service told of a graceful shutdown (it is last in the service group, which stops
/// services in reverse order): it logs "shutting down" and makes `/ready` answer 503 before the
/// HTTP server stops accepting connections and waits for the requests in flight.
struct ShutdownNotice: Service {
    let batcher: TagBatcher
    let logger: Logger

    func run() async throws {
        // Returns when graceful shutdown begins; throws when the group is cancelled instead.
        try await gracefulShutdown()
        batcher.beginDraining()
        logger.info("shutting down: no new connections; finishing the requests in flight")
    }
}
