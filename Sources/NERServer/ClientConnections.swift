import NIOConcurrencyHelpers
import NIOCore

/// Open connections by client address (the peer's IP address, whatever its port), shared by
/// every event loop: a connection admitted counts from its setup to its close. One beyond
/// `limit` is refused (answered 429 by its `ConnectionGuard`) and not counted at all, so that
/// refused connections, however many and however long their clients keep them open, never stand
/// in the way of the address's next connection once one of its admitted ones has closed.
final class ClientConnections: Sendable {
    let limit: Int
    private let counts = NIOLockedValueBox([String: Int]())

    init(limit: Int) {
        self.limit = limit
    }

    /// Counts `channel` under its peer address until it closes, unless that address already has
    /// `limit` connections open: then false, and nothing is counted.
    func admit(_ channel: any Channel) -> Bool {
        let address = channel.remoteAddress?.ipAddress ?? "unknown"
        guard admit(address: address) else { return false }
        channel.closeFuture.whenComplete { [self] _ in release(address: address) }
        return true
    }

    /// Counts one more connection from `address` if it has fewer than `limit`; false otherwise
    /// (and nothing counted). Every true is matched by one `release(address:)`.
    func admit(address: String) -> Bool {
        counts.withLockedValue { counts in
            let count = counts[address, default: 0]
            guard count < limit else { return false }
            counts[address] = count + 1
            return true
        }
    }

    /// An admitted connection from `address` has closed.
    func release(address: String) {
        counts.withLockedValue { counts in
            let left = counts[address, default: 1] - 1
            counts[address] = left > 0 ? left : nil
        }
    }

    /// Connections from `address` counted now.
    func count(address: String) -> Int {
        counts.withLockedValue { $0[address, default: 0] }
    }
}
