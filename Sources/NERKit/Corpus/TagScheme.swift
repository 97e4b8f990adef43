/// How a corpus marks entity spans with tag prefixes. Training works in BIOES internally and
/// writes predictions back in the scheme the user's files use, so both directions must be lossless.
///
/// - `iob1`: `I-` everywhere; `B-` only for a span that directly follows one of the same type
///   (original CoNLL-2003 files).
/// - `iob2`: every span starts with `B-`, continues with `I-`.
/// - `bioes`: like IOB2, but the last token is `E-` and one-token spans are `S-` (a.k.a. IOBES).
/// - `bilou`: BIOES written with `L-` (last) for `E-` and `U-` (unit) for `S-`.
public enum TagScheme: String, Sendable, CaseIterable, Codable {
    /// IOB1: `I-` everywhere, `B-` only to start a span right after one of the same type.
    case iob1
    /// IOB2 (BIO): every span starts with `B-` and continues with `I-`.
    case iob2
    /// BIOES (IOBES): IOB2 with `E-` for a span's last token and `S-` for a one-token span.
    case bioes
    /// BILOU: BIOES written with `L-` (last) and `U-` (unit).
    case bilou

    /// The name users know the scheme by ("IOB2").
    public var displayName: String { rawValue.uppercased() }

    /// Parses a scheme name as users type it, case-insensitively; "iobes" means BIOES.
    public init?(name: String) {
        switch name.lowercased() {
        case "iob1", "iob": self = .iob1
        case "iob2", "bio": self = .iob2
        case "bioes", "iobes": self = .bioes
        case "bilou": self = .bilou
        default: return nil
        }
    }

    /// The scheme that tag sequences use: BILOU if any `L-`/`U-` appears, BIOES if any `E-`/`S-`
    /// does; IOB1 if some span
    /// starts with `I-` and `B-` appears only right after a span of the same type; otherwise IOB2
    /// (also for sequences with no entities at all).
    package static func detect<S: Sequence>(_ tagSequences: S) -> TagScheme where S.Element == [String] {
        var detector = TagSchemeDetector()
        for tags in tagSequences { detector.add(tags) }
        return detector.scheme
    }

    /// Converts a valid tag sequence to the `target` scheme without losing any span. The input is
    /// read as conlleval does (see `EntitySpan.spans(in:)`), so an invalid sequence such as an `I-`
    /// after `O` in IOB2 comes out with that `I-` starting a span; converting to the same scheme
    /// therefore repairs such sequences.
    public func convert(_ tags: [String], to target: TagScheme) -> [String] {
        target.tags(for: EntitySpan.spans(in: tags), count: tags.count)
    }

    /// Writes spans as tags of this scheme for a sentence of `count` tokens.
    package func tags(for spans: [EntitySpan], count: Int) -> [String] {
        var out = [String](repeating: "O", count: count)
        var previous: EntitySpan?
        for span in spans where span.start >= 0 && span.end <= count && span.start < span.end {
            let adjacentSameType = previous.map { $0.end == span.start && $0.type == span.type } ?? false
            write(span, adjacentSameType: adjacentSameType, into: &out)
            previous = span
        }
        return out
    }

    /// Whether a span's tags depend on its neighbours (IOB1's `B-` after a span of the same type).
    package var dependsOnNeighbours: Bool { self == .iob1 }

    /// Writes the tags of `span` (within `tags`' bounds and not empty) over `tags`;
    /// `adjacentSameType`: a span of the same type ends where it starts (IOB1 only).
    package func write(_ span: EntitySpan, adjacentSameType: Bool = false, into tags: inout [String]) {
        for position in span.range {
            let prefix: TagPrefix
            switch self {
            case .iob1:
                prefix = position == span.start && adjacentSameType ? .b : .i
            case .iob2:
                prefix = position == span.start ? .b : .i
            case .bioes, .bilou:
                if span.end - span.start == 1 {
                    prefix = .s
                } else if position == span.start {
                    prefix = .b
                } else if position == span.end - 1 {
                    prefix = .e
                } else {
                    prefix = .i
                }
            }
            let tag = ParsedTag(prefix: prefix, type: span.type).description
            if self == .bilou && (prefix == .s || prefix == .e) {
                tags[position] = (prefix == .s ? "U" : "L") + tag.dropFirst()
            } else {
                tags[position] = tag
            }
        }
    }
}

/// Accumulates the evidence `TagScheme.detect` uses one sentence at a time, so a large corpus can
/// be classified while streaming through it.
package struct TagSchemeDetector: Sendable {
    private var sawEndOrSingle = false
    private var sawSpanStartingWithI = false
    private var sawSpanStartingWithB = false

    package init() {}

    private var sawUnitOrLast = false

    package mutating func add(_ tags: [String]) {
        if !sawUnitOrLast { sawUnitOrLast = tags.contains { $0.hasPrefix("U-") || $0.hasPrefix("L-") } }
        add(parsed: tags.map { ParsedTag($0) ?? .outside })
    }

    package mutating func add(parsed tags: [ParsedTag]) {
        var previous = ParsedTag.outside
        for tag in tags {
            let continuesSameType = !previous.isOutside && previous.type == tag.type
            switch tag.prefix {
            case .e, .s: sawEndOrSingle = true
            case .i where !continuesSameType: sawSpanStartingWithI = true
            case .b where !continuesSameType: sawSpanStartingWithB = true
            default: break
            }
            previous = tag
        }
    }

    package var scheme: TagScheme {
        if sawUnitOrLast { return .bilou }
        if sawEndOrSingle { return .bioes }
        if sawSpanStartingWithI && !sawSpanStartingWithB { return .iob1 }
        return .iob2
    }
}
