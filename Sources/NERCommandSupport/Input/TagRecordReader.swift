import NERKit

/// Reads one file (or standard input) of `ner tag --input jsonl`/`lines` line by line and turns
/// each line into a record, handed on in parts (see `TagRecordPart`): blank, failed with a
/// message, or a document's sentences a paragraph at a time. A bad line never stops the
/// reading; only an unreadable input does. Lines come from `LineReader`, so gzip input works and
/// each line is handed over as soon as it arrives.
final class TagRecordReader {
    private let reader: LineReader
    private let options: TagRecordOptions
    private let file: String?
    private let source: String
    private let splitter = RecordSentences()

    /// Reads `path`, or standard input when it is nil.
    init(path: String?, options: TagRecordOptions) throws {
        reader = LineReader(input: try InputFile(path: path, stdinName: options.stdinName ?? "<stdin>"))
        self.options = options
        file = path ?? options.stdinName
        source = file ?? "<stdin>"
    }

    /// Reads the next line and hands its parts to `put`, in order. Returns false at the end of
    /// the input, or when `put` refuses a part (the tagger has stopped).
    func next(_ put: (TagRecordPart) -> Bool) throws -> Bool {
        guard let bytes = try reader.next() else { return false }
        var record = TagRecord(file: file, source: source, line: reader.lineNumber + options.firstLine - 1, content: .blank)
        let lineWeight = 1 + bytes.count / 8
        func single() -> Bool { put(TagRecordPart(record: record, sentences: [], isLast: true, weight: lineWeight)) }
        guard !bytes.allSatisfy({ $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }) else { return single() }
        let text: String
        switch options.format {
        case .lines:
            if let bad = UTF8Validation.firstInvalidIndex(bytes) {
                record.content = .failed(message: "invalid UTF-8 at byte \(bad + 1)", echo: nil)
                return single()
            }
            record.content = .document(object: nil)
            text = String(decoding: bytes, as: UTF8.self)
        case .jsonl(let field):
            switch jsonRecord(bytes, textField: field) {
            case .failure(let failed):
                record.content = failed.content
                return single()
            case .success(let (object, found)):
                record.content = .document(object: object)
                text = found
            }
        }
        // Each paragraph is handed on when the next one is ready, so the last can say it is last.
        var held: [TagInputSentence]?
        var weight = lineWeight
        var accepted = true
        func part(_ sentences: [TagInputSentence], last: Bool) -> TagRecordPart {
            defer { weight = 1 }
            return TagRecordPart(record: record, sentences: sentences, isLast: last,
                                 weight: max(weight, sentences.reduce(0) { $0 + $1.tokens.count }))
        }
        splitter.forEachParagraph(of: text) { sentences in
            if let previous = held { accepted = put(part(previous, last: false)) }
            held = sentences
            return accepted
        }
        return accepted && put(part(held ?? [], last: true))
    }

    private struct Failed: Error {
        var content: TagRecord.Content
    }

    /// The object and its text, or why the line is not a record.
    private func jsonRecord(_ bytes: [UInt8], textField: String) -> Result<(JSONObjectLine, String), Failed> {
        func failed(_ message: String, echo: String?) -> Result<(JSONObjectLine, String), Failed> {
            .failure(Failed(content: .failed(message: message, echo: echo)))
        }
        let object: JSONObjectLine
        do {
            object = try JSONObjectLine(bytes)
        } catch {
            if case .notAnObject(_, let range) = error { return failed(error.description, echo: String(decoding: bytes[range], as: UTF8.self)) }
            return failed(error.description, echo: nil)
        }
        let echo = object.text(object.objectRange)
        let field = JSONText.quoted(textField)
        for name in options.writtenFields where object.members(named: name).count > 1 {
            return failed("the \(JSONText.quoted(name)) field appears more than once", echo: echo)
        }
        let found = object.members(named: textField)
        guard let member = found.first else { return failed("no \(field) field", echo: echo) }
        guard found.count == 1 else { return failed("the \(field) field appears more than once", echo: echo) }
        guard let text = object.string(member) else { return failed("the \(field) field is \(member.kind), not a string", echo: echo) }
        return .success((object, text))
    }
}
