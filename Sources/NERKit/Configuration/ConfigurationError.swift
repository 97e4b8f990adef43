/// A setting out of its range, or settings that do not go together: what the `validate()` of
/// ``ModelConfig``, ``TrainingOptions``, ``CaseAugmentation``, ``VocabularyOptions`` and
/// ``TrainingRunConfig`` throws.
///
/// The message names settings by their property paths (`hidden`, `training.epochs`). A front end
/// that calls them otherwise (a command line's flags) renders it with ``describe(naming:)``.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A piece of the message.
    public enum Part: Equatable, Sendable {
        /// Words of the message.
        case text(String)
        /// A setting, by its property path.
        case setting(String)
        /// Alternatives ("a, b or c"), by their property paths.
        case anyOf([String])
    }

    /// The message, piece by piece.
    public var parts: [Part]

    /// A message made of `parts`.
    public init(_ parts: [Part]) {
        self.parts = parts
    }

    /// The settings the message names, in order.
    public var settings: [String] {
        parts.flatMap { part -> [String] in
            switch part {
            case .text: return []
            case .setting(let name): return [name]
            case .anyOf(let names): return names
            }
        }
    }

    /// The message with the settings named by their property paths.
    public var description: String { describe { $0 } }

    /// The message with every setting named by `name` (for example its command-line flag).
    /// Alternatives that `name` gives the same name are named once.
    public func describe(naming name: (String) -> String) -> String {
        parts.map { part -> String in
            switch part {
            case .text(let text): return text
            case .setting(let setting): return name(setting)
            case .anyOf(let settings):
                var names: [String] = []
                for s in settings.map(name) where !names.contains(s) { names.append(s) }
                return names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + names.last!
            }
        }.joined()
    }

    /// The same message with every setting's path prefixed (`hidden` becomes `model.hidden`).
    func prefixed(_ prefix: String) -> ConfigurationError {
        ConfigurationError(parts.map { part in
            switch part {
            case .text: return part
            case .setting(let name): return .setting(prefix + name)
            case .anyOf(let names): return .anyOf(names.map { prefix + $0 })
            }
        })
    }

    /// Runs `body`, prefixing the settings of the `ConfigurationError` it throws.
    static func within(_ prefix: String, _ body: () throws -> Void) throws {
        do { try body() } catch let error as ConfigurationError { throw error.prefixed(prefix) }
    }

    /// Throws unless `value` is in `range`: "`setting` must be in 1...16 (got 20)".
    package static func check<T: Comparable>(_ setting: String, _ value: T, in range: ClosedRange<T>) throws {
        guard range.contains(value) else {
            throw ConfigurationError([.setting(setting), .text(" must be in \(range.lowerBound)...\(range.upperBound) (got \(value))")])
        }
    }

    /// Throws unless `value` is a finite number in `range` (without its upper bound when
    /// `openAtTop`): "`setting` must be a number in [0, 1) (got 1.0)".
    package static func check(_ setting: String, _ value: Float, in range: ClosedRange<Float>, openAtTop: Bool = false) throws {
        guard value.isFinite, range.contains(value), !(openAtTop && value == range.upperBound) else {
            throw ConfigurationError([.setting(setting),
                                      .text(" must be a number in [\(range.lowerBound), \(range.upperBound)\(openAtTop ? ")" : "]") (got \(value))")])
        }
    }

    /// "`setting` needs `others`[0], `others`[1] or `others`[2]`detail`".
    static func needs(_ setting: String, anyOf others: [String], _ detail: String = "") -> ConfigurationError {
        ConfigurationError([.setting(setting), .text(" needs "), .anyOf(others)] + (detail.isEmpty ? [] : [.text(detail)]))
    }
}
