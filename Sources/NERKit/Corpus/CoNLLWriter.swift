import Foundation

/// Writes sentences back as they were read, each line with a predicted tag appended as a new last
/// column — the layout conlleval and `ner eval` read (`token ... gold predicted`).
///
/// The new column is separated by a tab if the line used tabs, else by a space. Sentences are
/// followed by a blank line. A `-DOCSTART-` line is written before the sentence that starts its
/// document, with `O` appended so every line has the same number of columns, then a blank line.
/// Comment lines are written back unchanged.
public struct CoNLLWriter<Output: TextOutputStream> {
    public var output: Output

    public init(to output: Output) {
        self.output = output
    }

    /// Writes one sentence; `predicted` must have one tag per token.
    public mutating func write(_ sentence: CoNLLSentence, predicted: [String]) throws {
        output.write(try Self.format(sentence, predicted: predicted))
    }

    /// The text `write` produces for one sentence.
    public static func format(_ sentence: CoNLLSentence, predicted: [String]) throws -> String {
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

/// A `TextOutputStream` writing UTF-8 to a file handle (standard output, a file) through a buffer,
/// so writing a corpus line by line does not cost a system call per line. Call `flush()` at the end.
public final class FileHandleOutputStream: TextOutputStream {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private let capacity: Int

    public init(_ handle: FileHandle, bufferSize: Int = 1 << 16) {
        self.handle = handle
        self.capacity = bufferSize
        buffer.reserveCapacity(bufferSize)
    }

    deinit { flush() }

    public func write(_ string: String) {
        buffer.append(contentsOf: string.utf8)
        if buffer.count >= capacity { flush() }
    }

    public func flush() {
        guard !buffer.isEmpty else { return }
        // A closed reader (`ner tag ... | head`) is not an error worth a crash report.
        try? handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
