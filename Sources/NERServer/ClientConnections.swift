import NIOConcurrencyHelpers
import NIOCore

/// Open connections by client address (the peer's IP address, whatever its port), shared by
/// every event loop: a connection counts from its setup to its close, and one beyond
/// `limit` is refused (answered 429 by its `ConnectionGuard`).
final class ClientConnections: Sendable {
    let limit: Int
    private let counts = NIOLockedValueBox([String: Int]())

    init(limit: Int) {
        self.limit = limit
    }

    /// Counts `channel` under its peer address until it closes; false if that address already
    /// had `limit` connections open (the channel is counted all the same, and uncounted when it
    /// closes).
    func admit(_ channel: any Channel) -> Bool {
        let address = channel.remoteAddress?.ipAddress ?? "unknown"
        let count = counts.withLockedValue { counts in
            let count = counts[address, default: 0] + 1
            counts[address] = count
            return count
        }
        channel.closeFuture.whenComplete { [counts] _ in
            counts.withLockedValue { counts in
                let left = counts[address, default: 1] - 1
                counts[address] = left > 0 ? left : nil
            }
        }
        return count <= limit
    }
}
