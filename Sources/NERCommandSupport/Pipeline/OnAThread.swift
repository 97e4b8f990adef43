import Foundation

/// A value computed on a thread of its own (with an 8 MB stack: reading a large patterns file
/// or a model recurses and allocates), so that two slow loads overlap; `wait()` gives it, or
/// rethrows what computing it threw.
package final class OnAThread<Value>: @unchecked Sendable {
    // `compute` runs on the thread alone; `result` is written there before `done` is signalled
    // and read only after `wait` has waited for it.
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<Value, Error>?

    package init(_ compute: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            result = Result { try compute() }
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    package func wait() throws -> Value {
        done.wait()
        return try result!.get()
    }
}
