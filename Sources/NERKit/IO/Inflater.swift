import CZlib

/// zlib inflation of a gzip stream fed from read(2), so that compressed pipes work (gzread
/// would need to reopen the descriptor after the magic-number check). Concatenated gzip members
/// are read one after the other, as `gzip -d` does; anything else after a member is ignored.
final class Inflater {
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
