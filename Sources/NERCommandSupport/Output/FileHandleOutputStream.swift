import Foundation
import NERKit
#if canImport(Glibc)
import Glibc
#endif

/// A `TextOutputStream` writing UTF-8 to a file descriptor (standard output, a file) through a
/// buffer, so writing a corpus line by line does not cost a system call per line.
///
/// `TextOutputStream.write` cannot throw, so a failed write (disk full, an I/O error) is kept in
/// `failure` and later writes are dropped; `check(name:)` turns it into an error naming the
/// output, so no command exits 0 after losing output. Foundation's `FileHandle.write(_:)`
/// would trap on such an error instead.
package final class FileHandleOutputStream: TextOutputStream {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private let capacity: Int
    /// The `strerror` text of the first failed write, if any.
    package private(set) var failure: String?

    package init(_ handle: FileHandle, bufferSize: Int = 1 << 16) {
        self.descriptor = handle.fileDescriptor
        self.capacity = bufferSize
        buffer.reserveCapacity(bufferSize)
    }

    deinit { flush() }

    package func write(_ string: String) {
        buffer.append(contentsOf: string.utf8)
        if buffer.count >= capacity { flush() }
    }

    /// Writes out the buffer. A closed pipe (`ner tag | head`) ends the process by SIGPIPE as
    /// for any Unix filter; other errors are recorded in `failure`.
    package func flush() {
        defer { buffer.removeAll(keepingCapacity: true) }
        guard !buffer.isEmpty, failure == nil else { return }
        buffer.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += n
            }
        }
    }

    /// Flushes, then throws if any write failed: "`name`: cannot write: No space left on device".
    package func check(name: String) throws {
        flush()
        if let failure { throw NERError(path: name, "cannot write: \(failure)") }
    }
}
