/// One line of a plain gazetteer, `LABEL<TAB>phrase`: an entity type and a phrase of that type,
/// as `ner tag --patterns` reads it (and any other reader of label lists can). The phrase is
/// everything after the first tab, spaces around it trimmed; it is not tokenised here.
struct GazetteerLine: Sendable, Equatable {
    var label: String
    var phrase: String

    init(label: String, phrase: String) {
        self.label = label
        self.phrase = phrase
    }

    /// Reads one line (without its terminator). Nil for a line that holds nothing: empty, only
    /// whitespace, or a comment starting with `#`. Throws `NERError` naming `path` and `line`
    /// for anything else that is not `LABEL<TAB>phrase` with a usable label and a phrase.
    static func parse(_ text: String, path: String, line: Int) throws -> GazetteerLine? {
        let trimmed = text.trimmingSpaces
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return nil }
        guard let tab = text.firstIndex(of: "\t") else {
            throw NERError(path: path, line: line, "expected LABEL<TAB>phrase or a JSON object, found no tab")
        }
        let label = String(text[..<tab]).trimmingSpaces
        let phrase = String(text[text.index(after: tab)...]).trimmingSpaces
        if let problem = labelProblem(label) { throw NERError(path: path, line: line, problem) }
        guard !phrase.isEmpty else { throw NERError(path: path, line: line, "empty phrase after the label \(label)") }
        guard !phrase.contains("\t") else {
            throw NERError(path: path, line: line, "more than one tab: expected LABEL<TAB>phrase")
        }
        return GazetteerLine(label: label, phrase: phrase)
    }

    /// Why `label` cannot be an entity type (nil when it can): it must be non-empty, free of
    /// whitespace and not `O`, so that `B-label` is a tag every scheme can write.
    static func labelProblem(_ label: String) -> String? {
        if label.isEmpty { return "empty label" }
        // ASCII labels (nearly all) are checked byte by byte: Unicode's whitespace property is a
        // table lookup per character, a noticeable part of reading a million rules.
        let ascii = label.utf8.allSatisfy { $0 < 0x80 }
        if ascii ? label.utf8.contains(where: { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) })
                 : label.unicodeScalars.contains(where: { $0.properties.isWhitespace }) {
            return "the label \"\(label)\" contains whitespace"
        }
        if label == "O" { return "\"O\" cannot be a label: it is the tag for no entity" }
        return nil
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs, carriage returns and line feeds.
    fileprivate var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
