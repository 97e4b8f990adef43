import NIOConcurrencyHelpers
import NIOCore

/// The access log lines of one event loop's fast-path answers, written together: a line is
/// appended as its answer is written, and the lines are written to standard error (one `write`)
/// by a task queued on the loop behind the answers the worker has handed back meanwhile. A batch
/// of tags comes back as many answers at once, so under load one `write` carries many lines
/// instead of one each; when idle, a line is written a few microseconds after its answer.
final class AccessLogBatch: @unchecked Sendable {
    // Unchecked: used only on `loop`.
    private let loop: any EventLoop
    private var lines: [UInt8] = []
    private var flushQueued = false

    init(loop: any EventLoop) {
        self.loop = loop
    }

    /// Call on the batch's event loop.
    func append(_ line: consuming JSONLogLine) {
        loop.assertInEventLoop()
        line.finish(into: &lines)
        guard !flushQueued else { return }
        flushQueued = true
        loop.execute { self.flush() }
    }

    private func flush() {
        flushQueued = false
        JSONLogLine.writeToStandardError(lines)
        lines.removeAll(keepingCapacity: true)
    }

    /// One batch per event loop, made when the loop's first connection comes.
    final class PerEventLoop: Sendable {
        private let batches = NIOLockedValueBox([ObjectIdentifier: AccessLogBatch]())

        func batch(for loop: any EventLoop) -> AccessLogBatch {
            batches.withLockedValue { batches in
                if let batch = batches[ObjectIdentifier(loop)] { return batch }
                let batch = AccessLogBatch(loop: loop)
                batches[ObjectIdentifier(loop)] = batch
                return batch
            }
        }
    }
}
