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
        while true {
            var block: [(number: Int, bytes: [UInt8])] = []
            var followingDocumentLine: String?
            while let raw = try nextLine() {
                var bytes = raw
                if atFileStart {
                    atFileStart = false
                    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
                }
                if Self.isBlank(bytes) {
                    if block.isEmpty { continue } else { break }
                }
                if Self.isDocumentStart(bytes) {
                    documentCount += 1
                    let text = try decode(bytes, line: reader.lineNumber)
                    if block.isEmpty {
                        pendingDocumentLine = text
                        continue
                    }
                    followingDocumentLine = text
                    break
                }
                block.append((reader.lineNumber, bytes))
            }
            if block.isEmpty { return nil }

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

    private func nextLine() throws -> [UInt8]? {
        do {
            return try reader.next()
        } catch {
            readFailed = true
            throw error
        }
    }

    // MARK: - One sentence

    /// One line of a sentence: its text, and where its fields (runs of bytes other than spaces
    /// and tabs) are. Only the token and tag fields become strings, so a line costs the string
    /// of its text (kept in `CoNLLSentence.lines`) and little else.
    private struct Line {
        var number: Int
        /// Valid UTF-8.
        var bytes: [UInt8]
        var fieldCount: Int
        /// The first field is `#` alone.
        var isCommentCandidate: Bool

        var text: String { String(decoding: bytes, as: UTF8.self) }

        init(number: Int, bytes: [UInt8]) {
            self.number = number
            self.bytes = bytes
            var count = 0, i = 0, firstStart = -1, firstEnd = -1
            let n = bytes.count
            while i < n {
                while i < n && (bytes[i] == CoNLLReader.space || bytes[i] == CoNLLReader.tab) { i += 1 }
                guard i < n else { break }
                let start = i
                while i < n && bytes[i] != CoNLLReader.space && bytes[i] != CoNLLReader.tab { i += 1 }
                if count == 0 { firstStart = start; firstEnd = i }
                count += 1
            }
            fieldCount = count
            isCommentCandidate = count > 0 && firstEnd - firstStart == 1 && bytes[firstStart] == UInt8(ascii: "#")
        }

        /// Field `k` (0-based, `k < fieldCount`) as a string.
        func field(_ k: Int) -> String {
            var count = 0, i = 0
            let n = bytes.count
            while i < n {
                while i < n && (bytes[i] == CoNLLReader.space || bytes[i] == CoNLLReader.tab) { i += 1 }
                guard i < n else { break }
                let start = i
                while i < n && bytes[i] != CoNLLReader.space && bytes[i] != CoNLLReader.tab { i += 1 }
                if count == k { return String(decoding: bytes[start..<i], as: UTF8.self) }
                count += 1
            }
            return ""
        }
    }

    private func parse(_ block: [(number: Int, bytes: [UInt8])], documentLine: String?) throws -> CoNLLSentence? {
        var lines: [Line] = []
        lines.reserveCapacity(block.count)
        for raw in block {
            if UTF8Validation.firstInvalidIndex(raw.bytes) != nil { _ = try decode(raw.bytes, line: raw.number) }
            lines.append(Line(number: raw.number, bytes: raw.bytes))
        }

        // The sentence's column count comes from its first line that cannot be a comment.
        let columnCount: Int
        if let first = lines.first(where: { !$0.isCommentCandidate }) {
            columnCount = first.fieldCount
        } else if requireTags, let first = lines.first(where: { hasValidTag($0, columnCount: $0.fieldCount) }) {
            columnCount = first.fieldCount
        } else {
            return nil
        }

        var comments: [String] = []
        var tokenLineCount = 0
        var isComment = [Bool](repeating: false, count: lines.count)
        for (k, line) in lines.enumerated() {
            if line.isCommentCandidate
                && (line.fieldCount != columnCount || (requireTags && !hasValidTag(line, columnCount: columnCount))) {
                comments.append(line.text)
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
                                   + "the sentence's first, has \(columnCount): \"\(line.text)\"")
            }
            if let tagIndex {
                let tag = line.field(tagIndex)
                guard ParsedTag(tag) != nil else {
                    throw NERError(path: path, line: line.number, ParsedTag.invalidMessage(for: tag))
                }
                sentence.tags.append(tag)
            }
            sentence.tokens.append(line.field(tokenIndex))
            if keepsLines { sentence.lines.append(line.text) }
            sentence.lineNumbers.append(line.number)
        }
        if !keepsLines { sentence.lines = sentence.tokens }
        return sentence
    }

    private func hasValidTag(_ line: Line, columnCount: Int) -> Bool {
        guard let t = CoNLLColumns.resolve(columns.tag, count: columnCount), t < line.fieldCount,
              t != CoNLLColumns.resolve(columns.token, count: columnCount) else { return false }
        return ParsedTag(line.field(t)) != nil
    }

    private func missingColumnMessage(_ what: String, _ index: Int, _ count: Int) -> String {
        "\(what) column \(index) does not exist: the line has \(count) column\(count == 1 ? "" : "s") "
            + "(columns are counted from 0, negative numbers count from the end)"
    }

    // MARK: - Bytes

    private func decode(_ bytes: [UInt8], line: Int) throws -> String {
        if let s = String(validating: bytes, as: UTF8.self) { return s }
        let offset = Self.firstInvalidUTF8Offset(bytes) ?? 0
        let byte = offset < bytes.count ? bytes[offset] : 0
        let hex = String(byte, radix: 16, uppercase: true)
        throw NERError(path: path, line: line,
                       "invalid UTF-8: byte 0x\(hex.count == 1 ? "0" + hex : hex) at byte \(offset + 1) of the line "
                           + "(if the file is Latin-1, convert it: iconv -f latin1 -t utf-8)")
    }

    static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int? {
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

    fileprivate static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), cr = UInt8(ascii: "\r")

    static func isBlank(_ bytes: [UInt8]) -> Bool {
        bytes.allSatisfy { $0 == space || $0 == tab || $0 == cr }
    }

    private static let documentStart = Array("-DOCSTART-".utf8)

    static func isDocumentStart(_ bytes: [UInt8]) -> Bool {
        guard bytes.starts(with: documentStart) else { return false }
        guard bytes.count > documentStart.count else { return true }
        let next = bytes[documentStart.count]
        return next == space || next == tab
    }
}
