/// Reads one file (or standard input) of `ner tag --input jsonl`/`lines` line by line and turns
/// each line into a `TagRecord`: blank, failed with a message, or a document split into
/// sentences. A bad line never stops the reading; only an unreadable input does. Lines come from
/// `LineReader`, so gzip input works and each line is handed over as soon as it arrives.
final class TagRecordReader {
    private let reader: LineReader
    private let options: TagRecordOptions
    private let file: String?
    private let source: String
    private let sentences = RecordSentences()

    /// Reads `path`, or standard input when it is nil.
    init(path: String?, options: TagRecordOptions) throws {
        reader = try LineReader(path: path ?? "/dev/stdin")
        self.options = options
        file = path ?? options.stdinName
        source = file ?? "<stdin>"
    }

    func next() throws -> TagRecord? {
        guard let bytes = try reader.next() else { return nil }
        let line = reader.lineNumber + options.firstLine - 1
        var record = TagRecord(file: file, source: source, line: line, content: .blank, weight: 1 + bytes.count / 8)
        guard !bytes.allSatisfy({ $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }) else { return record }
        switch options.format {
        case .lines:
            if let bad = UTF8Validation.firstInvalidIndex(bytes) {
                record.content = .failed(message: "invalid UTF-8 at byte \(bad + 1)", echo: nil)
            } else {
                record.content = .document(object: nil, sentences: sentences.sentences(of: String(decoding: bytes, as: UTF8.self)))
            }
        case .jsonl(let field):
            record.content = jsonRecord(bytes, textField: field)
        }
        let tokens = record.sentences.reduce(0) { $0 + $1.tokens.count }
        record.weight = max(record.weight, tokens)
        return record
    }

    private func jsonRecord(_ bytes: [UInt8], textField: String) -> TagRecord.Content {
        let object: JSONObjectLine
        do {
            object = try JSONObjectLine(bytes)
        } catch {
            if case .notAnObject(_, let range) = error {
                return .failed(message: error.description, echo: String(decoding: bytes[range], as: UTF8.self))
            }
            return .failed(message: error.description, echo: nil)
        }
        let echo = object.text(object.objectRange)
        let field = HeaderJSON.quoted(textField)
        for name in options.writtenFields where object.members(named: name).count > 1 {
            return .failed(message: "the \(HeaderJSON.quoted(name)) field appears more than once", echo: echo)
        }
        let found = object.members(named: textField)
        guard let member = found.first else { return .failed(message: "no \(field) field", echo: echo) }
        guard found.count == 1 else { return .failed(message: "the \(field) field appears more than once", echo: echo) }
        guard let text = object.string(member) else {
            return .failed(message: "the \(field) field is \(member.kind), not a string", echo: echo)
        }
        return .document(object: object, sentences: sentences.sentences(of: text))
    }
}
