/// The position part of a named-entity tag: Beginning, Inside, End, Single, or Outside (`O`).
enum TagPrefix: Character, Sendable, Hashable, CaseIterable {
    case b = "B", i = "I", e = "E", s = "S", o = "O"
}

/// A tag split into its position prefix and entity type (`B-PER` → `.b`, `"PER"`; `O` → `.o`, `""`).
/// Every reader, converter and evaluator goes through this one parser so they agree on what a
/// valid tag is.
package struct ParsedTag: Sendable, Hashable, CustomStringConvertible {
    var prefix: TagPrefix
    /// The entity type; empty exactly when `prefix == .o`.
    package var type: String

    package static let outside = ParsedTag(prefix: .o, type: "")

    init(prefix: TagPrefix, type: String) {
        self.prefix = prefix
        self.type = prefix == .o ? "" : type
    }

    /// Parses `O`, or `B-`, `I-`, `E-`, `S-` followed by a non-empty type. BILOU's `U-` and `L-`
    /// are read as `S-` and `E-` (same meaning). Anything else is nil.
    package init?(_ s: String) {
        if s == "O" {
            self = .outside
            return
        }
        let u = s.utf8
        guard u.count >= 3, let first = u.first, u[u.index(after: u.startIndex)] == UInt8(ascii: "-") else {
            return nil
        }
        let p: TagPrefix
        switch first {
        case UInt8(ascii: "B"): p = .b
        case UInt8(ascii: "I"): p = .i
        case UInt8(ascii: "E"), UInt8(ascii: "L"): p = .e
        case UInt8(ascii: "S"), UInt8(ascii: "U"): p = .s
        default: return nil
        }
        let type: String
        if u.allSatisfy({ $0 < 0x80 }) {
            // ASCII (tags almost always are): each byte is a character, so the type is cut and
            // checked byte by byte, without breaking the string into characters.
            guard !u.contains(where: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) else { return nil }
            type = String(s[u.index(u.startIndex, offsetBy: 2)...])
        } else {
            type = String(s.dropFirst(2))
            guard !type.contains(where: { $0 == " " || $0 == "\t" }) else { return nil }
        }
        guard !type.isEmpty else { return nil }
        self.init(prefix: p, type: type)
    }

    var isOutside: Bool { prefix == .o }

    /// The tag as written in files: `O` or `B-PER`.
    package var description: String {
        prefix == .o ? "O" : "\(prefix.rawValue)-\(type)"
    }

    /// The error message for a string that is not a valid tag, shared by every command that reads tags.
    static func invalidMessage(for tag: String) -> String {
        "invalid tag \"\(tag)\": expected O, or B-, I-, E- or S- followed by an entity type (like B-PER)"
    }
}

extension ParsedTag {
    /// The entity types (B-X, I-X, ... → X) used in `sentences` of tags; unparsable tags are skipped.
    package static func entityTypes<S: Sequence>(of sentences: S) -> Set<String> where S.Element == [String] {
        var types = Set<String>()
        for tags in sentences { for t in tags { if let p = ParsedTag(t), !p.isOutside { types.insert(p.type) } } }
        return types
    }

    /// A warning for gold entity types a model cannot predict (nil when there are none): such
    /// entities can only be missed, which a bare F1 would not explain.
    static func unknownTypesWarning(path: String, gold: Set<String>, known: Set<String>) -> NERError? {
        let unknown = gold.subtracting(known).sorted()
        guard !unknown.isEmpty else { return nil }
        return NERError(path: path, "entity types the model does not know: \(unknown.joined(separator: ", ")) (it knows \(known.sorted().joined(separator: ", "))); their entities can only count as missed")
    }
}
