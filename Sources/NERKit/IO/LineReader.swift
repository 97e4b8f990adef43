import Foundation

/// Reads an input (`InputFile`: a file or standard input, plain or gzip) line by line with
/// bounded memory. A line is returned as raw bytes without its terminator (`\n` or `\r\n`),
/// so callers decide how to validate the encoding. Each line is returned as soon as it arrives
/// from a pipe or terminal rather than when a block of input has filled up.
package final class LineReader {
    /// The input's name in messages (its path).
    package let path: String
    /// 1-based number of the line last returned by `next()`.
    package private(set) var lineNumber = 0

    private let input: InputFile
    /// Decompressed (or plain) bytes; lines are cut from `start..<end`.
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var eof = false

    /// Opens `path` (see `InputFile`).
    package convenience init(path: String, bufferSize: Int = 1 << 16) throws {
        self.init(input: try InputFile(path: path), bufferSize: bufferSize)
    }

    /// Reads `input`.
    package init(input: InputFile, bufferSize: Int = 1 << 16) {
        self.input = input
        path = input.name
        buffer = [UInt8](repeating: 0, count: max(bufferSize, 1024))
    }

    /// The next line's bytes, or nil at the end of the file.
    package func next() throws -> [UInt8]? {
        var line: [UInt8] = []
        return try next(into: &line) ? line : nil
    }

    /// Reads the next line's bytes into `line` (its storage reused, so no array is made per
    /// line); false, and `line` empty, at the end of the file.
    package func next(into line: inout [UInt8]) throws -> Bool {
        line.removeAll(keepingCapacity: true)
        while true {
            let found: Int? = buffer.withUnsafeBufferPointer { p in
                guard end > start, let hit = memchr(p.baseAddress! + start, 0x0A, end - start) else { return nil }
                return p.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            }
            if found != nil || (eof && start < end) {
                let stop = found ?? end
                var lineEnd = stop
                if lineEnd > start, buffer[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
                line.append(contentsOf: buffer[start..<lineEnd])
                start = found.map { $0 + 1 } ?? end
                lineNumber += 1
                return true
            }
            if eof { return false }
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
        let n = try buffer.withUnsafeMutableBufferPointer { p in
            try input.read(into: p.baseAddress! + end, count: room, line: lineNumber + 1)
        }
        if n == 0 { eof = true }
        end += n
    }
}
