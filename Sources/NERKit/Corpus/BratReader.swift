import Foundation

/// Reads brat standoff annotation: a folder of documents, each a `.txt` file (UTF-8) with a
/// `.ann` file of the same base name, one document at a time (in file name order). Of the `.ann`
/// lines only text-bound annotations are read: `T1<TAB>LABEL START END<TAB>text`, offsets in
/// code points (brat's server is Python) counted from the start of the `.txt` file, end
/// exclusive. A discontinuous annotation (`START END;START END`) cannot be a run of tags: it is
/// dropped and reported. Relations, events, attributes, notes and comments are ignored.
final class BratReader {
    let path: String
    private var documents: [String]
    private var index = 0
    /// Discontinuous annotations found in the documents read so far.
    package private(set) var adjustments: [AlignmentAdjustment] = []

    /// `path` is a folder, or one `.ann` or `.txt` file.
    init(path: String) throws {
        self.path = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw NERError(path: path, "no such file or folder") }
        if isDirectory.boolValue {
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
                throw NERError(path: path, "cannot list the folder: \(error.localizedDescription)")
            }
            documents = names.filter { $0.hasSuffix(".txt") }.sorted().map { (path as NSString).appendingPathComponent(String($0.dropLast(4))) }
            if documents.isEmpty { throw NERError(path: path, "no .txt files in the folder (brat standoff is a .txt and a .ann file per document)") }
        } else {
            documents = [String(path.dropLast(path.hasSuffix(".ann") || path.hasSuffix(".txt") ? 4 : 0))]
        }
    }

    /// The next document, or nil when all are read.
    func next() throws -> AnnotatedText? {
        guard index < documents.count else { return nil }
        let base = documents[index]
        index += 1
        let textPath = base + ".txt", annPath = base + ".ann"
        guard let textData = FileManager.default.contents(atPath: textPath) else { throw NERError(path: textPath, "cannot read the text file") }
        guard let text = String(validating: Array(textData), as: UTF8.self) else { throw NERError(path: textPath, "invalid UTF-8") }
        guard FileManager.default.fileExists(atPath: annPath) else {
            throw NERError(path: annPath, "missing: every .txt file needs its .ann file (an empty one for a document without entities)")
        }
        let reader = try LineReader(path: annPath)
        let name = (annPath as NSString).lastPathComponent
        var spans: [CharacterSpan] = []
        while let bytes = try reader.next() {
            guard let line = String(validating: bytes, as: UTF8.self) else { throw NERError(path: annPath, line: reader.lineNumber, "invalid UTF-8") }
            guard line.hasPrefix("T") else { continue }
            let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count >= 2 else {
                throw NERError(path: annPath, line: reader.lineNumber, "a text-bound annotation is ID<TAB>TYPE START END<TAB>TEXT; this line has no tab")
            }
            let parts = fields[1].split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else {
                throw NERError(path: annPath, line: reader.lineNumber, "expected TYPE START END after the ID, found \"\(fields[1])\"")
            }
            let label = String(parts[0])
            var ranges: [(Int, Int)] = []
            for piece in parts[1].split(separator: ";") {
                let numbers = piece.split(separator: " ")
                guard numbers.count == 2, let s = Int(numbers[0]), let e = Int(numbers[1]) else {
                    throw NERError(path: annPath, line: reader.lineNumber, "offsets \"\(piece)\" are not START END (two whole numbers)")
                }
                ranges.append((s, e))
            }
            let spanText = fields.count > 2 ? String(fields[2]) : nil
            if ranges.count > 1 {
                let location = RecordLocation(path: annPath, line: reader.lineNumber, name: "\(name) line \(reader.lineNumber)")
                adjustments.append(AlignmentAdjustment(.droppedDiscontinuous, location, start: ranges[0].0, end: ranges[ranges.count - 1].1, label: label,
                                                       detail: "\(fields[0]) has \(ranges.count) pieces (\(parts[1])); a tag sequence cannot hold a gap"))
                continue
            }
            spans.append(CharacterSpan(start: ranges[0].0, end: ranges[0].1, label: label,
                                       text: spanText.map { $0.contains("\n") || $0.contains("\r") ? nil : $0 } ?? nil, line: reader.lineNumber))
        }
        return AnnotatedText(text: text, spans: spans, location: RecordLocation(path: annPath, line: nil, name: name))
    }
}
