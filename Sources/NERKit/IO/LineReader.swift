import CZlib
import Foundation

/// Reads a file line by line with bounded memory, whether it is plain text or gzip-compressed
/// (recognised by its first two bytes, 1F 8B, so pipes work too). A line is returned as raw
/// bytes without its terminator (`\n` or `\r\n`), so callers decide how to validate the
/// encoding. Plain input is read with read(2), so from a pipe or terminal each line is returned
/// as soon as it arrives rather than when a block of input has filled up.
package final class LineReader {
    package let path: String
    /// 1-based number of the line last returned by `next()`.
    package private(set) var lineNumber = 0

    private let fd: Int32
    /// Decompressed (or plain) bytes; lines are cut from `start..<end`.
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var eof = false
    /// Bytes read before the format was known (the magic number check).
    private var pending: [UInt8] = []
    private var format: Format = .unknown
    private var inflater: Inflater?

    private enum Format { case unknown, plain, gzip }

    package init(path: String, bufferSize: Int = 1 << 16) throws {
        self.path = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw NERError(path: path, "no such file")
        }
        guard !isDirectory.boolValue else { throw NERError(path: path, "is a directory, not a file") }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw NERError(path: path, "cannot open for reading: \(String(cString: strerror(errno)))")
        }
        fd = descriptor
        buffer = [UInt8](repeating: 0, count: max(bufferSize, 1024))
    }

    deinit {
        close(fd)
    }

    /// The next line's bytes, or nil at the end of the file.
    package func next() throws -> [UInt8]? {
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
        switch format {
        case .unknown:
            try detectFormat()
        case .plain:
            let n = try readSome(into: &buffer, at: end, count: buffer.count - end)
            if n == 0 { eof = true }
            end += n
        case .gzip:
            let room = buffer.count - end
            let produced = try buffer.withUnsafeMutableBufferPointer { p in
                try inflater!.inflate(into: p.baseAddress! + end, count: room) { [self] chunk in
                    try readSome(into: &chunk, at: 0, count: chunk.count)
                }
            }
            if produced == 0 { eof = true }
            end += produced
        }
    }

    /// Reads until the first two bytes are known (or the input ends) and picks the format.
    private func detectFormat() throws {
        var head = [UInt8](repeating: 0, count: buffer.count - end - pending.count)
        let n = try readSome(into: &head, at: 0, count: head.count)
        pending += head[..<n]
        if n > 0 && pending.count < 2 && pending[0] == 0x1F { return }  // could be gzip: need byte 2
        if pending.count >= 2 && pending[0] == 0x1F && pending[1] == 0x8B {
            format = .gzip
            inflater = try Inflater(path: path, initialInput: pending)
        } else {
            format = .plain
            buffer.replaceSubrange(end..<(end + pending.count), with: pending)
            end += pending.count
            if n == 0 { eof = true }
        }
        pending = []
    }

    /// One read(2) of at most `count` bytes (retried on EINTR); 0 at the end of the input.
    private func readSome(into bytes: inout [UInt8], at offset: Int, count: Int) throws -> Int {
        while true {
            let n = bytes.withUnsafeMutableBufferPointer { read(fd, $0.baseAddress! + offset, count) }
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw NERError(path: path, line: lineNumber + 1, "read error: \(String(cString: strerror(errno)))")
        }
    }
}

/// zlib inflation of a gzip stream fed from read(2), so that compressed pipes work (gzread
/// would need to reopen the descriptor after the magic-number check). Concatenated gzip members
/// are read one after the other, as `gzip -d` does; anything else after a member is ignored.
private final class Inflater {
    private let path: String
    private let stream: UnsafeMutablePointer<z_stream>
    private var input: [UInt8]
    private var inputStart = 0
    private var inputEnd = 0
    private var memberEnded = false
    private var finished = false

    init(path: String, initialInput: [UInt8]) throws {
        self.path = path
        input = [UInt8](repeating: 0, count: max(1 << 16, initialInput.count))
        input.replaceSubrange(0..<initialInput.count, with: initialInput)
        inputEnd = initialInput.count
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // 15 window bits + 16: gzip wrapper only.
        guard inflateInit2_(stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            stream.deallocate()
            throw NERError(path: path, "cannot start gzip decompression")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Decompresses into `out` (up to `count` bytes); returns how many were written, 0 only at
    /// the end of the data. `read` refills the compressed input (0 at its end).
    func inflate(into out: UnsafeMutablePointer<UInt8>, count: Int, read: (inout [UInt8]) throws -> Int) throws -> Int {
        while !finished {
            if inputStart == inputEnd {
                let n = try read(&input)
                inputStart = 0
                inputEnd = n
                if n == 0 {
                    if memberEnded { finished = true; return 0 }
                    throw NERError(path: path, "truncated gzip data (the file ends inside the compressed stream)")
                }
            }
            if memberEnded {
                // Another member must start with the gzip magic number; otherwise stop here.
                if inputEnd - inputStart < 2 && input[inputStart] == 0x1F {
                    let more = try readMore(read)
                    if !more { finished = true; return 0 }
                    continue
                }
                guard inputEnd - inputStart >= 2, input[inputStart] == 0x1F, input[inputStart + 1] == 0x8B else {
                    finished = true
                    return 0
                }
                inflateReset(stream)
                memberEnded = false
            }
            let available = inputEnd - inputStart
            let (status, produced, consumed) = input.withUnsafeMutableBufferPointer { inp -> (Int32, Int, Int) in
                stream.pointee.next_in = inp.baseAddress! + inputStart
                stream.pointee.avail_in = UInt32(available)
                stream.pointee.next_out = out
                stream.pointee.avail_out = UInt32(count)
                let status = CZlib.inflate(stream, Z_NO_FLUSH)
                return (status, count - Int(stream.pointee.avail_out), available - Int(stream.pointee.avail_in))
            }
            inputStart += consumed
            switch status {
            case Z_STREAM_END:
                memberEnded = true
            case Z_OK, Z_BUF_ERROR:
                if produced == 0 && consumed == 0 && inputStart < inputEnd {
                    throw NERError(path: path, "read error (corrupted gzip data?)")
                }
            default:
                throw NERError(path: path, "read error (corrupted gzip data?)")
            }
            if produced > 0 { return produced }
        }
        return 0
    }

    /// Appends more compressed input after what is left; false at the end of the input.
    private func readMore(_ read: (inout [UInt8]) throws -> Int) throws -> Bool {
        let left = Array(input[inputStart..<inputEnd])
        var chunk = [UInt8](repeating: 0, count: input.count - left.count)
        let n = try read(&chunk)
        input.replaceSubrange(0..<left.count, with: left)
        input.replaceSubrange(left.count..<(left.count + n), with: chunk[..<n])
        inputStart = 0
        inputEnd = left.count + n
        return n > 0
    }
}
