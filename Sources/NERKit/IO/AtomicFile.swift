import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces a file all at once: the bytes go to a temporary file in the same directory, which is
/// flushed to disk and then renamed over the target (and the directory entry is flushed too).
/// A crash or `kill -9` at any moment therefore leaves either the old file or the complete new
/// one under the target name, never a partial file. (A crash may leave a stale hidden
/// `.name.tmp-PID-N` file next to the target; it is never read.)
package enum AtomicFile {
    /// Writes `bytes` to `path` atomically.
    package static func write(_ bytes: [UInt8], to path: String) throws {
        try write(to: path) { try $0.write(bytes) }
    }

    /// Writes `text` as UTF-8 to `path` atomically.
    package static func write(_ text: String, to path: String) throws {
        try write(Array(text.utf8), to: path)
    }

    /// Streams the new contents of `path` through `body`. If `body` throws, the temporary file is
    /// removed, the target is left untouched and the error is rethrown.
    package static func write(to path: String, _ body: (AtomicFileWriter) throws -> Void) throws {
        let writer = try AtomicFileWriter(target: path)
        do {
            try body(writer)
            try writer.commit()
        } catch {
            writer.abandon()
            throw error
        }
    }
}

/// The temporary file behind an atomic write; obtained from `AtomicFile.write(to:_:)`.
package final class AtomicFileWriter {
    /// The file that will be replaced on commit.
    let target: String
    /// The hidden temporary file the bytes go to until commit.
    let temporaryPath: String
    private var fd: Int32
    /// Number of bytes written so far.
    package private(set) var bytesWritten = 0

    private static let counter = Counter()

    init(target: String) throws {
        self.target = target
        let url = URL(fileURLWithPath: target)
        let directory = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        temporaryPath = (directory as NSString).appendingPathComponent(
            ".\(name).tmp-\(getpid())-\(AtomicFileWriter.counter.next())")
        fd = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd < 0 {
            throw NERError(path: target, "cannot create a temporary file in \(directory): \(errnoText())")
        }
    }

    deinit {
        // Only reached without commit/abandon if the writer escaped `AtomicFile.write`'s body.
        if fd >= 0 { abandon() }
    }

    /// Appends raw bytes.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard fd >= 0 else { throw NERError(path: target, "write after the file was closed") }
        guard var p = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = systemWrite(fd, p, min(left, 1 << 30))
            if n < 0 {
                if errno == EINTR { continue }
                throw NERError(path: target, "cannot write: \(errnoText())")
            }
            p += n
            left -= n
            bytesWritten += n
        }
    }

    /// Appends bytes.
    package func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Appends UTF-8 text.
    package func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    /// Flushes the temporary file, renames it over the target and flushes the directory.
    func commit() throws {
        if fsync(fd) != 0 {
            throw NERError(path: target, "cannot flush to disk: \(errnoText())")
        }
        let closed = close(fd)
        fd = -1
        if closed != 0 {
            throw NERError(path: target, "cannot close: \(errnoText())")
        }
        if rename(temporaryPath, target) != 0 {
            throw NERError(path: target, "cannot replace the file: \(errnoText())")
        }
        // The rename is durable only once the directory itself is flushed. Failure here cannot
        // undo the rename and some file systems refuse fsync on directories, so it is best effort.
        let directory = (target as NSString).deletingLastPathComponent
        let dfd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }

    /// Closes and deletes the temporary file; the target is not touched.
    func abandon() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
        unlink(temporaryPath)
    }
}

/// A process-wide counter so that concurrent writers of the same target use different temporary files.
/// Unchecked: `value` is only touched under `lock`.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
#else
private let systemWrite = Darwin.write
#endif

/// The text of the current `errno`, for error messages.
func errnoText() -> String {
    String(cString: strerror(errno))
}
