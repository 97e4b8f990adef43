import Foundation
import NERKit

/// The formats `ner convert` and `ner tag` write documents in, each read back by `CorpusReader`
/// as it was written.
package enum AnnotationOutputFormat: String, Sendable, CaseIterable {
    /// Column file: `token<TAB>tag` (IOB2), a blank line after each sentence, `-DOCSTART-` per document.
    case conll
    /// CoNLL-U, the tag in MISC as `NER=B-PER`.
    case conllu
    /// spaCy/Prodigy JSON lines: `"spans"` (with `"score"` for predictions), `"tokens"`, `"sentences"`.
    case spans
    /// doccano JSON lines: `"label": [[start, end, "LABEL"]]`.
    case doccano
    /// Label Studio tasks (a JSON array): entities as `"annotations"`, or as `"predictions"`
    /// with the model's scores.
    case labelStudio = "label-studio"
    /// brat standoff: a folder with a `.txt` and a `.ann` file per document.
    case brat

    /// The format's file for a corpus format read in, when it writes one.
    package var corpusFormat: CorpusFormat {
        switch self {
        case .conll: return .conll
        case .conllu: return .conllu
        case .spans, .doccano: return .jsonl
        case .labelStudio: return .labelStudio
        case .brat: return .brat
        }
    }
}

/// Writes documents in an `AnnotationOutputFormat`. The fields of a JSON record read in (`raw`)
/// that carry no annotation (`id`, `meta`, anything unknown) pass through with their values
/// byte for byte; the fields the format writes replace those of the same role.
package struct AnnotationFormatter {
    package let format: AnnotationOutputFormat
    /// Label Studio: write the entities as predictions (pre-annotations with scores).
    package var predictions: Bool
    private var count = 0

    package init(format: AnnotationOutputFormat, predictions: Bool = false) {
        self.format = format
        self.predictions = predictions
    }

    /// The fields a writer replaces: whatever any reader takes spans, tokens or sentences from.
    private static let annotationFields: Set<String> = ["spans", "entities", "label", "labels", "tokens", "sentences", "answer",
                                                        "annotations", "predictions", "completions"]

    /// What goes before the first document (the `[` of a Label Studio array).
    package func header() -> String { format == .labelStudio ? "[\n" : "" }
    /// What goes after the last document.
    package func footer() -> String { format == .labelStudio ? (count > 0 ? "\n]\n" : "]\n") : "" }

    /// The text of one document (not for brat, see `bratFiles`).
    package mutating func format(_ doc: AlignedDocument) -> String {
        defer { count += 1 }
        switch format {
        case .conll: return Self.conll(doc)
        case .conllu: return Self.conllu(doc, number: count + 1)
        case .spans: return Self.spans(doc) + "\n"
        case .doccano: return Self.doccano(doc) + "\n"
        case .labelStudio: return (count > 0 ? ",\n" : "") + labelStudio(doc)
        case .brat: return ""
        }
    }

    package static func conll(_ doc: AlignedDocument) -> String {
        let tags = doc.tags
        var out = "-DOCSTART- O\n\n"
        for range in doc.sentences {
            for i in range { out += doc.tokens[i].text + "\t" + tags[i] + "\n" }
            out += "\n"
        }
        return out
    }

    package static func conllu(_ doc: AlignedDocument, number: Int) -> String {
        let tags = doc.tags
        var out = "# newdoc id = d\(number)\n"
        for (k, range) in doc.sentences.enumerated() {
            out += "# sent_id = d\(number)-s\(k + 1)\n"
            out += "# text = " + range.map { doc.tokens[$0].text }.joined(separator: " ") + "\n"
            for (j, i) in range.enumerated() {
                out += "\(j + 1)\t\(doc.tokens[i].text)\t_\t_\t_\t_\t_\t_\t_\tNER=\(tags[i])\n"
            }
            out += "\n"
        }
        return out
    }

    package static func spans(_ doc: AlignedDocument) -> String {
        var spans = "[", tokens = "[", sentences = "["
        for (k, e) in doc.entities.enumerated() {
            if k > 0 { spans += ", " }
            spans += "{\"start\": \(e.start), \"end\": \(e.end), \"token_start\": \(e.tokenStart), \"token_end\": \(e.tokenEnd), \"label\": \(JSONText.quoted(e.label))"
            if let score = e.score { spans += ", \"score\": \(TagJSON.rounded(score))" }
            spans += "}"
        }
        let scalars = Array(doc.text.unicodeScalars)
        for (k, t) in doc.tokens.enumerated() {
            if k > 0 { tokens += ", " }
            let ws = t.end < scalars.count && scalars[t.end].properties.isWhitespace
            tokens += "{\"text\": \(JSONText.quoted(String(String.UnicodeScalarView(scalars[t.start..<t.end])))), \"start\": \(t.start), \"end\": \(t.end), \"id\": \(k), \"ws\": \(ws)}"
        }
        for (k, r) in doc.sentences.enumerated() {
            if k > 0 { sentences += ", " }
            sentences += "{\"start\": \(doc.tokens[r.lowerBound].start), \"end\": \(doc.tokens[r.upperBound - 1].end), \"token_start\": \(r.lowerBound), \"token_end\": \(r.upperBound)}"
        }
        return object(doc, [("text", JSONText.quoted(doc.text)), ("tokens", tokens + "]"), ("sentences", sentences + "]"), ("spans", spans + "]")])
    }

    package static func doccano(_ doc: AlignedDocument) -> String {
        let label = "[" + doc.entities.map { "[\($0.start), \($0.end), \(JSONText.quoted($0.label))]" }.joined(separator: ", ") + "]"
        return object(doc, [("text", JSONText.quoted(doc.text)), ("label", label)])
    }

    private func labelStudio(_ doc: AlignedDocument) -> String {
        let scalars = Array(doc.text.unicodeScalars)
        var result = "["
        for (k, e) in doc.entities.enumerated() {
            if k > 0 { result += ", " }
            let text = String(String.UnicodeScalarView(scalars[e.start..<e.end]))
            result += "{\"id\": \"e\(k + 1)\", \"from_name\": \"label\", \"to_name\": \"text\", \"type\": \"labels\", "
                + "\"value\": {\"start\": \(e.start), \"end\": \(e.end), \"text\": \(JSONText.quoted(text)), \"labels\": [\(JSONText.quoted(e.label))]}"
            if predictions, let score = e.score { result += ", \"score\": \(TagJSON.rounded(score))" }
            result += "}"
        }
        result += "]"
        let annotation: (String, String)
        if predictions {
            let scores = doc.entities.compactMap(\.score)
            let mean = scores.isEmpty ? 1.0 : scores.reduce(0, +) / Double(scores.count)
            annotation = ("predictions", "[{\"model_version\": \"ner\", \"score\": \(TagJSON.rounded(mean)), \"result\": \(result)}]")
        } else {
            annotation = ("annotations", "[{\"result\": \(result)}]")
        }
        // A Label Studio task read in keeps everything but its annotations or predictions; any
        // other record becomes a task whose data holds the text and the record's other fields.
        if let raw = doc.raw, let task = try? JSONObjectLine(raw), !task.members(named: "data").isEmpty {
            var out = "{"
            var first = true
            for m in task.members where m.key != annotation.0 {
                out += (first ? "" : ", ") + JSONText.quoted(m.key) + ": " + task.text(m.valueRange)
                first = false
            }
            return out + (first ? "" : ", ") + JSONText.quoted(annotation.0) + ": " + annotation.1 + "}"
        }
        let data = Self.object(doc, [("text", JSONText.quoted(doc.text))])
        return "{\"data\": \(data), \(JSONText.quoted(annotation.0)): \(annotation.1)}"
    }

    /// The record read in with its annotation fields replaced by `fields` (in that order, after
    /// the record's other fields), or a new object of `fields` alone.
    private static func object(_ doc: AlignedDocument, _ fields: [(String, String)]) -> String {
        var out = "{"
        var first = true
        let written = Set(fields.map(\.0))
        if let raw = doc.raw, let record = try? JSONObjectLine(raw) {
            for m in record.members where !written.contains(m.key) && !annotationFields.contains(m.key) {
                out += (first ? "" : ", ") + JSONText.quoted(m.key) + ": " + compact(record.bytes[m.valueRange])
                first = false
            }
        }
        for (key, value) in fields {
            out += (first ? "" : ", ") + JSONText.quoted(key) + ": " + value
            first = false
        }
        return out + "}"
    }

    /// A JSON value on one line: the whitespace between its tokens removed (a Label Studio task
    /// read from a pretty-printed export goes into a JSON-lines record); strings stay as they are.
    static func compact(_ bytes: ArraySlice<UInt8>) -> String {
        guard bytes.contains(0x0A) || bytes.contains(0x0D) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var inString = false, escaped = false
        for c in bytes {
            if inString {
                if escaped { escaped = false } else if c == 0x5C { escaped = true } else if c == 0x22 { inString = false }
            } else if c == 0x22 {
                inString = true
            } else if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 {
                continue
            }
            out.append(c)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// brat: the `.txt` and `.ann` contents of one document.
    package static func bratFiles(_ doc: AlignedDocument) -> (text: String, ann: String) {
        let scalars = Array(doc.text.unicodeScalars)
        var ann = ""
        for (k, e) in doc.entities.enumerated() {
            var view = String.UnicodeScalarView()
            for s in scalars[e.start..<e.end] { view.append(s == "\n" || s == "\r" ? " " : s) }
            let text = String(view)
            ann += "T\(k + 1)\t\(e.label) \(e.start) \(e.end)\t\(text)\n"
        }
        return (doc.text, ann)
    }
}

/// Writes a whole stream of documents to a file (or standard output) or, for brat, a folder,
/// all or nothing: into a temporary file or folder that replaces the target only when every
/// document was written, so an input error leaves nothing behind.
package enum AnnotationFileWriter {
    /// Writes `next()`'s documents until it returns nil; `output` nil is standard output (not for brat).
    package static func write(format: AnnotationOutputFormat, predictions: Bool = false, to output: String?,
                              documents next: () throws -> AlignedDocument?) throws -> Int {
        var formatter = AnnotationFormatter(format: format, predictions: predictions)
        var count = 0
        if format == .brat {
            guard let output else { throw NERError("brat output is a folder: give its path") }
            let manager = FileManager.default
            var isDirectory: ObjCBool = false
            if manager.fileExists(atPath: output, isDirectory: &isDirectory) {
                guard isDirectory.boolValue, (try? manager.contentsOfDirectory(atPath: output))?.isEmpty == true else {
                    throw NERError(path: output, "exists and is not an empty folder; brat output goes to a new folder")
                }
            }
            let temporary = output.hasSuffix("/") ? String(output.dropLast()) + ".tmp-\(getpid())" : output + ".tmp-\(getpid())"
            do {
                try manager.createDirectory(atPath: temporary, withIntermediateDirectories: false)
            } catch {
                throw NERError(path: output, "cannot create the folder: \(error.localizedDescription)")
            }
            do {
                while let doc = try next() {
                    count += 1
                    let (text, ann) = AnnotationFormatter.bratFiles(doc)
                    let base = (temporary as NSString).appendingPathComponent(String(format: "doc-%06d", count))
                    // Plain writes: the folder as a whole is what appears atomically, by the rename below.
                    for (content, ext) in [(text, ".txt"), (ann, ".ann")] {
                        do { try Data(content.utf8).write(to: URL(fileURLWithPath: base + ext)) } catch {
                            throw NERError(path: base + ext, "cannot write: \(error.localizedDescription)")
                        }
                    }
                }
                if manager.fileExists(atPath: output) { try manager.removeItem(atPath: output) }
                try manager.moveItem(atPath: temporary, toPath: output)
            } catch {
                try? manager.removeItem(atPath: temporary)
                throw error
            }
            return count
        }
        func body(_ write: (String) throws -> Void) throws {
            try write(formatter.header())
            var pending = ""
            while let doc = try next() {
                count += 1
                pending += formatter.format(doc)
                if pending.utf8.count >= 1 << 16 {
                    try write(pending)
                    pending = ""
                }
            }
            try write(pending + formatter.footer())
        }
        if let output {
            try AtomicFile.write(to: output) { writer in try body { try writer.write($0) } }
        } else {
            // Standard output cannot be taken back: the documents are all read (and checked) first.
            var all: [AlignedDocument] = []
            while let doc = try next() { all.append(doc) }
            let stdout = FileHandleOutputStream(FileHandle.standardOutput)
            try write(format: format, predictions: predictions, toStream: stdout, documents: all)
            count = all.count
        }
        return count
    }

    private static func write(format: AnnotationOutputFormat, predictions: Bool, toStream stdout: FileHandleOutputStream,
                              documents: [AlignedDocument]) throws {
        var formatter = AnnotationFormatter(format: format, predictions: predictions)
        stdout.write(formatter.header())
        for doc in documents { stdout.write(formatter.format(doc)) }
        stdout.write(formatter.footer())
        try stdout.check(name: "standard output")
    }
}
