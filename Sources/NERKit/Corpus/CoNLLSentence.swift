/// Which whitespace-separated columns of a CoNLL-style file hold the token and the tag. Indices
/// are 0-based; negative ones count from the end (-1 is the last column), so the defaults fit
/// CoNLL-2003 (`token POS chunk tag`) as well as two-column `token tag` files.
public struct CoNLLColumns: Sendable, Equatable {
    /// The column of the token (0: the first).
    public var token: Int = 0
    /// The column of the tag (-1: the last).
    public var tag: Int = -1

    /// The token in column `token` and the tag in column `tag` (negative: from the end).
    public init(token: Int = 0, tag: Int = -1) {
        self.token = token
        self.tag = tag
    }

    /// The 0-based index `index` names in a line of `count` columns, or nil if there is no such column.
    static func resolve(_ index: Int, count: Int) -> Int? {
        let resolved = index < 0 ? count + index : index
        return resolved >= 0 && resolved < count ? resolved : nil
    }
}

/// One sentence of a column file, with what is needed to write it back unchanged plus predictions.
package struct CoNLLSentence: Sendable, Equatable {
    package var tokens: [String]
    /// The gold tags; empty when read with `requireTags: false`.
    package var tags: [String]
    /// The original lines of the tokens (without line terminator), for writing back.
    package var lines: [String]
    /// The 1-based line number of each token.
    var lineNumbers: [Int]
    /// True for the first sentence after a `-DOCSTART-` line.
    package var startsDocument: Bool
    /// The `-DOCSTART-` line itself when `startsDocument` is true, to write it back as it was.
    var documentLine: String?
    /// Comment lines (`#` and text) that came with this sentence; they are not tokens.
    var comments: [String]

    package init(tokens: [String], tags: [String] = [], lines: [String]? = nil, lineNumbers: [Int] = [],
                startsDocument: Bool = false, documentLine: String? = nil, comments: [String] = []) {
        self.tokens = tokens
        self.tags = tags
        self.lines = lines ?? tokens
        self.lineNumbers = lineNumbers
        self.startsDocument = startsDocument
        self.documentLine = documentLine
        self.comments = comments
    }

    /// The line of the first token, where messages about the whole sentence point.
    package var firstLine: Int? { lineNumbers.first }
}
