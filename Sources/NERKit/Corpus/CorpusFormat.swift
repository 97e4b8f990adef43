import Foundation

/// The corpus formats `ner` reads for training, evaluation and inspection, and writes with
/// `ner convert` and `ner tag`.
public enum CorpusFormat: String, Sendable, CaseIterable, Codable {
    /// Token-per-line column files (CoNLL-2003 and the like).
    case conll
    /// CoNLL-U (Universal Dependencies), the entity tag in MISC (`NER=B-PER`, `name=B-PER`) or
    /// in an 11th column.
    case conllu
    /// JSON lines with character offsets: spaCy/Prodigy (`"spans"`, optional `"tokens"`) and
    /// doccano (`"label": [[start, end, "LABEL"]]` or `"entities"`), detected record by record.
    case jsonl
    /// Label Studio's JSON export: an array of tasks.
    case labelStudio = "label-studio"
    /// brat standoff: a folder of `.txt` files, each with its `.ann` file.
    case brat

    /// Parses a format name, also the tools' names that mean one of these (spacy, prodigy and
    /// doccano are `jsonl`).
    public init?(name: String) {
        switch name.lowercased() {
        case "conll", "conll2003", "iob": self = .conll
        case "conllu", "conll-u": self = .conllu
        case "jsonl", "spacy", "prodigy", "doccano", "spans": self = .jsonl
        case "label-studio", "labelstudio", "ls": self = .labelStudio
        case "brat", "standoff": self = .brat
        default: return nil
        }
    }

    /// The format of `path` judged from its content: a folder is brat; JSON starting with `[`
    /// is a Label Studio export, with `{` JSON lines; a first token line of 10 tab-separated
    /// columns with a numeric ID (or `# sent_id`/`# text` comments) is CoNLL-U; anything else
    /// is a column file. Gzip files are looked into.
    package static func detect(path: String) throws -> CorpusFormat {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { return .brat }
        if path.hasSuffix(".ann") { return .brat }
        // A model file given where a corpus goes: the column reader names it as such.
        if SafeTensorsSignature.matches(path: path) { return .conll }
        let reader = try LineReader(path: path)
        var looked = 0
        while let raw = try reader.next(), looked < 50 {
            var bytes = raw[...]
            if reader.lineNumber == 1 && bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
            guard let first = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
            looked += 1
            switch bytes[first] {
            case UInt8(ascii: "["): return .labelStudio
            case UInt8(ascii: "{"): return .jsonl
            case UInt8(ascii: "#"):
                let line = String(decoding: bytes, as: UTF8.self)
                if line.hasPrefix("# sent_id") || line.hasPrefix("# text") || line.hasPrefix("# newdoc") { return .conllu }
                continue
            default:
                let fields = bytes.split(separator: 0x09, omittingEmptySubsequences: false)
                if fields.count >= 10, let id = fields.first, !id.isEmpty,
                   id.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }) {
                    return .conllu
                }
                return .conll
            }
        }
        return .conll
    }
}

/// How corpus files are read: which format (nil: detected from the content), the columns of a
/// column file, and how annotation exports are put on tokens.
public struct CorpusReadOptions: Sendable, Equatable {
    /// The format; nil: detected from each file's content.
    public var format: CorpusFormat?
    /// Column files: which columns hold the token and the tag.
    public var columns: CoNLLColumns
    /// Annotation exports: what to do with a span off token boundaries.
    public var misaligned: MisalignedSpanPolicy
    /// The offset unit of the export; nil: the format's own (code points for every format read
    /// today; spans that carry their text are checked and read as UTF-16 when only that fits).
    public var offsets: OffsetUnit?
    /// Annotation exports without tokens: how their text is cut into tokens and sentences.
    public var tokenization: AnnotationTokenization
    /// Label Studio: which annotation of a task to read (1-based); nil: the last one not cancelled.
    public var annotation: Int?
    /// Label Studio: read a task's last prediction when it has no annotation (what `ner tag
    /// --format label-studio` writes).
    public var predictions: Bool

    /// Options with the defaults `ner` uses: format detected, the last column the tag, spans
    /// off token boundaries expanded to whole tokens, code points, `ner`'s tokenizer, the last
    /// annotation.
    public init(format: CorpusFormat? = nil, columns: CoNLLColumns = .init(), misaligned: MisalignedSpanPolicy = .expand,
                offsets: OffsetUnit? = nil, tokenization: AnnotationTokenization = .ner, annotation: Int? = nil,
                predictions: Bool = false) {
        self.format = format
        self.columns = columns
        self.misaligned = misaligned
        self.offsets = offsets
        self.tokenization = tokenization
        self.annotation = annotation
        self.predictions = predictions
    }
}
