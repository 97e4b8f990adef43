import CZlib
import Foundation

/// Reads a file line by line with bounded memory, whether it is plain text or gzip-compressed
/// (zlib's `gzread` passes plain files through unchanged). A line is returned as raw bytes
/// without its terminator (`\n` or `\r\n`), so callers decide how to validate the encoding.
public final class LineReader {
    public let path: String
    /// 1-based number of the line last returned by `next()`.
    public private(set) var lineNumber = 0

    private var file: gzFile?
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var eof = false

    public init(path: String, bufferSize: Int = 1 << 16) throws {
        self.path = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw NERError(path: path, "no such file")
        }
        guard !isDirectory.boolValue else { throw NERError(path: path, "is a directory, not a file") }
        guard let f = gzopen(path, "rb") else {
            throw NERError(path: path, "cannot open for reading")
        }
        gzbuffer(f, 1 << 17)
        file = f
        buffer = [UInt8](repeating: 0, count: max(bufferSize, 1024))
    }

    deinit {
        if let f = file { gzclose(f) }
    }

    /// The next line's bytes, or nil at the end of the file.
    public func next() throws -> [UInt8]? {
        while true {
            if let nl = buffer[start..<end].firstIndex(of: UInt8(ascii: "\n")) {
                var lineEnd = nl
                if lineEnd > start, buffer[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                let line = Array(buffer[start..<lineEnd])
                start = nl + 1
                lineNumber += 1
                return line
            }
            if eof {
                if start < end {
                    var lineEnd = end
                    if buffer[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                    let line = Array(buffer[start..<lineEnd])
                    start = end
                    lineNumber += 1
                    return line
                }
                return nil
            }
            try fill()
        }
    }

    private func fill() throws {
        // Move the partial line to the front, grow the buffer if one line fills it.
        if start > 0 {
            let count = end - start
            if count > 0 {
                buffer.withUnsafeMutableBufferPointer { p in
                    _ = memmove(p.baseAddress!, p.baseAddress! + start, count)
                }
            }
            start = 0
            end = count
        }
        if end == buffer.count {
            buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count))
        }
        let room = buffer.count - end
        let n = buffer.withUnsafeMutableBufferPointer { p in
            gzread(file, p.baseAddress! + end, UInt32(room))
        }
        if n < 0 {
            throw NERError(path: path, line: lineNumber + 1, "read error (corrupted gzip data?)")
        }
        if n == 0 { eof = true }
        end += Int(n)
    }
}
