import Foundation

/// Ctrl-C or SIGTERM during training. Once the training loop runs, the first one asks it to stop
/// at the next batch (it then saves a checkpoint) and a second one exits at once. Before the loop
/// polls for the first time (reading the corpus and the embeddings, which can block on a slow or
/// never-ending file), there is nothing to save and the first one exits at once.
enum Interrupt {
    // Unchecked: written by the signal handler, read between batches; sig_atomic_t is the C type for that.
    nonisolated(unsafe) static var requested: sig_atomic_t = 0
    /// Set by the first poll of the training loop (`shouldStop`).
    nonisolated(unsafe) static var polled: sig_atomic_t = 0

    static func install() {
        signal(SIGINT) { _ in
            if Interrupt.requested != 0 || Interrupt.polled == 0 { _exit(130) }
            Interrupt.requested = 1
        }
        signal(SIGTERM) { _ in
            if Interrupt.requested != 0 || Interrupt.polled == 0 { _exit(143) }
            Interrupt.requested = 1
        }
    }

    /// The training loop's poll between batches: whether to stop.
    static func shouldStop() -> Bool {
        polled = 1
        return requested != 0
    }
}
