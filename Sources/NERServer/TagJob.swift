import NERKit

/// One request's sentences on their way through the batching worker. Its completion is called
/// exactly once — with the tags, or with why not (deadline passed, client gone) — always taken
/// under the batcher's lock, by whichever of the worker and the deadline sweep comes first.
final class TagJob: @unchecked Sendable {
    typealias Completion = @Sendable (Result<[TaggedSentence], TagJobFailure>) -> Void

    /// The model's spellings of every sentence of the request, in order.
    let sentences: [[String]]
    let tokens: Int
    /// When the request must be answered, in `DispatchTime` uptime nanoseconds.
    let deadline: UInt64
    /// Guarded by the batcher's lock; nil once taken.
    var completion: Completion?

    init(sentences: [[String]], deadline: UInt64) {
        self.sentences = sentences
        self.deadline = deadline
        tokens = sentences.reduce(0) { $0 + max(1, $1.count) }
    }
}

/// Why the batching worker did not tag a request.
enum TagJobFailure: Error {
    /// The model is still being loaded.
    case notReady
    /// The server is shutting down and takes no new work.
    case shuttingDown
    /// `maxQueue` requests are already waiting.
    case queueFull
    /// The request's deadline passed before its tags were ready.
    case timedOut
    /// The client went away.
    case cancelled
}
