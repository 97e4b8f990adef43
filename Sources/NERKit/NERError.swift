/// An error the user can act on. Its description is the whole message the CLI prints on stderr,
/// for input errors in the `path:line: message` form that editors and `grep -n` use.
public struct NERError: Error, CustomStringConvertible, Equatable {
    /// The file the error is about, if any (nil for standard input or no file).
    public var path: String?
    /// The 1-based line of `path` the error is about, if known.
    public var line: Int?
    /// What was wrong, without the path and line (``description`` adds them).
    public var message: String
    /// What the user can do about it, when the library knows; ``description`` says it in the
    /// library's words, a front end may say it in its own (a command line names its flags).
    package var remedy: Remedy?

    /// An error about line `line` of `path` (either may be nil), saying `message`.
    public init(path: String? = nil, line: Int? = nil, _ message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    package init(path: String? = nil, line: Int? = nil, _ message: String, remedy: Remedy?) {
        self.init(path: path, line: line, message)
        self.remedy = remedy
    }

    /// What the user can do about an error.
    package enum Remedy: Equatable, Sendable {
        /// A model file was given where a corpus or text goes: give it as the model.
        case modelWhereDataGoes
        /// Training diverged: a lower learning rate or gradient clipping norm.
        case lowerLearningRate
        /// A checkpoint resumed on other training files: the same files, or train anew.
        case sameTrainingData
        /// A checkpoint resumed with another dev file: the same dev file.
        case sameDevFile

        /// The advice in the library's words, appended to the message.
        package var advice: String {
            switch self {
            case .modelWhereDataGoes: return ": give it as the model"
            case .lowerLearningRate: return " (try a lower learning rate or gradient clipping norm)"
            case .sameTrainingData: return "; train anew without resuming, or give the same files"
            case .sameDevFile: return "; give the same dev file to resume"
            }
        }
    }

    /// The whole message: `path:line: message`, `path: message` or `message`, with the
    /// library's advice appended when it has some.
    public var description: String {
        let text = message + (remedy?.advice ?? "")
        switch (path, line) {
        case let (p?, l?): return "\(p):\(l): \(text)"
        case let (p?, nil): return "\(p): \(text)"
        default: return text
        }
    }
}
