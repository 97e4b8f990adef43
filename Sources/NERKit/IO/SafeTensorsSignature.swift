#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The first bytes of a safetensors file (a model file): an 8-byte little-endian header length,
/// then the header's "{". It lives below Corpus and Persistence so that readers of text corpora
/// can tell a user who gave a model where a corpus goes, without depending on the model file
/// code (``SafeTensorsFile`` reads and writes the whole format).
enum SafeTensorsSignature {
    /// Headers longer than this are rejected as corrupt (the format's reference reader uses the same limit).
    static let maxHeaderLength = 100_000_000

    /// Whether `path` is a regular file that starts like a model file: an 8-byte little-endian
    /// header length from 2 to `maxHeaderLength`, then "{". Reads 9 bytes of a regular file,
    /// and does not open anything else.
    static func matches(path: String) -> Bool {
        // stat before open: opening a FIFO would wait for its writer.
        var status = stat()
        guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return false }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var prefix = [UInt8](repeating: 0, count: 9)
        guard prefix.withUnsafeMutableBytes({ pread(fd, $0.baseAddress, 9, 0) }) == 9, prefix[8] == UInt8(ascii: "{") else { return false }
        let length = prefix[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return length >= 2 && length <= UInt64(maxHeaderLength)
    }
}
