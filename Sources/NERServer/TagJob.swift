import NERKit
import NIOCore

/// One request's sentences on their way through the batching worker. Its continuation is resumed
/// exactly once — with the tags, or with why not (timeout, client gone) — always under the
/// batcher's lock, whichever of the worker and the timer comes first.
final class TagJob: @unchecked Sendable {
    /// The model's spellings of every sentence of the request, in order.
    let sentences: [[String]]
    let tokens: Int
    /// Guarded by the batcher's lock.
    var continuation: CheckedContinuation<[TaggedSentence], Error>?
    var timer: Scheduled<Void>?

    init(sentences: [[String]]) {
        self.sentences = sentences
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
