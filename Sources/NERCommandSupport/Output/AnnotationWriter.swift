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
        var out: [UInt8] = []
        format(doc, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the UTF-8 text of one document to `out` (not for brat, see `bratFiles`). The
    /// formats `ner convert` spends its time in are written as bytes, without a `String` per
    /// token (docs/guide/annotations.md, Speed and memory).
    package mutating func format(_ doc: AlignedDocument, into out: inout [UInt8]) {
        defer { count += 1 }
        switch format {
        case .conll: Self.conll(doc, into: &out)
        case .conllu: Self.conllu(doc, number: count + 1, into: &out)
        case .spans:
            Self.spans(doc, into: &out)
            out.append(0x0A)
        case .doccano:
            Self.doccano(doc, into: &out)
            out.append(0x0A)
        case .labelStudio:
            if count > 0 { out += Self.bytes(",\n") }
            out += labelStudio(doc).utf8
        case .brat: break
        }
    }

    /// The UTF-8 bytes of a literal.
    private static func bytes(_ text: StaticString) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount)
    }

    /// For each token, the index of the entity covering it (-1 for none); with the entities'
    /// labels this gives each token's IOB2 tag exactly as `AlignedDocument.tags` does (a later
    /// entity wins a token two cover, as there).
    private static func entityOfToken(_ doc: AlignedDocument) -> [Int] {
        var owner = [Int](repeating: -1, count: doc.tokens.count)
        for (k, e) in doc.entities.enumerated() where e.tokenStart >= 0 && e.tokenEnd <= doc.tokens.count && e.tokenStart < e.tokenEnd {
            for i in e.tokenStart..<e.tokenEnd { owner[i] = k }
        }
        return owner
    }

    /// Appends token `i`'s IOB2 tag: `O`, or `B-`/`I-` and the label.
    private static func appendTag(_ doc: AlignedDocument, _ owner: [Int], _ i: Int, to out: inout [UInt8]) {
        let k = owner[i]
        guard k >= 0 else {
            out.append(UInt8(ascii: "O"))
            return
        }
        let e = doc.entities[k]
        out += bytes(i == e.tokenStart ? "B-" : "I-")
        out += e.label.utf8
    }

    package static func conll(_ doc: AlignedDocument) -> String {
        var out: [UInt8] = []
        conll(doc, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    package static func conll(_ doc: AlignedDocument, into out: inout [UInt8]) {
        let owner = entityOfToken(doc)
        out += bytes("-DOCSTART- O\n\n")
        for range in doc.sentences {
            for i in range {
                out += doc.tokens[i].text.utf8
                out.append(0x09)
                appendTag(doc, owner, i, to: &out)
                out.append(0x0A)
            }
            out.append(0x0A)
        }
    }

    package static func conllu(_ doc: AlignedDocument, number: Int, into out: inout [UInt8]) {
        let owner = entityOfToken(doc)
        out += bytes("# newdoc id = d")
        JSONText.appendInteger(number, to: &out)
        out.append(0x0A)
        for (k, range) in doc.sentences.enumerated() {
            out += bytes("# sent_id = d")
            JSONText.appendInteger(number, to: &out)
            out += bytes("-s")
            JSONText.appendInteger(k + 1, to: &out)
            out += bytes("\n# text = ")
            for i in range {
                if i > range.lowerBound { out.append(0x20) }
                out += doc.tokens[i].text.utf8
            }
            out.append(0x0A)
            for (j, i) in range.enumerated() {
                JSONText.appendInteger(j + 1, to: &out)
                out.append(0x09)
                out += doc.tokens[i].text.utf8
                out += bytes("\t_\t_\t_\t_\t_\t_\t_\tNER=")
                appendTag(doc, owner, i, to: &out)
                out.append(0x0A)
            }
            out.append(0x0A)
        }
    }

    /// The spaCy/Prodigy JSON line of a document, without its line end.
    package static func spans(_ doc: AlignedDocument) -> String {
        var out: [UInt8] = []
        spans(doc, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    package static func spans(_ doc: AlignedDocument, into out: inout [UInt8]) {
        let text = CodePointText(doc.text)
        // The record's other fields, then text, tokens, sentences and spans, written in place.
        let first = openObject(doc, replacing: ["text", "tokens", "sentences", "spans"], into: &out)
        // Written through one cursor into memory sized once: the most bytes each part can take
        // (every byte of a string escaped as six, every number 20 bytes).
        var tokenBytes = 0
        for t in doc.tokens { tokenBytes += text.starts[t.end] - text.starts[t.start] }
        let number = JSONText.maxIntegerBytes
        var bound: Int = 100 + JSONText.quotedBound(text.bytes.count) + 6 * tokenBytes
        bound += doc.tokens.count * (60 + 3 * number)
        bound += doc.sentences.count * (60 + 4 * number)
        for e in doc.entities { bound += 120 + 4 * number + JSONText.quotedBound(e.label.utf8.count) }
        let scores = doc.entities.map { $0.score.map { TagJSON.rounded($0) } }
        for s in scores { bound += s?.utf8.count ?? 0 }
        out.append(atMost: bound) { out in
            var first = first
            func key(_ name: StaticString) {
                if !first { out.write(", ") }
                first = false
                out.write(name)
            }
            text.bytes.withUnsafeBufferPointer { all in
                key("\"text\": ")
                out.writeQuoted(all)
                key("\"tokens\": [")
                for (k, t) in doc.tokens.enumerated() {
                    out.write(k > 0 ? ", {\"text\": " : "{\"text\": ")
                    out.writeQuoted(UnsafeBufferPointer(rebasing: all[text.starts[t.start]..<text.starts[t.end]]))
                    out.write(", \"start\": ")
                    out.writeInteger(t.start)
                    out.write(", \"end\": ")
                    out.writeInteger(t.end)
                    out.write(", \"id\": ")
                    out.writeInteger(k)
                    out.write(t.end < text.count && text.isWhitespace(at: t.end) ? ", \"ws\": true}" : ", \"ws\": false}")
                }
                out.write(0x5D)
            }
            key("\"sentences\": [")
            for (k, r) in doc.sentences.enumerated() {
                if k > 0 { out.write(", ") }
                out.write("{\"start\": ")
                out.writeInteger(doc.tokens[r.lowerBound].start)
                out.write(", \"end\": ")
                out.writeInteger(doc.tokens[r.upperBound - 1].end)
                out.write(", \"token_start\": ")
                out.writeInteger(r.lowerBound)
                out.write(", \"token_end\": ")
                out.writeInteger(r.upperBound)
                out.write(0x7D)
            }
            out.write(0x5D)
            key("\"spans\": [")
            for (k, e) in doc.entities.enumerated() {
                if k > 0 { out.write(", ") }
                out.write("{\"start\": ")
                out.writeInteger(e.start)
                out.write(", \"end\": ")
                out.writeInteger(e.end)
                out.write(", \"token_start\": ")
                out.writeInteger(e.tokenStart)
                out.write(", \"token_end\": ")
                out.writeInteger(e.tokenEnd)
                out.write(", \"label\": ")
                var label = e.label
                label.withUTF8 { out.writeQuoted($0) }
                if var score = scores[k] {
                    out.write(", \"score\": ")
                    score.withUTF8 { out.write($0) }
                }
                out.write(0x7D)
            }
            out.write("]}")
        }
    }

    package static func doccano(_ doc: AlignedDocument, into out: inout [UInt8]) {
        var label: [UInt8] = [0x5B]
        for (k, e) in doc.entities.enumerated() {
            if k > 0 { label += bytes(", ") }
            label.append(0x5B)
            JSONText.appendInteger(e.start, to: &label)
            label += bytes(", ")
            JSONText.appendInteger(e.end, to: &label)
            label += bytes(", ")
            JSONText.appendQuoted(e.label.utf8, to: &label)
            label.append(0x5D)
        }
        label.append(0x5D)
        var quoted: [UInt8] = []
        JSONText.appendQuoted(doc.text.utf8, to: &quoted)
        object(doc, [("text", quoted), ("label", label)], into: &out)
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
        var data: [UInt8] = []
        Self.object(doc, [("text", Array(JSONText.quoted(doc.text).utf8))], into: &data)
        return "{\"data\": \(String(decoding: data, as: UTF8.self)), \(JSONText.quoted(annotation.0)): \(annotation.1)}"
    }

    /// Opens the JSON object of `doc`: `{` and the fields of the record read in that are neither
    /// in `replacing` nor annotation fields, byte for byte. Returns whether no field was written.
    private static func openObject(_ doc: AlignedDocument, replacing: [String], into out: inout [UInt8]) -> Bool {
        out.append(0x7B)
        var first = true
        if let raw = doc.raw, let record = try? JSONObjectLine(raw) {
            for m in record.members where !replacing.contains(m.key) && !annotationFields.contains(m.key) {
                if !first { out += bytes(", ") }
                JSONText.appendQuoted(m.key.utf8, to: &out)
                out += bytes(": ")
                compact(record.bytes[m.valueRange], into: &out)
                first = false
            }
        }
        return first
    }

    /// The record read in with its annotation fields replaced by `fields` (in that order, after
    /// the record's other fields), or a new object of `fields` alone; `fields` hold JSON values.
    private static func object(_ doc: AlignedDocument, _ fields: [(String, [UInt8])], into out: inout [UInt8]) {
        var first = openObject(doc, replacing: fields.map(\.0), into: &out)
        for (key, value) in fields {
            if !first { out += bytes(", ") }
            JSONText.appendQuoted(key.utf8, to: &out)
            out += bytes(": ")
            out += value
            first = false
        }
        out.append(0x7D)
    }

    /// Appends a JSON value on one line: the whitespace between its tokens removed (a Label
    /// Studio task read from a pretty-printed export goes into a JSON-lines record); strings
    /// stay as they are.
    static func compact(_ bytes: ArraySlice<UInt8>, into out: inout [UInt8]) {
        guard bytes.contains(0x0A) || bytes.contains(0x0D) else {
            out += bytes
            return
        }
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
        func body(_ write: ([UInt8]) throws -> Void) throws {
            var pending: [UInt8] = Array(formatter.header().utf8)
            pending.reserveCapacity(1 << 17)
            while let doc = try next() {
                count += 1
                formatter.format(doc, into: &pending)
                if pending.count >= 1 << 16 {
                    try write(pending)
                    pending.removeAll(keepingCapacity: true)
                }
            }
            pending += formatter.footer().utf8
            try write(pending)
        }
        if let output {
            try AtomicFile.write(to: output) { writer in try body { try writer.write($0) } }
        } else {
            // Standard output cannot be taken back: the output is held (in memory, beyond a few
            // megabytes in a temporary file) until every document has been read and checked.
            let spool = SpooledOutput()
            try body { try spool.write($0) }
            try spool.deliver(to: FileHandle.standardOutput.fileDescriptor, name: "standard output")
        }
        return count
    }
}
