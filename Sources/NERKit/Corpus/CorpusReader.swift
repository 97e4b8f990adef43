/// The one entry through which training, evaluation, inspection and conversion read a corpus in
/// any format `ner` knows (`CorpusFormat`), streaming: column files and CoNLL-U a sentence at a
/// time, annotation exports a record (a document) at a time, each put on tokens by `SpanAligner`.
/// `next()` hands out sentences, `nextDocument()` documents; use one or the other.
///
/// Every problem is a `NERError` naming the file, the line and the record. After such an error
/// the next call resumes with the following sentence, record or brat document (so `ner inspect`
/// can list every problem: a brat `.txt` without its `.ann` is one such error), except after an
/// error in the file itself (it cannot be read, or a Label Studio array is not one):
/// `canResume` tells which.
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
    /// Reading the input itself failed (an I/O or gzip error): nothing after it can be read.
    private var inputFailed = false
    /// Whether reading goes on after the last error thrown by `next()` or `nextDocument()`:
    /// false when the file itself failed, so that the next call would return nil.
    package private(set) var canResume = true

    package init(path: String, options: CorpusReadOptions = .init()) throws {
        self.path = path
        self.options = options
        format = try options.format ?? CorpusFormat.detect(path: path)
        aligner = SpanAligner(policy: options.misaligned, tokenization: options.tokenization)
        switch format {
        // Nothing read through here writes a column file's lines back, so they are not kept.
        case .conll: source = .conll(try CoNLLReader(path: path, columns: options.columns, keepsLines: false))
        case .conllu: source = .conllu(try CoNLLUReader(path: path, columns: options.columns))
        case .jsonl: source = .jsonLines(try LineReader(path: path))
        case .labelStudio: source = .labelStudio(try JSONArrayStream(path: path))
        case .brat: source = .brat(try BratReader(path: path))
        }
    }

    /// Reads the JSON-lines records (spaCy/Prodigy, doccano) of an open input, such as
    /// standard input, named in messages by the input's name.
    package init(jsonLines input: InputFile, options: CorpusReadOptions = .init()) {
        path = input.name
        self.options = options
        format = .jsonl
        aligner = SpanAligner(policy: options.misaligned, tokenization: options.tokenization)
        source = .jsonLines(LineReader(input: input))
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
        do {
            return try nextSentence()
        } catch {
            canResume = resumes(after: error)
            throw error
        }
    }

    /// Whether an error of `next()` or `nextDocument()` leaves something to read after it.
    private func resumes(after error: Error) -> Bool {
        switch source {
        // The column readers resume after a sentence's error (it has a line) and return nil
        // after a failure of the file itself.
        case .conll, .conllu: return (error as? NERError)?.line != nil
        // A brat document's error (a .txt without .ann, a bad .ann line) skips that document.
        case .brat: return true
        case .jsonLines, .labelStudio: return !inputFailed && !frameFailed
        }
    }

    private func nextSentence() throws -> CoNLLSentence? {
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
        do {
            return try nextDocumentFromSource()
        } catch {
            canResume = resumes(after: error)
            throw error
        }
    }

    private func nextDocumentFromSource() throws -> AlignedDocument? {
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
        if frameFailed || inputFailed { return nil }
        let unit = options.offsets ?? .codepoints
        while true {
            let outcome: AnnotationRecord.Outcome
            var here = RecordLocation(path: path, line: nil, name: "")
            switch source {
            case .jsonLines(let reader):
                let line: [UInt8]?
                do { line = try reader.next() } catch {
                    inputFailed = true
                    throw error
                }
                guard let bytes = line else { return nil }
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                records += 1
                let location = RecordLocation(path: path, line: reader.lineNumber, name: "record \(records)")
                here = location
                var body = bytes[...]
                if reader.lineNumber == 1 && body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
                switch AnnotationRecord.object(body) {
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
                switch AnnotationRecord.object(element.bytes[...]) {
                case .failure(let e): throw NERError(path: path, line: element.line, "\(location.name): \(e.message)")
                case .success(let task):
                    if let id = task["id"].flatMap(AnnotationRecord.plainText) { location.name += " (id \(id))" }
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
