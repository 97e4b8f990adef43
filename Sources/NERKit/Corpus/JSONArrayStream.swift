/// Streams the elements of a top-level JSON array (a Label Studio export) one at a time, so an
/// export of any size is read with the memory of one task: the bytes of each element are cut out
/// by tracking strings, escapes and nesting depth, and parsed by the caller. Lines come from
/// `LineReader` (gzip works). Checks the array's frame (`[`, commas, `]`, nothing after it); each
/// element's own JSON is checked by whoever parses it.
final class JSONArrayStream {
    let path: String
    private let reader: LineReader
    private var line: [UInt8] = []
    private var position = 0
    private var state = State.beforeArray
    /// How many elements have been returned.
    package private(set) var count = 0

    private enum State { case beforeArray, beforeElement, afterElement, done }

    init(path: String) throws {
        self.path = path
        reader = try LineReader(path: path)
    }

    /// The next element's bytes and the line it starts on, or nil after the closing `]`.
    func next() throws -> (bytes: [UInt8], line: Int)? {
        var element: [UInt8] = []
        var startLine = 0
        var depth = 0, inString = false, escaped = false
        while true {
            if position >= line.count {
                guard let next = try reader.next() else {
                    switch state {
                    case .done: return nil
                    case .beforeArray: throw NERError(path: path, "empty file: expected a JSON array of tasks")
                    default:
                        throw NERError(path: path, line: reader.lineNumber, "the JSON array is not closed (the file ends inside it)")
                    }
                }
                line = next
                if reader.lineNumber == 1 && line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
                position = 0
                if depth > 0 { element.append(0x0A) }
                continue
            }
            let c = line[position]
            position += 1
            if depth > 0 {
                element.append(c)
                if inString {
                    if escaped { escaped = false } else if c == 0x5C { escaped = true } else if c == 0x22 { inString = false }
                    continue
                }
                switch c {
                case 0x22: inString = true
                case 0x7B, 0x5B: depth += 1
                case 0x7D, 0x5D:
                    depth -= 1
                    if depth == 0 {
                        state = .afterElement
                        count += 1
                        return (element, startLine)
                    }
                default: break
                }
                continue
            }
            if c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A { continue }
            switch state {
            case .beforeArray:
                guard c == 0x5B else { throw frameError(c, "expected '[' (a Label Studio export is a JSON array of tasks)") }
                state = .beforeElement
            case .beforeElement, .afterElement:
                if c == 0x5D {
                    if state == .beforeElement && count > 0 { throw frameError(c, "a ']' after a ','") }
                    state = .done
                } else if c == 0x2C && state == .afterElement {
                    state = .beforeElement
                } else if state == .beforeElement && (c == 0x7B || c == 0x5B) {
                    depth = 1
                    element = [c]
                    startLine = reader.lineNumber
                } else if state == .beforeElement && c != 0x2C {
                    throw frameError(c, "expected a task object")
                } else {
                    throw frameError(c, "expected ',' or ']' after a task")
                }
            case .done:
                throw frameError(c, "text after the end of the JSON array")
            }
        }
    }

    private func frameError(_ c: UInt8, _ message: String) -> NERError {
        let shown = c >= 0x20 && c < 0x7F ? "'\(Character(Unicode.Scalar(c)))'" : "byte 0x\(String(c, radix: 16))"
        return NERError(path: path, line: reader.lineNumber, "\(message), found \(shown) at byte \(position) of the line")
    }
}
