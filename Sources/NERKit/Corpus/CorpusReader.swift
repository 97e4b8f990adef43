/// The one entry through which training, evaluation, inspection and conversion read a corpus in
/// any format `ner` knows (`CorpusFormat`), streaming: column files and CoNLL-U a sentence at a
/// time, annotation exports a record (a document) at a time, each put on tokens by `SpanAligner`.
/// `next()` hands out sentences, `nextDocument()` documents; use one or the other.
///
/// Every problem is a `NERError` naming the file, the line and the record. After such an error
/// the next call resumes with the following sentence or record (so `ner inspect` can list every
/// problem), except after an error in the file's frame (a Label Studio array that is not one).
package final class CorpusReader {
    package let path: String
    package let format: CorpusFormat
    package let options: CorpusReadOptions
    /// Every change made while aligning spans, and the records skipped.
    package private(set) var adjustments = AlignmentLog()
    /// Documents started so far (`-DOCSTART-` lines, `# newdoc` comments, or records).
    package var documentCount: Int {
        switch source {
        case .conll(let r): return r.documentCount
        case .conllu(let r): return r.documentCount
        default: return records
        }
    }

    private enum Source {
        case conll(CoNLLReader)
        case conllu(CoNLLUReader)
        case jsonLines(LineReader)
        case labelStudio(JSONArrayStream)
        case brat(BratReader)
    }

    private let source: Source
    private let aligner: SpanAligner
    private var records = 0
    private var queued: [CoNLLSentence] = []
    private var queuedStart = 0
    /// Sentences read ahead by `nextDocument()` from a sentence source: the next document's first.
    private var heldSentence: CoNLLSentence?
    private var frameFailed = false

    package init(path: String, options: CorpusReadOptions = .init()) throws {
        self.path = path
        self.options = options
        format = try options.format ?? CorpusFormat.detect(path: path)
        aligner = SpanAligner(policy: options.misaligned, tokenization: options.tokenization)
        switch format {
        case .conll: source = .conll(try CoNLLReader(path: path, columns: options.columns))
        case .conllu: source = .conllu(try CoNLLUReader(path: path, columns: options.columns))
        case .jsonl: source = .jsonLines(try LineReader(path: path))
        case .labelStudio: source = .labelStudio(try JSONArrayStream(path: path))
        case .brat: source = .brat(try BratReader(path: path))
        }
    }

    /// Reads a whole corpus into memory.
    package static func readAll(path: String, options: CorpusReadOptions = .init()) throws -> (sentences: [CoNLLSentence], adjustments: AlignmentLog) {
        let reader = try CorpusReader(path: path, options: options)
        var sentences: [CoNLLSentence] = []
        while let s = try reader.next() { sentences.append(s) }
        return (sentences, reader.adjustments)
    }

    /// The next sentence (IOB2 tags for annotation exports; a record's first sentence starts a
    /// document), or nil at the end.
    package func next() throws -> CoNLLSentence? {
        while queuedStart >= queued.count {
            queued = []
            queuedStart = 0
            switch source {
            case .conll(let r): return try r.next()
            case .conllu(let r): return try r.next()
            default:
                guard let document = try nextAnnotated() else { return nil }
                queued = document.conllSentences
            }
        }
        queuedStart += 1
        return queued[queuedStart - 1]
    }

    /// The next document, or nil at the end. For column files and CoNLL-U a document runs from one
    /// document start to the next, cut after `Documents.defaultMaxSentences` sentences; its text is
    /// the tokens joined by spaces, a blank line between sentences.
    package func nextDocument() throws -> AlignedDocument? {
        switch source {
        case .conll, .conllu:
            var sentences: [CoNLLSentence] = []
            if let held = heldSentence {
                sentences.append(held)
                heldSentence = nil
            }
            while sentences.count < Documents.defaultMaxSentences, let s = try sentenceFromSource() {
                if s.startsDocument && !sentences.isEmpty {
                    heldSentence = s
                    break
                }
                sentences.append(s)
            }
            guard !sentences.isEmpty else { return nil }
            records += 1
            let line = sentences[0].firstLine
            return AlignedDocument(sentences: sentences, location: RecordLocation(path: path, line: line, name: "document \(records)"))
        default:
            return try nextAnnotated()
        }
    }

    private func sentenceFromSource() throws -> CoNLLSentence? {
        switch source {
        case .conll(let r): return try r.next()
        case .conllu(let r): return try r.next()
        default: return nil
        }
    }

    /// The next record of an annotation export, aligned; skipped records are counted.
    private func nextAnnotated() throws -> AlignedDocument? {
        if frameFailed { return nil }
        let unit = options.offsets ?? .codepoints
        while true {
            let outcome: AnnotationRecord.Outcome
            var here = RecordLocation(path: path, line: nil, name: "")
            switch source {
            case .jsonLines(let reader):
                guard let bytes = try reader.next() else { return nil }
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                records += 1
                let location = RecordLocation(path: path, line: reader.lineNumber, name: "record \(records)")
                here = location
                var body = bytes[...]
                if reader.lineNumber == 1 && body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
                switch AnnotationRecord.object(Array(body)) {
                case .failure(let e): throw NERError(path: path, line: reader.lineNumber, "\(location.name): \(e.message)")
                case .success(let object):
                    outcome = try AnnotationRecord.lineRecord(object, unit: unit, location: location, raw: Array(body))
                }
            case .labelStudio(let stream):
                let element: (bytes: [UInt8], line: Int)?
                do { element = try stream.next() } catch {
                    frameFailed = true
                    throw error
                }
                guard let element else { return nil }
                records += 1
                var location = RecordLocation(path: path, line: element.line, name: "task \(records)")
                switch AnnotationRecord.object(element.bytes) {
                case .failure(let e): throw NERError(path: path, line: element.line, "\(location.name): \(e.message)")
                case .success(let task):
                    if let id = task["id"] { location.name += " (id \(id))" }
                    here = location
                    outcome = try AnnotationRecord.labelStudioTask(task, unit: unit, annotation: options.annotation,
                                                                   predictions: options.predictions, location: location, raw: element.bytes)
                }
            case .brat(let reader):
                let before = reader.adjustments.count
                guard let text = try reader.next() else { return nil }
                records += 1
                adjustments.add(contentsOf: Array(reader.adjustments[before...]))
                here = text.location
                outcome = .text(text)
            case .conll, .conllu:
                return nil
            }
            switch outcome {
            case .skipped(let why):
                adjustments.add(AlignmentAdjustment(.skippedRecord, here, detail: why))
            case .text(let text):
                let (document, changes) = try aligner.align(text)
                adjustments.add(contentsOf: changes)
                return document
            }
        }
    }
}
