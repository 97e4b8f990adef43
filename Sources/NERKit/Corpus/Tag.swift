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

    /// Parses `O`, or `B-`, `I-`, `E-`, `S-` followed by a non-empty type without spaces or tabs.
    /// BILOU's `U-` and `L-` are read as `S-` and `E-` (same meaning). Anything else is nil.
    /// Read in one pass over the UTF-8 bytes (every reader parses every tag, some twice).
    package init?(_ s: String) {
        var s = s
        guard let tag = s.withUTF8({ ParsedTag(utf8: $0) }) else { return nil }
        self = tag
    }

    private init?(utf8 u: UnsafeBufferPointer<UInt8>) {
        if u.count == 1 && u[0] == UInt8(ascii: "O") {
            self = .outside
            return
        }
        guard u.count >= 3, u[1] == UInt8(ascii: "-") else { return nil }
        let p: TagPrefix
        switch u[0] {
        case UInt8(ascii: "B"): p = .b
        case UInt8(ascii: "I"): p = .i
        case UInt8(ascii: "E"), UInt8(ascii: "L"): p = .e
        case UInt8(ascii: "S"), UInt8(ascii: "U"): p = .s
        default: return nil
        }
        // The type: what follows the two ASCII bytes, so it starts on a character's first byte;
        // a space or a tab is one byte that is never part of another character in UTF-8.
        let type = UnsafeBufferPointer(rebasing: u[2...])
        guard !type.contains(where: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) else { return nil }
        self.init(prefix: p, type: String(decoding: type, as: UTF8.self))
    }

    var isOutside: Bool { prefix == .o }

    /// The tag as written in files: `O` or `B-PER`. (Concatenated rather than interpolated:
    /// rules write a tag per token they match, and interpolating a `Character` cost ten times as
    /// much.)
    package var description: String {
        switch prefix {
        case .o: return "O"
        case .b: return "B-" + type
        case .i: return "I-" + type
        case .e: return "E-" + type
        case .s: return "S-" + type
        }
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
    /// `knower` says who predicts: "the model does not know" by default, "the rules do not
    /// know" for rules alone, "the model and the rules do not know" for both.
    static func unknownTypesWarning(path: String, gold: Set<String>, known: Set<String>,
                                    knower: String = "the model does not know") -> NERError? {
        let unknown = gold.subtracting(known).sorted()
        guard !unknown.isEmpty else { return nil }
        let they = knower.hasPrefix("the model does") ? "it knows" : "they know"
        return NERError(path: path, "entity types \(knower): \(unknown.joined(separator: ", ")) (\(they) \(known.sorted().joined(separator: ", "))); their entities can only count as missed")
    }
}
