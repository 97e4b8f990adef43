import Foundation

/// A paragraph of input text and where it starts in the whole input, so tokens found in it can
/// be reported with offsets from the start of the input.
package struct Paragraph: Equatable, Sendable {
    /// The paragraph's lines, line terminators included (valid UTF-8).
    package var text: String
    /// Unicode scalar offset of `text` in the whole (decoded) input.
    package var scalarBase: Int
    /// UTF-8 byte offset of `text` in the whole (decoded) input.
    package var byteBase: Int
    /// 1-based number of the paragraph's first line.
    package var firstLine: Int

    package init(text: String, scalarBase: Int, byteBase: Int, firstLine: Int) {
        self.text = text
        self.scalarBase = scalarBase
        self.byteBase = byteBase
        self.firstLine = firstLine
    }
}

/// Reads text from an input (`InputFile`: a file or standard input, plain or gzip) one paragraph at a time —
/// paragraphs are separated by blank lines — so output can start before the input ends and
/// memory stays bounded. A paragraph longer than `maxParagraphBytes` is cut at a line end, and a
/// single line longer than `maxLineBytes` is read in pieces of at most that size, cut after a
/// space or tab where there is one (else between two UTF-8 sequences), so neither a huge line
/// nor a huge paragraph needs memory in proportion to its size.
///
/// Invalid UTF-8 is replaced with U+FFFD (never a crash); `firstInvalidLine` tells where it was
/// first seen so the caller can warn once. Offsets refer to the input as decoded, which is the
/// input itself when it is valid UTF-8.
package final class ParagraphReader {
    /// Name used in error messages.
    package private(set) var path: String
    /// 1-based line of the first invalid UTF-8 seen so far, if any.
    package private(set) var firstInvalidLine: Int?

    /// nil when the text was given whole (`init(bytes:)`).
    private let input: InputFile?
    private let maxParagraphBytes: Int
    private let maxLineBytes: Int
    private var buffer: [UInt8]
    private var start = 0, end = 0
    private var atEOF = false
    private var lineNumber = 0
    /// The last piece returned was part of a line that goes on.
    private var midLine = false
    private var scalarsRead = 0, bytesRead = 0
    private var paragraph: [UInt8] = []
    private var paragraphScalarBase = 0, paragraphByteBase = 0, paragraphFirstLine = 0

    /// Reads `input`.
    package init(input: InputFile?, maxParagraphBytes: Int = 1 << 20, maxLineBytes: Int = 1 << 20, bufferSize: Int = 1 << 16) {
        self.maxLineBytes = max(16, maxLineBytes)
        self.input = input
        self.path = input?.name ?? "<text>"
        self.maxParagraphBytes = max(1, maxParagraphBytes)
        buffer = [UInt8](repeating: 0, count: max(bufferSize, 16))
    }

    /// Reads an open descriptor (standard input by default), which stays open; gzip is detected.
    package convenience init(fileDescriptor: Int32 = 0, path: String = "<stdin>", maxParagraphBytes: Int = 1 << 20,
                            maxLineBytes: Int = 1 << 20, bufferSize: Int = 1 << 16) {
        self.init(input: InputFile(fileDescriptor: fileDescriptor, name: path), maxParagraphBytes: maxParagraphBytes,
                  maxLineBytes: maxLineBytes, bufferSize: bufferSize)
    }

    /// Reads `bytes` instead of a file: the same paragraphs, offsets and UTF-8 repair as for a
    /// file holding them, so text that arrives whole (an HTTP request body) is split exactly as
    /// `ner tag` splits it.
    package convenience init(bytes: [UInt8], path: String = "<text>", maxParagraphBytes: Int = 1 << 20) {
        self.init(input: nil, maxParagraphBytes: maxParagraphBytes, bufferSize: 0)
        self.path = path
        buffer = bytes
        end = bytes.count
        atEOF = true
    }

    /// The next paragraph, or nil at the end of the input.
    package func next() throws -> Paragraph? {
        while let (raw, isWholeLine) = try nextLine() {
            if !midLine { lineNumber += 1 }
            midLine = !isWholeLine && !(raw.last == 0x0A)
            let line = decoded(raw)
            let scalars = line.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
            if isWholeLine && line.allSatisfy({ $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }) {
                scalarsRead += scalars
                bytesRead += line.count
                if !paragraph.isEmpty { return flush() }
                continue
            }
            if paragraph.isEmpty {
                paragraphScalarBase = scalarsRead
                paragraphByteBase = bytesRead
                paragraphFirstLine = lineNumber
            }
            paragraph.append(contentsOf: line)
            scalarsRead += scalars
            bytesRead += line.count
            if paragraph.count >= maxParagraphBytes { return flush() }
        }
        return paragraph.isEmpty ? nil : flush()
    }

    private func flush() -> Paragraph {
        let p = Paragraph(text: String(decoding: paragraph, as: UTF8.self), scalarBase: paragraphScalarBase,
                          byteBase: paragraphByteBase, firstLine: paragraphFirstLine)
        paragraph.removeAll(keepingCapacity: paragraph.capacity <= maxParagraphBytes * 2)
        return p
    }

    /// The line's bytes if they are valid UTF-8, otherwise with invalid sequences replaced.
    private func decoded(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        if line.allSatisfy({ $0 < 0x80 }) || String(validating: line, as: UTF8.self) != nil { return line }
        if firstInvalidLine == nil { firstInvalidLine = lineNumber }
        return ArraySlice(String(decoding: line, as: UTF8.self).utf8)
    }

    /// The next line including its "\n", or the unterminated last line, or nil at the end; or,
    /// for a line longer than `maxLineBytes`, its next piece. `isWholeLine` is false for
    /// the pieces of such a line.
    private func nextLine() throws -> (ArraySlice<UInt8>, isWholeLine: Bool)? {
        var searchFrom = start
        while true {
            if let nl = buffer[searchFrom..<end].firstIndex(of: 0x0A) {
                let line = buffer[start...nl]
                start = nl + 1
                let whole = !midLine
                return (line, whole)
            }
            if atEOF {
                guard start < end else { return nil }
                let line = buffer[start..<end]
                start = end
                return (line, !midLine)
            }
            if end - start >= maxLineBytes {
                let piece = buffer[start..<pieceEnd()]
                start = piece.endIndex
                return (piece, false)
            }
            searchFrom = end - start  // after fill() moves the partial line to the front
            try fill()
        }
    }

    /// Where to cut a piece of `maxLineBytes` off an over-long line: after the last space or tab
    /// in its second half, else before the last UTF-8 lead byte (never inside a sequence).
    private func pieceEnd() -> Int {
        let limit = start + maxLineBytes
        var i = limit
        while i > start + maxLineBytes / 2 {
            if buffer[i - 1] == 0x20 || buffer[i - 1] == 0x09 { return i }
            i -= 1
        }
        i = limit
        while i > start + 1 && i < end && buffer[i] & 0xC0 == 0x80 { i -= 1 }
        return i
    }

    private func fill() throws {
        if start > 0 {
            let count = end - start
            buffer.withUnsafeMutableBufferPointer { p in
                if count > 0, let base = p.baseAddress { _ = memmove(base, base + start, count) }
            }
            start = 0
            end = count
        }
        if end == buffer.count {
            buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count))
        }
        let room = buffer.count - end
        let n = try buffer.withUnsafeMutableBufferPointer { p -> Int in
            guard let base = p.baseAddress, let input else { return 0 }
            return try input.read(into: base + end, count: room, line: lineNumber + 1)
        }
        if n == 0 { atEOF = true }
        end += n
    }
}
