import Foundation

/// Writes sentences back as they were read, each line with a predicted tag appended as a new last
/// column — the layout conlleval and `ner eval` read (`token ... gold predicted`).
///
/// The new column is separated by a tab if the line used tabs, else by a space. Sentences are
/// followed by a blank line. A `-DOCSTART-` line is written before the sentence that starts its
/// document, with `O` appended so every line has the same number of columns, then a blank line.
/// Comment lines are written back unchanged.
package struct CoNLLWriter<Output: TextOutputStream> {
    package var output: Output

    package init(to output: Output) {
        self.output = output
    }

    /// Writes one sentence; `predicted` must have one tag per token.
    package mutating func write(_ sentence: CoNLLSentence, predicted: [String]) throws {
        output.write(try Self.format(sentence, predicted: predicted))
    }

    /// The text `write` produces for one sentence.
    package static func format(_ sentence: CoNLLSentence, predicted: [String]) throws -> String {
        guard predicted.count == sentence.lines.count else {
            let at = sentence.firstLine.map { " (the sentence at line \($0))" } ?? ""
            throw NERError("\(predicted.count) predicted tags for \(sentence.lines.count) tokens\(at)")
        }
        var text = ""
        if sentence.startsDocument {
            let line = sentence.documentLine ?? "-DOCSTART-"
            text += line + separator(for: line) + "O\n\n"
        }
        for comment in sentence.comments { text += comment + "\n" }
        for (line, tag) in zip(sentence.lines, predicted) {
            text += line + separator(for: line) + tag + "\n"
        }
        text += "\n"
        return text
    }

    private static func separator(for line: String) -> String {
        line.utf8.contains(UInt8(ascii: "\t")) ? "\t" : " "
    }
}
