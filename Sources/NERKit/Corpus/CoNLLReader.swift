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
    /// How many `-DOCSTART-` lines have been read so far.
    package private(set) var documentCount = 0

    private let reader: LineReader
    private var atFileStart = true
    /// Set when the file itself could not be read (corrupt gzip data): there is nothing to resume.
    private var readFailed = false
    private var pendingDocumentLine: String?

    /// Opens `path` (plain or gzip). With `requireTags: false` the tag column is not read, for
    /// files of tokens to be tagged.
    package init(path: String, columns: CoNLLColumns = .init(), requireTags: Bool = true) throws {
        self.path = path
        self.columns = columns
        self.requireTags = requireTags
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

    private struct Line {
        var number: Int
        var text: String
        var fields: [String]
        var isCommentCandidate: Bool { fields.first == "#" }
    }

    private func parse(_ block: [(number: Int, bytes: [UInt8])], documentLine: String?) throws -> CoNLLSentence? {
        let lines = try block.map { raw -> Line in
            let text = try decode(raw.bytes, line: raw.number)
            return Line(number: raw.number, text: text, fields: Self.fields(of: raw.bytes))
        }

        // The sentence's column count comes from its first line that cannot be a comment.
        let columnCount: Int
        if let first = lines.first(where: { !$0.isCommentCandidate }) {
            columnCount = first.fields.count
        } else if requireTags, let first = lines.first(where: { hasValidTag($0.fields, columnCount: $0.fields.count) }) {
            columnCount = first.fields.count
        } else {
            return nil
        }

        var tokenLines: [Line] = []
        var comments: [String] = []
        for line in lines {
            if line.isCommentCandidate
                && (line.fields.count != columnCount || (requireTags && !hasValidTag(line.fields, columnCount: columnCount))) {
                comments.append(line.text)
            } else {
                tokenLines.append(line)
            }
        }
        guard let reference = tokenLines.first else { return nil }

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
        sentence.tokens.reserveCapacity(tokenLines.count)
        sentence.lines.reserveCapacity(tokenLines.count)
        sentence.lineNumbers.reserveCapacity(tokenLines.count)
        for line in tokenLines {
            guard line.fields.count == columnCount else {
                throw NERError(path: path, line: line.number,
                               "found \(line.fields.count) column\(line.fields.count == 1 ? "" : "s") but line \(reference.number), "
                                   + "the sentence's first, has \(columnCount): \"\(line.text)\"")
            }
            if let tagIndex {
                let tag = line.fields[tagIndex]
                guard ParsedTag(tag) != nil else {
                    throw NERError(path: path, line: line.number, ParsedTag.invalidMessage(for: tag))
                }
                sentence.tags.append(tag)
            }
            sentence.tokens.append(line.fields[tokenIndex])
            sentence.lines.append(line.text)
            sentence.lineNumbers.append(line.number)
        }
        return sentence
    }

    private func hasValidTag(_ fields: [String], columnCount: Int) -> Bool {
        guard let t = CoNLLColumns.resolve(columns.tag, count: columnCount), t < fields.count,
              t != CoNLLColumns.resolve(columns.token, count: columnCount) else { return false }
        return ParsedTag(fields[t]) != nil
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

    private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), cr = UInt8(ascii: "\r")

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

    /// Splits a (valid UTF-8) line on runs of spaces and tabs.
    static func fields(of bytes: [UInt8]) -> [String] {
        bytes.split(whereSeparator: { $0 == space || $0 == tab }).map { String(decoding: $0, as: UTF8.self) }
    }
}
