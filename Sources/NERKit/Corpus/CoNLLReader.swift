/// Streams sentences out of a CoNLL-style column file (CoNLL-2003, GermEval, WNUT, ...), one
/// sentence in memory at a time, so a corpus of any size can be read.
///
/// Format: one token per line, columns separated by runs of spaces or tabs; a blank (or
/// whitespace-only) line ends a sentence; `-DOCSTART-` lines mark document boundaries; lines made
/// of `#`, whitespace and text are comments — unless the tag column holds a valid tag and the line
/// has as many columns as the sentence's other lines, in which case `#` is a token (hashtags in
/// social-media corpora). CRLF line ends, a UTF-8 byte order mark and gzip compression are accepted.
///
/// Every problem is a `NERError` naming the file and line. After such an error `next()` resumes
/// with the following sentence, so a caller can report all the problems of a file (after an error
/// reading the file itself, such as corrupt gzip data, `next()` returns nil).
package final class CoNLLReader {
    package let path: String
    package let columns: CoNLLColumns
    package let requireTags: Bool
    /// Whether each sentence keeps its tokens' lines as read (`CoNLLSentence.lines`, for writing
    /// them back with predictions); without, `lines` holds the tokens and no string is made of
    /// a whole line.
    package let keepsLines: Bool
    /// How many `-DOCSTART-` lines have been read so far.
    package private(set) var documentCount = 0

    private let reader: LineReader
    private var atFileStart = true
    /// Set when the file itself could not be read (corrupt gzip data): there is nothing to resume.
    private var readFailed = false
    private var pendingDocumentLine: String?

    /// The lines of the sentence being read, kept from one sentence to the next so that reading
    /// allocates nothing per line.
    private var block = LineBlock()

    /// Opens `path` (plain or gzip). With `requireTags: false` the tag column is not read, for
    /// files of tokens to be tagged; with `keepsLines: false` the lines are not kept.
    package init(path: String, columns: CoNLLColumns = .init(), requireTags: Bool = true, keepsLines: Bool = true) throws {
        self.path = path
        self.columns = columns
        self.requireTags = requireTags
        self.keepsLines = keepsLines
        if SafeTensorsSignature.matches(path: path) {
            throw NERError(path: path, "this is a ner model file, not a CoNLL corpus", remedy: .modelWhereDataGoes)
        }
        self.reader = try LineReader(path: path)
    }

    /// Reads a whole file into memory (for dev/test sets and tests; stream large files with `next()`).
    package static func readAll(path: String, columns: CoNLLColumns = .init(), requireTags: Bool = true) throws -> [CoNLLSentence] {
        let reader = try CoNLLReader(path: path, columns: columns, requireTags: requireTags)
        var sentences: [CoNLLSentence] = []
        while let s = try reader.next() { sentences.append(s) }
        return sentences
    }

    /// The next sentence, or nil at the end of the file.
    package func next() throws -> CoNLLSentence? {
        if readFailed { return nil }
        // Worked on as a local variable, which the compiler checks for exclusive access once
        // instead of at every append.
        var block = LineBlock()
        swap(&block, &self.block)
        defer { swap(&block, &self.block) }
        while true {
            block.removeAll()
            var followingDocumentLine: String?
            while var bytes = try nextLine() {
                if atFileStart {
                    atFileStart = false
                    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = UnsafeBufferPointer(rebasing: bytes[3...]) }
                }
                if Self.isBlank(bytes) {
                    if block.lines.isEmpty { continue } else { break }
                }
                if Self.isDocumentStart(bytes) {
                    documentCount += 1
                    let text = try decode(bytes, line: reader.lineNumber)
                    if block.lines.isEmpty {
                        pendingDocumentLine = text
                        continue
                    }
                    followingDocumentLine = text
                    break
                }
                block.append(bytes, number: reader.lineNumber)
            }
            if block.lines.isEmpty { return nil }

            let documentLine = pendingDocumentLine
            let sentence: CoNLLSentence?
            do {
                sentence = try parse(block, documentLine: documentLine)
            } catch {
                pendingDocumentLine = followingDocumentLine
                throw error
            }
            if let sentence {
                pendingDocumentLine = followingDocumentLine
                return sentence
            }
            // Only comments: the document (if any) starts with the next sentence.
            pendingDocumentLine = followingDocumentLine ?? documentLine
        }
    }

    /// The next line, in the line reader's buffer (valid until the next call).
    private func nextLine() throws -> UnsafeBufferPointer<UInt8>? {
        do {
            return try reader.nextInPlace()
        } catch {
            readFailed = true
            throw error
        }
    }

    // MARK: - One sentence

    /// One line of a sentence: where its bytes (not yet checked to be UTF-8) and its fields (runs
    /// of bytes other than spaces and tabs) are in its `LineBlock`.
    private struct Line {
        var number: Int
        /// The line is `store[start..<end]`.
        var start: Int
        var end: Int
        /// Its fields' bounds are `fieldBounds[firstBound ..< firstBound + 2 * fieldCount]`.
        var firstBound: Int
        var fieldCount: Int
        /// The first field is `#` alone.
        var isCommentCandidate: Bool
    }

    /// The lines of a sentence: their bytes one after another in `store`, where each line and its
    /// fields are in `lines`, and the fields' bounds (start and end offsets into `store`, a pair
    /// per field) in `fieldBounds`, found in one pass over each line as it is added. Only the
    /// token and tag fields become strings, so a line costs the string of its text (kept in
    /// `CoNLLSentence.lines`) and little else.
    private struct LineBlock {
        var store: [UInt8] = []
        var lines: [Line] = []
        var fieldBounds: [Int] = []

        /// Empties the block, keeping its memory for the next sentence.
        mutating func removeAll() {
            store.removeAll(keepingCapacity: true)
            lines.removeAll(keepingCapacity: true)
            fieldBounds.removeAll(keepingCapacity: true)
        }

        /// Adds a line: its bytes to `store`, its fields to `fieldBounds` (found into memory on
        /// the stack, then appended at once: a line has at most `(n + 1) / 2` fields of its `n`
        /// bytes).
        mutating func append(_ bytes: UnsafeBufferPointer<UInt8>, number: Int) {
            let base = store.count
            store.append(contentsOf: bytes)
            let firstBound = fieldBounds.count
            let n = bytes.count
            withUnsafeTemporaryAllocation(of: Int.self, capacity: n + 1) { bounds in
                var i = 0, k = 0
                while i < n {
                    while i < n && (bytes[i] == CoNLLReader.space || bytes[i] == CoNLLReader.tab) { i += 1 }
                    guard i < n else { break }
                    let start = i
                    while i < n && bytes[i] != CoNLLReader.space && bytes[i] != CoNLLReader.tab { i += 1 }
                    bounds[k] = base + start
                    bounds[k + 1] = base + i
                    k += 2
                }
                fieldBounds.append(contentsOf: UnsafeBufferPointer(rebasing: bounds[..<k]))
            }
            let count = (fieldBounds.count - firstBound) / 2
            let isCommentCandidate = count > 0 && fieldBounds[firstBound + 1] - fieldBounds[firstBound] == 1
                && store[fieldBounds[firstBound]] == UInt8(ascii: "#")
            lines.append(Line(number: number, start: base, end: store.count, firstBound: firstBound,
                              fieldCount: count, isCommentCandidate: isCommentCandidate))
        }

        /// Calls `body` with the bytes `store[start..<end]`.
        func withBytes<R>(_ start: Int, _ end: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
            try store.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
        }

        /// The bytes `store[start..<end]` as a string (they are valid UTF-8 when this is called).
        func string(_ start: Int, _ end: Int) -> String {
            withBytes(start, end) { String(decoding: $0, as: UTF8.self) }
        }

        /// The text of `line`.
        func text(_ line: Line) -> String { string(line.start, line.end) }

        /// Field `k` (0-based, `k < fieldCount`) of `line` as a string.
        func field(_ line: Line, _ k: Int) -> String {
            string(fieldBounds[line.firstBound + 2 * k], fieldBounds[line.firstBound + 2 * k + 1])
        }
    }

    private func parse(_ block: LineBlock, documentLine: String?) throws -> CoNLLSentence? {
        let lines = block.lines
        for line in lines {
            try block.withBytes(line.start, line.end) { bytes in
                if UTF8Validation.firstInvalidIndex(bytes) != nil { _ = try decode(bytes, line: line.number) }
            }
        }

        // The sentence's column count comes from its first line that cannot be a comment.
        let columnCount: Int
        if let first = lines.first(where: { !$0.isCommentCandidate }) {
            columnCount = first.fieldCount
        } else if requireTags, let first = lines.first(where: { hasValidTag($0, in: block, columnCount: $0.fieldCount) }) {
            columnCount = first.fieldCount
        } else {
            return nil
        }

        var comments: [String] = []
        var tokenLineCount = 0
        var isComment = [Bool](repeating: false, count: lines.count)
        for (k, line) in lines.enumerated() {
            if line.isCommentCandidate
                && (line.fieldCount != columnCount || (requireTags && !hasValidTag(line, in: block, columnCount: columnCount))) {
                comments.append(block.text(line))
                isComment[k] = true
            } else {
                tokenLineCount += 1
            }
        }
        guard let referenceIndex = isComment.firstIndex(of: false) else { return nil }
        let reference = lines[referenceIndex]

        guard let tokenIndex = CoNLLColumns.resolve(columns.token, count: columnCount) else {
            throw NERError(path: path, line: reference.number, missingColumnMessage("token", columns.token, columnCount))
        }
        var tagIndex: Int?
        if requireTags {
            guard let t = CoNLLColumns.resolve(columns.tag, count: columnCount) else {
                throw NERError(path: path, line: reference.number, missingColumnMessage("tag", columns.tag, columnCount))
            }
            guard t != tokenIndex else {
                let why = columnCount == 1
                    ? "the line has only 1 column, so there is no tag column (is the file untagged?)"
                    : "the token column and the tag column are the same column (\(t))"
                throw NERError(path: path, line: reference.number, why)
            }
            tagIndex = t
        }

        var sentence = CoNLLSentence(tokens: [], startsDocument: documentLine != nil,
                                     documentLine: documentLine, comments: comments)
        sentence.tokens.reserveCapacity(tokenLineCount)
        if keepsLines { sentence.lines.reserveCapacity(tokenLineCount) }
        sentence.lineNumbers.reserveCapacity(tokenLineCount)
        if tagIndex != nil { sentence.tags.reserveCapacity(tokenLineCount) }
        for (k, line) in lines.enumerated() where !isComment[k] {
            guard line.fieldCount == columnCount else {
                throw NERError(path: path, line: line.number,
                               "found \(line.fieldCount) column\(line.fieldCount == 1 ? "" : "s") but line \(reference.number), "
                                   + "the sentence's first, has \(columnCount): \"\(block.text(line))\"")
            }
            if let tagIndex {
                let tag = block.field(line, tagIndex)
                guard ParsedTag(tag) != nil else {
                    throw NERError(path: path, line: line.number, ParsedTag.invalidMessage(for: tag))
                }
                sentence.tags.append(tag)
            }
            sentence.tokens.append(block.field(line, tokenIndex))
            if keepsLines { sentence.lines.append(block.text(line)) }
            sentence.lineNumbers.append(line.number)
        }
        if !keepsLines { sentence.lines = sentence.tokens }
        return sentence
    }

    private func hasValidTag(_ line: Line, in block: LineBlock, columnCount: Int) -> Bool {
        guard let t = CoNLLColumns.resolve(columns.tag, count: columnCount), t < line.fieldCount,
              t != CoNLLColumns.resolve(columns.token, count: columnCount) else { return false }
        return ParsedTag(block.field(line, t)) != nil
    }

    private func missingColumnMessage(_ what: String, _ index: Int, _ count: Int) -> String {
        "\(what) column \(index) does not exist: the line has \(count) column\(count == 1 ? "" : "s") "
            + "(columns are counted from 0, negative numbers count from the end)"
    }

    // MARK: - Bytes

    private func decode(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) throws -> String {
        if let s = String(validating: bytes, as: UTF8.self) { return s }
        let offset = Self.firstInvalidUTF8Offset(bytes) ?? 0
        let byte = offset < bytes.count ? bytes[offset] : 0
        let hex = String(byte, radix: 16, uppercase: true)
        throw NERError(path: path, line: line,
                       "invalid UTF-8: byte 0x\(hex.count == 1 ? "0" + hex : hex) at byte \(offset + 1) of the line "
                           + "(if the file is Latin-1, convert it: iconv -f latin1 -t utf-8)")
    }

    static func firstInvalidUTF8Offset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .error: return offset
            case .emptyInput: return nil
            }
        }
    }

    private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), cr = UInt8(ascii: "\r")

    static func isBlank(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.allSatisfy { $0 == space || $0 == tab || $0 == cr }
    }

    private static let documentStart = Array("-DOCSTART-".utf8)

    static func isDocumentStart(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard bytes.starts(with: documentStart) else { return false }
        guard bytes.count > documentStart.count else { return true }
        let next = bytes[documentStart.count]
        return next == space || next == tab
    }
}
