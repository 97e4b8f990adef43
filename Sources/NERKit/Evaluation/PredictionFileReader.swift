/// One sentence of a predictions file: its words (when the file has a word column), the gold
/// tags and the predicted tags, and the line its first token is on.
package struct PredictionSentence: Hashable, Sendable {
    package var tokens: [String]?
    package var gold: [String]
    package var predicted: [String]
    package var line: Int
}

/// Reads the layout conlleval reads: one token per line, columns separated by spaces or tabs,
/// the last two columns the gold tag and the predicted tag, the first (when there are three or
/// more) the word. Blank lines and lines starting with `-DOCSTART-` or `-X-` separate sentences
/// and are not tokens. Every token line must have as many columns as the first and tags must be
/// `O` or `B-`, `I-`, `E-`, `S-` followed by a type; anything else is an error naming the line.
///
/// Unlike conlleval, a `-DOCSTART-` line is not counted as a token, so token counts and
/// accuracy are over the text's tokens only.
package final class PredictionFileReader {
    private let reader: LineReader
    /// The name used in error messages.
    package let displayPath: String
    private var expectedColumns: Int? = nil
    private var firstTokenLine = 0

    package init(path: String, displayPath: String? = nil) throws {
        reader = try LineReader(path: path)
        self.displayPath = displayPath ?? path
    }

    /// The next sentence, or nil at the end of the file.
    package func next() throws -> PredictionSentence? {
        var sentence = PredictionSentence(tokens: nil, gold: [], predicted: [], line: 0)
        var words: [String] = []
        while let bytes = try readLine() {
            let fields = Self.fields(of: bytes)
            if fields.isEmpty || Self.isBoundary(fields[0]) {
                if sentence.gold.isEmpty { continue }
                break
            }
            let line = reader.lineNumber
            guard fields.count >= 2 else {
                throw NERError(path: displayPath, line: line,
                               "expected at least 2 columns (gold tag, predicted tag), found 1")
            }
            if let expected = expectedColumns, expected != fields.count {
                throw NERError(path: displayPath, line: line,
                               "found \(fields.count) columns, expected \(expected) as on line \(firstTokenLine)")
            }
            if expectedColumns == nil {
                expectedColumns = fields.count
                firstTokenLine = line
            }
            let gold = try text(fields[fields.count - 2], line: line)
            let predicted = try text(fields[fields.count - 1], line: line)
            guard ParsedTag(gold) != nil else { throw malformed("gold", gold, line: line) }
            guard ParsedTag(predicted) != nil else { throw malformed("predicted", predicted, line: line) }
            if sentence.gold.isEmpty { sentence.line = line }
            sentence.gold.append(gold)
            sentence.predicted.append(predicted)
            if fields.count >= 3 { words.append(try text(fields[0], line: line)) }
        }
        guard !sentence.gold.isEmpty else { return nil }
        if !words.isEmpty { sentence.tokens = words }
        return sentence
    }

    private func readLine() throws -> [UInt8]? {
        do {
            return try reader.next()
        } catch var error as NERError {
            error.path = displayPath
            throw error
        }
    }

    private func text(_ bytes: ArraySlice<UInt8>, line: Int) throws -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw NERError(path: displayPath, line: line, "not valid UTF-8")
        }
        return text
    }

    private func malformed(_ which: String, _ tag: String, line: Int) -> NERError {
        NERError(path: displayPath, line: line,
                 "malformed \(which) tag '\(tag)': expected O or B-, I-, E-, S- followed by a type")
    }

    /// Whether a tag is `O` or a prefix B, I, E or S, a hyphen and a non-empty type.
    private static func isBoundary(_ field: ArraySlice<UInt8>) -> Bool {
        field.elementsEqual("-DOCSTART-".utf8) || field.elementsEqual("-X-".utf8)
    }

    /// The line split at runs of spaces and tabs.
    private static func fields(of line: [UInt8]) -> [ArraySlice<UInt8>] {
        line.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
    }
}
