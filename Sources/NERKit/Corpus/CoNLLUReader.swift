/// Streams sentences out of a CoNLL-U file (Universal Dependencies): ten tab-separated columns,
/// `#` comments, a blank line after each sentence; multiword-token lines (`1-2`) and empty nodes
/// (`1.1`) are not tokens. The entity tag is read from MISC (`NER=B-PER` or `name=B-PER`, other
/// `|`-separated items ignored; none means `O`), or from an 11th column when lines have more
/// than ten (`columns.tag` picks it). `# newdoc` starts a document.
final class CoNLLUReader {
    let path: String
    let columns: CoNLLColumns
    package private(set) var documentCount = 0
    private let reader: LineReader
    private var pendingDocument = false

    init(path: String, columns: CoNLLColumns = .init()) throws {
        self.path = path
        self.columns = columns
        reader = try LineReader(path: path)
    }

    /// The next sentence, or nil at the end. After an error, the next call resumes with the
    /// following sentence.
    func next() throws -> CoNLLSentence? {
        var sentence = CoNLLSentence(tokens: [])
        var problem: NERError?
        while let raw = try reader.next() {
            var bytes = raw
            if reader.lineNumber == 1 && bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
            guard let line = String(validating: bytes, as: UTF8.self) else {
                problem = problem ?? NERError(path: path, line: reader.lineNumber, "invalid UTF-8")
                continue
            }
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                if sentence.tokens.isEmpty && problem == nil { continue }
                break
            }
            if line.hasPrefix("#") {
                if line.hasPrefix("# newdoc") {
                    pendingDocument = true
                    documentCount += 1
                }
                continue
            }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 10 else {
                problem = problem ?? NERError(path: path, line: reader.lineNumber,
                                              "a CoNLL-U token line has 10 tab-separated columns, this one has \(fields.count)")
                continue
            }
            let id = fields[0]
            if id.contains("-") || id.contains(".") { continue }
            guard Int(id) != nil else {
                problem = problem ?? NERError(path: path, line: reader.lineNumber, "the ID column holds \"\(id)\", not a number")
                continue
            }
            guard !fields[1].isEmpty else {
                problem = problem ?? NERError(path: path, line: reader.lineNumber, "the FORM column (2) is empty")
                continue
            }
            guard !fields[1].contains(where: { $0.isWhitespace }) else {
                problem = problem ?? NERError(path: path, line: reader.lineNumber,
                                              "the FORM column (2) holds whitespace, which cannot be one token here")
                continue
            }
            var tag = "O"
            if fields.count > 10 {
                guard let t = CoNLLColumns.resolve(columns.tag, count: fields.count) else {
                    problem = problem ?? NERError(path: path, line: reader.lineNumber, "tag column \(columns.tag) does not exist")
                    continue
                }
                tag = fields[t]
            } else {
                for item in fields[9].split(separator: "|") {
                    if item.hasPrefix("NER=") { tag = String(item.dropFirst(4)); break }
                    if item.hasPrefix("name=") { tag = String(item.dropFirst(5)); break }
                }
            }
            guard let parsed = ParsedTag(tag) else {
                problem = problem ?? NERError(path: path, line: reader.lineNumber, ParsedTag.invalidMessage(for: tag))
                continue
            }
            if parsed.prefix != .o, let labelProblem = GazetteerLine.labelProblem(parsed.type) {
                problem = problem ?? NERError(path: path, line: reader.lineNumber, labelProblem)
                continue
            }
            sentence.tokens.append(fields[1])
            sentence.tags.append(tag)
            sentence.lines.append(fields[1])
            sentence.lineNumbers.append(reader.lineNumber)
        }
        if let problem { throw problem }
        if sentence.tokens.isEmpty { return nil }
        if pendingDocument {
            sentence.startsDocument = true
            sentence.documentLine = "-DOCSTART- -X- -X- O"
            pendingDocument = false
        }
        return sentence
    }
}
