import Foundation
import NERKit

/// How `ner tag` reads its input.
package enum TagInputFormat: String, Sendable, CaseIterable {
    /// Raw text, split into sentences and tokens by `Tokenizer`.
    case text
    /// One sentence per line, tokens separated by spaces or tabs.
    case tokens
    /// CoNLL-style column files, one token per line, blank lines between sentences.
    case conll
}

/// A source of sentences to tag, read in input order.
package protocol TagInput: AnyObject {
    /// The next sentence, or nil at the end of the input.
    func next() throws -> TagInputSentence?
    /// A warning about the input seen since the last call (invalid UTF-8), reported once.
    func takeWarning() -> NERError?
}

extension TagInput {
    package func takeWarning() -> NERError? { nil }
}

/// Opens the `TagInput` for one file (or standard input, when `path` is nil).
package enum TagInputOpener {
    /// `interactive`: each line of text input is tagged as soon as it ends (for a terminal)
    /// instead of at the end of its paragraph. Column files from standard input go through the
    /// same reader as files (`LineReader`), which hands over each line as soon as it arrives.
    package static func open(_ format: TagInputFormat, path: String?, columns: CoNLLColumns = .init(),
                            interactive: Bool = false) throws -> TagInput {
        switch format {
        case .conll:
            return try CoNLLTagInput(path: path, columns: columns)
        case .text, .tokens:
            let input = try InputFile(path: path)
            // Paragraphs and lines are cut at 256 KB: a paragraph is tokenised whole, which costs
            // tens of bytes per input byte until it is tagged. From 1 MB, this took the peak of
            // `ner tag` over a 55 MB line from 208 to 105 MiB (as token lines, 135 to 87 MiB) at the
            // same speed; text made of shorter paragraphs is read as before.
            let reader = ParagraphReader(input: input, maxParagraphBytes: format == .tokens || interactive ? 1 : 1 << 18,
                                         maxLineBytes: 1 << 18)
            if format == .text { return TextTagInput(reader, file: path) }
            let lines = TokenLineTagInput(reader, file: path)
            lines.linesAreDocuments = interactive
            return lines
        }
    }
}

/// The once-per-input warning about invalid UTF-8 that `ParagraphReader` repaired.
func invalidUTF8Warning(_ reader: ParagraphReader, alreadyWarned: inout Bool) -> NERError? {
    guard !alreadyWarned, let line = reader.firstInvalidLine else { return nil }
    alreadyWarned = true
    return NERError(path: reader.path, line: line, "invalid UTF-8, replaced with U+FFFD")
}
