import Foundation
import NERKit

/// The one way every command writes errors and warnings on standard error, in the form of
/// compilers and linters, so that editors and `grep -n` jump to the place:
///
///     path:line: error: message
///     path: warning: message
///     ner: error: message            (nothing to point at)
///
/// Exit statuses (documented in `ner --help` and the man page): 0 success, 1 an input or runtime
/// error, 64 a usage error (ArgumentParser's), 130 interrupted (Ctrl-C), 143 terminated.
enum Diagnostics {
    enum Severity: String { case error, warning }

    static func error(_ e: NERError) { write(.error, e) }
    static func error(_ message: String) { write(.error, NERError(message)) }
    static func warning(_ w: NERError) { write(.warning, w) }
    static func warning(_ message: String) { write(.warning, NERError(message)) }

    /// The line written for a diagnostic (without the newline): the library's advice
    /// (`NERError.remedy`) is given in flags.
    static func line(_ severity: Severity, _ e: NERError) -> String {
        let place = [e.path, e.line.map(String.init)].compactMap { $0 }.joined(separator: ":")
        return "\(place.isEmpty ? "ner" : place): \(severity.rawValue): \(e.message)\(e.remedy.map(advice) ?? "")"
    }

    /// A remedy of the library's errors in the command line's words.
    static func advice(_ remedy: NERError.Remedy) -> String {
        switch remedy {
        case .modelWhereDataGoes: return ": a model goes after --model"
        case .lowerLearningRate: return " (try a lower --lr or --clip)"
        case .sameTrainingData: return "; train anew without --resume, or give the same files"
        case .sameDevFile: return "; give the same --dev to resume"
        }
    }

    private static func write(_ severity: Severity, _ e: NERError) {
        FileHandle.standardError.write(Data((line(severity, e) + "\n").utf8))
    }
}
