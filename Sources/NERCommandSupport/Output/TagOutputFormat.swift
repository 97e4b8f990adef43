import NERKit

/// How `ner tag` writes what it found.
package enum TagOutputFormat: String, Sendable, CaseIterable {
    /// `token<TAB>tag` per line and a blank line after each sentence; for column-file input, the
    /// original lines with the predicted tag appended.
    case conll
    /// One JSON object per sentence and line (JSON Lines).
    case json
    /// One sentence per line with entities bracketed: `[PER Teddy Roosevelt] was ...`.
    case inline
    /// One self-contained HTML page with the entities highlighted.
    case html

    /// What a user most likely wants for each kind of input: readable lines for text and
    /// tokens, and the same column layout back for column files.
    package static func defaultFormat(for input: TagInputFormat) -> TagOutputFormat {
        input == .conll ? .conll : .inline
    }

    /// Whether the format shows entity probabilities (worth computing only then).
    package var showsScores: Bool { self == .json || self == .html }
}

/// Turns tagged sentences into the text of one output format, in input order. Formats with a
/// frame (HTML) open it with the first sentence and close it in `finish()`, so empty input gives
/// no output at all.
package struct TagOutputFormatter {
    package let format: TagOutputFormat
    private var html: TagHTMLPage
    private var opened = false

    /// `entityTypes` (the model's) make the HTML legend.
    package init(format: TagOutputFormat, entityTypes: [String] = []) {
        self.format = format
        html = TagHTMLPage(entityTypes: entityTypes)
    }

    /// The output for one sentence and the tagger's result for it.
    package mutating func format(_ sentence: TagInputSentence, _ result: TaggedSentence) throws -> String {
        var out = ""
        if !opened {
            opened = true
            if format == .html { out += html.header() }
        }
        switch format {
        case .conll:
            let text = if let conll = sentence.conll {
                try CoNLLWriter<String>.format(conll, predicted: result.tags)
            } else {
                CoNLLWriter<String>.format(tokens: sentence.tokens.map(\.normalized), tags: result.tags)
            }
            // The sentence's text taken as it is rather than copied onto an empty string.
            if out.isEmpty { out = text } else { out += text }
        case .json:
            out += TagJSONLine.line(sentence, result)
        case .inline:
            out += Self.inline(sentence, result)
        case .html:
            out += html.sentence(sentence, result)
        }
        return out
    }

    /// What ends the output (the end of the HTML page), or "" if nothing was written.
    package mutating func finish() -> String {
        guard opened, format == .html else { return "" }
        return html.footer()
    }

    /// `[PER Teddy Roosevelt] was a great President .` and a newline.
    static func inline(_ sentence: TagInputSentence, _ result: TaggedSentence) -> String {
        var out = ""
        var k = 0
        var entities = result.entities.makeIterator()
        var entity = entities.next()
        while k < sentence.tokens.count {
            if k > 0 { out += " " }
            if let e = entity, e.tokenStart == k, e.tokenEnd > k, e.tokenEnd <= sentence.tokens.count {
                out += "[" + e.label + " " + sentence.tokens[k..<e.tokenEnd].map(\.normalized).joined(separator: " ") + "]"
                k = e.tokenEnd
                entity = entities.next()
            } else {
                out += sentence.tokens[k].normalized
                k += 1
                while let e = entity, e.tokenStart < k { entity = entities.next() }
            }
        }
        return out + "\n"
    }
}
