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

    /// The line written for a diagnostic (without the newline).
    static func line(_ severity: Severity, _ e: NERError) -> String {
        let place = [e.path, e.line.map(String.init)].compactMap { $0 }.joined(separator: ":")
        return "\(place.isEmpty ? "ner" : place): \(severity.rawValue): \(e.message)"
    }

    private static func write(_ severity: Severity, _ e: NERError) {
        FileHandle.standardError.write(Data((line(severity, e) + "\n").utf8))
    }
}
