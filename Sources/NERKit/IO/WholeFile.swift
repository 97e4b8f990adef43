import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a whole file into memory (opened as every input is, `InputFile.open`; no gzip) with one `read` per gigabyte (model files are read at once, so
/// loading is a single copy from the page cache rather than many small buffered reads).
enum WholeFile {
    static func read(_ path: String) throws -> [UInt8] {
        let fd = try InputFile.open(path)
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw NERError(path: path, "cannot read: \(errnoText())")
        }
        let size = Int(info.st_size)
        // A file that shrank while being read comes back shorter; callers validate the size.
        return try [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = 0
            count = try readFully(fd, into: UnsafeMutableRawBufferPointer(buffer), path: path)
        }
    }

    /// Reads from `fd` until `buffer` is full or the file ends (one `read` per gigabyte at
    /// most, retried when interrupted) and returns how many bytes were read. Throws `NERError`
    /// naming `path` when a read fails.
    static func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String) throws -> Int {
        var count = 0
        while count < buffer.count {
            let n = systemRead(fd, buffer.baseAddress! + count, min(buffer.count - count, 1 << 30))
            if n < 0 {
                if errno == EINTR { continue }
                throw NERError(path: path, "cannot read: \(errnoText())")
            }
            if n == 0 { break }
            count += n
        }
        return count
    }
}

#if canImport(Glibc)
private let systemRead = Glibc.read
#else
private let systemRead = Darwin.read
#endif
