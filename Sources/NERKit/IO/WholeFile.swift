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
        var failure: String?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = 0
            while count < size {
                let n = systemRead(fd, buffer.baseAddress! + count, min(size - count, 1 << 30))
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errnoText()
                    break
                }
                if n == 0 { break }  // The file shrank while being read; callers validate the size.
                count += n
            }
        }
        if let failure { throw NERError(path: path, "cannot read: \(failure)") }
        return bytes
    }
}

#if canImport(Glibc)
private let systemRead = Glibc.read
#else
private let systemRead = Darwin.read
#endif
