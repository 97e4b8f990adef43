import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Output that must appear whole or not at all on a stream that cannot be taken back, such as
/// standard output: it is held in memory up to `memoryLimit` bytes and beyond that in a
/// temporary file (unlinked as soon as it is made, so nothing is left behind), then copied out
/// by `deliver(to:name:)` once it is complete. Memory stays bounded whatever the output's size;
/// `ner convert IN -` uses it so that a bad record deep in a large input writes nothing.
package final class SpooledOutput {
    private var buffer: [UInt8] = []
    private var fd: Int32 = -1
    private let memoryLimit: Int
    /// Bytes written so far.
    package private(set) var byteCount = 0

    /// `memoryLimit`: how many bytes are held in memory before the temporary file is used.
    package init(memoryLimit: Int = 8 << 20) {
        self.memoryLimit = max(1, memoryLimit)
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// Whether the output went to a temporary file (it outgrew `memoryLimit`).
    package var spilled: Bool { fd >= 0 }

    /// Appends UTF-8 text.
    package func write(_ text: String) throws {
        try write(Array(text.utf8))
    }

    /// Appends bytes.
    package func write(_ bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        byteCount += bytes.count
        if buffer.count >= memoryLimit { try spill() }
    }

    /// Writes everything held to `descriptor` (named `name` in messages), in order.
    package func deliver(to descriptor: Int32, name: String) throws {
        if fd < 0 {
            try Self.writeAll(buffer, to: descriptor, name: name)
            buffer = []
            return
        }
        try spill()
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw NERError("cannot read back the temporary file: \(String(cString: strerror(errno)))") }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw NERError("cannot read back the temporary file: \(String(cString: strerror(errno)))")
            }
            if n == 0 { return }
            try Self.writeAll(chunk[..<n], to: descriptor, name: name)
        }
    }

    /// Moves the buffer to the temporary file, making it (unlinked) the first time.
    private func spill() throws {
        if fd < 0 {
            let directory = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
            var template = Array((directory as NSString).appendingPathComponent("ner-spool-XXXXXX").utf8CString)
            let made = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard made >= 0 else {
                throw NERError(path: directory, "cannot create a temporary file to hold the output: \(String(cString: strerror(errno)))")
            }
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
            fd = made
        }
        try Self.writeAll(buffer[...], to: fd, name: "the temporary file holding the output")
        buffer.removeAll(keepingCapacity: true)
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, name: String) throws {
        try writeAll(bytes[...], to: descriptor, name: name)
    }

    private static func writeAll(_ bytes: ArraySlice<UInt8>, to descriptor: Int32, name: String) throws {
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw NERError(path: name, "cannot write: \(String(cString: strerror(errno)))")
                }
                offset += n
            }
        }
    }
}
