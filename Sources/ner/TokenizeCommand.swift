import ArgumentParser
import Foundation
import NERCommandSupport
import NERKit

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Split raw text into sentences and tokens, the way `ner tag` sees it.",
        discussion: """
        Reads UTF-8 text on standard input and prints one sentence per line, tokens separated by \
        a single space. Tokens follow CoNLL-2003 / Penn Treebank conventions: punctuation is split \
        off, abbreviations (Mr., U.S., Inc.), numbers (1,000.50, 12:30), hyphenated words, URLs, \
        e-mail addresses, @handles and #hashtags stay whole, "'s" and "n't" are split. Tokens are \
        printed in Unicode NFC form. A blank line always ends a sentence; a single newline does not. \
        In a paragraph written all in lower case (chat, transcripts) or all in capitals \
        (headlines), ". ! ?" before a word ends a sentence whatever the word's case, and \
        abbreviations are recognised in that case too ("mr. smith", "ACME INC.").

        The input is processed paragraph by paragraph (paragraphs end at blank lines), so output \
        starts before the input ends. Invalid UTF-8 is replaced with U+FFFD and reported once on \
        standard error.

        EXAMPLES
          $ echo "Mr. Smith went to Washington. He arrived on Jan. 5." | ner tokenize
          Mr. Smith went to Washington .
          He arrived on Jan. 5 .
          $ ner tokenize --format conll < article.txt
          $ ner tokenize --format conll --offsets < article.txt
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, conll
    }

    @Option(help: "Output format: 'text' (one sentence per line) or 'conll' (one token per line, a blank line after each sentence).")
    var format: Format = .text

    @Flag(help: "With --format conll, add four tab-separated columns to each token: its start and end as Unicode scalar offsets, then as UTF-8 byte offsets into the input (end exclusive).")
    var offsets = false

    func validate() throws {
        if offsets && format != .conll {
            throw ValidationError("--offsets needs --format conll")
        }
    }

    func run() throws {
        let reader = ParagraphReader(fileDescriptor: FileHandle.standardInput.fileDescriptor)
        let tokenizer = Tokenizer()
        let stdout = FileHandleOutputStream(FileHandle.standardOutput)
        var warned = false
        while let paragraph = try reader.next() {
            if !warned, let line = reader.firstInvalidLine {
                Diagnostics.warning(NERError(path: "<stdin>", line: line, "invalid UTF-8, replaced with U+FFFD"))
                warned = true
            }
            var out = ""
            for sentence in tokenizer.sentences(paragraph.text, scalarBase: paragraph.scalarBase,
                                                byteBase: paragraph.byteBase) {
                switch format {
                case .text:
                    out += sentence.tokens.map(\.normalized).joined(separator: " ")
                    out += "\n"
                case .conll:
                    for t in sentence.tokens {
                        out += t.normalized
                        if offsets { out += "\t\(t.scalarStart)\t\(t.scalarEnd)\t\(t.byteStart)\t\(t.byteEnd)" }
                        out += "\n"
                    }
                    out += "\n"
                }
            }
            stdout.write(out)
            try stdout.check(name: "standard output")
        }
    }
}
