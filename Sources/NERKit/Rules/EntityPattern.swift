/// One rule of a patterns file: a label, what it matches, and an optional id echoed with every
/// match (an entity ID for linking).
struct EntityPattern: Sendable {
    /// What a rule matches.
    enum Body: Sendable {
        /// A phrase, as ner's tokenizer splits it (NFC), matched token by token as written, or
        /// whatever the case with `lower` (the tokens are then lowercase).
        case phrase(tokens: [String], lower: Bool)
        /// A token pattern.
        case tokens([TokenSpec])
    }

    var label: String
    var body: Body
    var id: String?

    init(label: String, body: Body, id: String? = nil) {
        self.label = label
        self.body = body
        self.id = id
    }

    /// Reads one line of a patterns file: a JSON object close to spaCy's entity ruler,
    ///
    ///     {"label": "PRODUCT", "pattern": "Teddy bears", "id": "teddy"}
    ///     {"label": "PRODUCT", "pattern": "teddy bears", "lower": true}
    ///     {"label": "ORG", "pattern": [{"lower": "acme"}, {"lower": "corp", "op": "?"}]}
    ///
    /// or a gazetteer line, `LABEL<TAB>phrase`. Nil for a blank line or a `#` comment. Throws
    /// `NERError` naming `path`, `line` and what is wrong.
    static func parse(line bytes: [UInt8], path: String, line: Int, tokenizer: Tokenizer) throws -> EntityPattern? {
        if let bad = UTF8Validation.firstInvalidIndex(bytes) {
            throw NERError(path: path, line: line, "invalid UTF-8 at byte \(bad + 1)")
        }
        var first = 0
        while first < bytes.count, bytes[first] == 0x20 || bytes[first] == 0x09 { first += 1 }
        guard first < bytes.count, bytes[first] == UInt8(ascii: "{") else {
            let text = String(decoding: bytes, as: UTF8.self)
            guard let entry = try GazetteerLine.parse(text, path: path, line: line) else { return nil }
            return try phrase(entry.phrase, label: entry.label, lower: false, id: nil, tokenizer: tokenizer, path: path, line: line)
        }
        do {
            return try fromJSON(bytes, tokenizer: tokenizer, path: path, line: line)
        } catch let problem as PatternProblem {
            throw NERError(path: path, line: line, problem.message)
        }
    }

    private static func fromJSON(_ bytes: [UInt8], tokenizer: Tokenizer, path: String, line: Int) throws -> EntityPattern {
        let json: HeaderJSON
        do {
            json = try HeaderJSON.parse(bytes[...])
        } catch let error as HeaderJSON.SyntaxError {
            throw PatternProblem("invalid JSON at byte \(error.offset + 1): \(error.message)")
        }
        guard case .object(let members) = json else { throw PatternProblem("not a JSON object but \(json.kind)") }
        var label: String?, pattern: HeaderJSON?, id: String?, lower = false
        for (key, value) in members {
            switch key {
            case "label":
                guard case .string(let s) = value else { throw PatternProblem("\"label\" must be a string, not \(value.kind)") }
                label = s
            case "pattern":
                pattern = value
            case "id":
                guard case .string(let s) = value else { throw PatternProblem("\"id\" must be a string, not \(value.kind)") }
                id = s
            case "lower":
                guard case .bool(let b) = value else { throw PatternProblem("\"lower\" must be true or false, not \(value.kind)") }
                lower = b
            default:
                throw PatternProblem("unknown field \(JSONText.quoted(key)) (a pattern has \"label\", \"pattern\", and optionally \"id\" and \"lower\")")
            }
        }
        guard let label else { throw PatternProblem("no \"label\" field") }
        if let problem = GazetteerLine.labelProblem(label) { throw PatternProblem(problem) }
        guard let pattern else { throw PatternProblem("no \"pattern\" field") }
        switch pattern {
        case .string(let text):
            return try phrase(text, label: label, lower: lower, id: id, tokenizer: tokenizer, path: path, line: line)
        case .array(let elements):
            if members.contains(where: { $0.key == "lower" }) {
                throw PatternProblem("\"lower\" applies to phrase patterns; in a token pattern use {\"lower\": ...} on each token")
            }
            var specs: [TokenSpec] = []
            for (k, element) in elements.enumerated() {
                do {
                    specs.append(try TokenSpec.parse(element))
                } catch let problem as PatternProblem {
                    throw PatternProblem("token \(k + 1) of the pattern: \(problem.message)")
                }
            }
            _ = try TokenPattern(specs)  // empty, too long or all optional: said here, with the line
            return EntityPattern(label: label, body: .tokens(specs), id: id)
        default:
            throw PatternProblem("\"pattern\" must be a string (a phrase) or an array of token objects, not \(pattern.kind)")
        }
    }

    private static func phrase(_ text: String, label: String, lower: Bool, id: String?, tokenizer: Tokenizer,
                               path: String, line: Int) throws -> EntityPattern {
        var tokens = plainWords(text) ?? tokenizer.tokenize(text).map(\.normalized)
        guard !tokens.isEmpty else { throw NERError(path: path, line: line, "the phrase has no tokens") }
        if lower { tokens = tokens.map { $0.lowercased() } }
        let length = tokens.reduce(tokens.count - 1) { $0 + $1.utf8.count }
        guard length <= PhraseTable.maxPhraseBytes else {
            throw NERError(path: path, line: line, "the phrase is \(length) bytes long; a phrase has at most \(PhraseTable.maxPhraseBytes)")
        }
        return EntityPattern(label: label, body: .phrase(tokens: tokens, lower: lower), id: id)
    }

    /// The tokens of a phrase made only of ASCII letters and digits between spaces: its words,
    /// exactly what the tokenizer makes of it (a run of word characters is one token, and
    /// nothing in it can join or split words), found without the tokenizer's general machinery
    /// (a million phrases load in a third of the time). Nil for any other phrase.
    private static func plainWords(_ text: String) -> [String]? {
        var words: [String] = []
        var isPlain = true
        var copy = text
        copy.withUTF8 { bytes in
            var start = -1
            for (i, b) in bytes.enumerated() {
                if b == 0x20 {
                    if start >= 0 { words.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)) }
                    start = -1
                } else if (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) {
                    if start < 0 { start = i }
                } else {
                    isPlain = false
                    return
                }
            }
            if start >= 0 { words.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self)) }
        }
        return isPlain ? words : nil
    }
}
