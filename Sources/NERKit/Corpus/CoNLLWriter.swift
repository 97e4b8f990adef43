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
        let docLine = sentence.startsDocument ? sentence.documentLine ?? "-DOCSTART-" : nil
        var size = 1
        if let docLine { size += docLine.utf8.count + 4 }
        for comment in sentence.comments { size += comment.utf8.count + 1 }
        for (line, tag) in zip(sentence.lines, predicted) { size += line.utf8.count + tag.utf8.count + 2 }
        return Self.text(size: size) { put in
            if let docLine {
                put.string(docLine)
                put.byte(separator(for: docLine))
                put.string("O\n\n")
            }
            for comment in sentence.comments {
                put.string(comment)
                put.byte(10)
            }
            for (line, tag) in zip(sentence.lines, predicted) {
                put.string(line)
                put.byte(separator(for: line))
                put.string(tag)
                put.byte(10)
            }
            put.byte(10)
        }
    }

    /// Tokens and their tags as two tab-separated columns, a line each, then a blank line (what
    /// `ner tag --format conll` writes for input that was not CoNLL).
    package static func format(tokens: [String], tags: [String]) -> String {
        var size = 1
        for (token, tag) in zip(tokens, tags) { size += token.utf8.count + tag.utf8.count + 2 }
        return Self.text(size: size) { put in
            for (token, tag) in zip(tokens, tags) {
                put.string(token)
                put.byte(9)
                put.string(tag)
                put.byte(10)
            }
            put.byte(10)
        }
    }

    /// Writes pieces of UTF-8 into a string's storage.
    private struct Bytes {
        var buffer: UnsafeMutableBufferPointer<UInt8>
        var at = 0

        @inline(__always)
        mutating func byte(_ b: UInt8) {
            precondition(at < buffer.count)
            buffer[at] = b
            at += 1
        }

        @inline(__always)
        mutating func string(_ s: String) {
            var s = s
            s.withUTF8 { utf8 in
                guard let from = utf8.baseAddress else { return }
                precondition(utf8.count <= buffer.count - at)
                (buffer.baseAddress! + at).update(from: from, count: utf8.count)
                at += utf8.count
            }
        }
    }

    /// A string of at most `size` UTF-8 bytes, written by `body` straight into its storage: one
    /// allocation, where appending each piece to a `String` cost several hundred instructions a
    /// piece and `a + b + c` an allocation per `+`.
    @inline(__always)
    private static func text(size: Int, _ body: (inout Bytes) -> Void) -> String {
        String(unsafeUninitializedCapacity: size) { buffer in
            var put = Bytes(buffer: buffer)
            body(&put)
            return put.at
        }
    }

    /// A tab if the line holds one, else a space.
    private static func separator(for line: String) -> UInt8 {
        let tab = line.utf8.withContiguousStorageIfAvailable { $0.firstIndex(of: 9) != nil }
            ?? line.utf8.contains(UInt8(ascii: "\t"))
        return tab ? 9 : 32
    }
}
