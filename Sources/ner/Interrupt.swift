import Foundation

/// Ctrl-C during training: the first one asks the loop to stop at the next batch (it then saves a
/// checkpoint); a second one exits at once.
enum Interrupt {
    // Unchecked: written by the signal handler, read between batches; sig_atomic_t is the C type for that.
    nonisolated(unsafe) static var requested: sig_atomic_t = 0

    static func install() {
        signal(SIGINT) { _ in
            if Interrupt.requested != 0 { _exit(130) }
            Interrupt.requested = 1
        }
        signal(SIGTERM) { _ in
            if Interrupt.requested != 0 { _exit(143) }
            Interrupt.requested = 1
        }
    }
}
