import Foundation

/// A lexicon of the user's own: a gazetteer file of `LABEL<TAB>phrase` lines (the format
/// `ner tag --patterns` reads; `#` comments and blank lines skipped; gzip allowed). Each label
/// becomes a category, in the order of its first line (at most `LexiconEntries.maxCategories`),
/// and each phrase is split into tokens as ner tokenises text, so that it matches the tokens
/// the model sees.
enum LexiconFileReader {
    /// Reads the file; a malformed line, a label beyond the category limit or a file without a
    /// single entry is an error naming the file (and the line).
    static func read(path: String) throws -> LexiconEntries {
        let reader = try LineReader(path: path)
        let tokenizer = Tokenizer()
        var categories: [String] = []
        var lines: [(category: Int, tokens: [String])] = []
        while let bytes = try reader.next() {
            let text = String(decoding: bytes, as: UTF8.self)
            guard let entry = try GazetteerLine.parse(text, path: path, line: reader.lineNumber) else { continue }
            var category = categories.firstIndex(of: entry.label)
            if category == nil {
                guard categories.count < LexiconEntries.maxCategories else {
                    throw NERError(path: path, line: reader.lineNumber,
                                   "the label \(entry.label) would be category \(categories.count + 1): a lexicon has at most \(LexiconEntries.maxCategories)")
                }
                categories.append(entry.label)
                category = categories.count - 1
            }
            lines.append((category!, tokenizer.tokenize(entry.phrase).map(\.normalized)))
        }
        guard !lines.isEmpty else { throw NERError(path: path, "no LABEL<TAB>phrase line: the lexicon is empty") }
        var entries = LexiconEntries(source: (path as NSString).lastPathComponent, categories: categories)
        for line in lines { entries.add(tokens: line.tokens, category: line.category) }
        return entries
    }
}
