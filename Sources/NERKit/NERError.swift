/// An error the user can act on. Its description is the whole message the CLI prints on stderr,
/// for input errors in the `path:line: message` form that editors and `grep -n` use.
public struct NERError: Error, CustomStringConvertible, Equatable {
    public var path: String?
    public var line: Int?
    public var message: String

    public init(path: String? = nil, line: Int? = nil, _ message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String {
        switch (path, line) {
        case let (p?, l?): return "\(p):\(l): \(message)"
        case let (p?, nil): return "\(p): \(message)"
        default: return message
        }
    }
}
