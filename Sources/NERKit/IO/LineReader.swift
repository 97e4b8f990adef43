import Foundation

/// Reads an input (`InputFile`: a file or standard input, plain or gzip) line by line with
/// bounded memory. A line is returned as raw bytes without its terminator (`\n` or `\r\n`),
/// so callers decide how to validate the encoding: as an array (`next()`, or `next(into:)` reusing one), or in place in the
/// reader's buffer (`nextInPlace()`) for readers that take what they need from a line without
/// keeping it. Each line is returned as soon as it arrives from a pipe or terminal rather than
/// when a block of input has filled up.
package final class LineReader {
    /// The input's name in messages (its path).
    package let path: String
    /// 1-based number of the line last returned by `next()` or `nextInPlace()`.
    package private(set) var lineNumber = 0

    private let input: InputFile
    /// Decompressed (or plain) bytes; lines are cut from `start..<end`.
    private var buffer: UnsafeMutableBufferPointer<UInt8>
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
        buffer = .allocate(capacity: max(bufferSize, 1024))
    }

    deinit { buffer.deallocate() }

    /// The next line's bytes, or nil at the end of the file.
    package func next() throws -> [UInt8]? {
        guard let line = try nextInPlace() else { return nil }
        return Array(line)
    }

    /// Reads the next line's bytes into `line` (its storage reused, so no array is made per
    /// line); false, and `line` empty, at the end of the file.
    package func next(into line: inout [UInt8]) throws -> Bool {
        line.removeAll(keepingCapacity: true)
        guard let bytes = try nextInPlace() else { return false }
        line.append(contentsOf: bytes)
        return true
    }

    /// The next line's bytes where they lie in the reader's buffer, or nil at the end of the
    /// file. They stay valid only until the next call, which may overwrite or move them.
    package func nextInPlace() throws -> UnsafeBufferPointer<UInt8>? {
        while true {
            let base = buffer.baseAddress!
            if start < end, let found = memchr(base + start, 0x0A, end - start) {
                let nl = found.assumingMemoryBound(to: UInt8.self) - base
                return cut(upTo: nl, next: nl + 1)
            }
            if eof {
                return start < end ? cut(upTo: end, next: end) : nil
            }
            try fill()
        }
    }

    /// The line `start..<lineEnd` without a final `\r`; the next line starts at `next`.
    private func cut(upTo lineEnd: Int, next: Int) -> UnsafeBufferPointer<UInt8> {
        var lineEnd = lineEnd
        if lineEnd > start, buffer[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
        let line = UnsafeBufferPointer(rebasing: buffer[start..<lineEnd])
        start = next
        lineNumber += 1
        return line
    }

    private func fill() throws {
        // Move the partial line to the front, grow the buffer if one line fills it.
        if start > 0 {
            let count = end - start
            if count > 0 { _ = memmove(buffer.baseAddress!, buffer.baseAddress! + start, count) }
            start = 0
            end = count
        }
        if end == buffer.count {
            let grown = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 2 * buffer.count)
            grown.baseAddress!.update(from: buffer.baseAddress!, count: end)
            buffer.deallocate()
            buffer = grown
        }
        let room = buffer.count - end
        let n = try input.read(into: buffer.baseAddress! + end, count: room, line: lineNumber + 1)
        if n == 0 { eof = true }
        end += n
    }
}
