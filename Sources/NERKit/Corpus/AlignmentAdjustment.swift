/// One change made to an annotation while putting it on token boundaries, with the record and
/// the offsets it concerns, so that nothing is changed silently.
package struct AlignmentAdjustment: Sendable, Equatable, Codable, CustomStringConvertible {
    enum Kind: String, Sendable, CaseIterable, Codable {
        /// Spaces at a span's start or end were left out of it.
        case trimmed = "trimmed spaces"
        /// A token was cut at a span's edge (policy split).
        case splitToken = "split a token"
        /// A span was widened to whole tokens (policy expand).
        case expanded = "expanded to tokens"
        /// A span off token boundaries was dropped (policy skip).
        case skippedMisaligned = "dropped, off token boundaries"
        /// A span overlapping (or nested in) a longer one was dropped.
        case droppedOverlap = "dropped, overlapping"
        /// A span covering nothing but spaces was dropped.
        case droppedEmpty = "dropped, empty"
        /// A discontinuous span (brat `0 5;10 15`) was dropped.
        case droppedDiscontinuous = "dropped, discontinuous"
        /// Spaces in a label were replaced by `_` (a tag cannot hold spaces).
        case relabeled = "label changed"
        /// Sentences were joined because a span crossed the sentence boundary.
        case joinedSentences = "joined sentences"
        /// The span's offsets were read as UTF-16 units (its text matched only so).
        case utf16Offsets = "read as UTF-16 offsets"
        /// The span's own text differs from the document's text at its offsets.
        case textMismatch = "text differs"
        /// A record skipped as a whole (rejected, ignored, not annotated).
        case skippedRecord = "record skipped"
    }

    var kind: Kind
    package var location: RecordLocation
    /// The span's code-point offsets in its document's text (0, 0 for a whole record).
    var start: Int
    var end: Int
    var label: String
    /// What exactly happened, for the message.
    var detail: String

    init(_ kind: Kind, _ location: RecordLocation, start: Int = 0, end: Int = 0, label: String = "", detail: String) {
        self.kind = kind
        self.location = location
        self.start = start
        self.end = end
        self.label = label
        self.detail = detail
    }

    /// `record 3: span [5, 7) ORG: split a token: "US-based" cut at 7`.
    package var description: String {
        let span = label.isEmpty && start == 0 && end == 0 ? "" : " span [\(start), \(end)) \(label):"
        return "\(location.name):\(span) \(kind.rawValue): \(detail)"
    }
}

/// The adjustments of a whole corpus: every one counted by kind, the first `maximumKept` kept.
package struct AlignmentLog: Sendable, Equatable, Codable {
    static let maximumKept = 1000
    package private(set) var counts: [String: Int] = [:]
    package private(set) var kept: [AlignmentAdjustment] = []

    package init() {}

    package var total: Int { counts.values.reduce(0, +) }

    mutating func add(_ adjustment: AlignmentAdjustment) {
        counts[adjustment.kind.rawValue, default: 0] += 1
        if kept.count < Self.maximumKept { kept.append(adjustment) }
    }

    mutating func add(contentsOf adjustments: [AlignmentAdjustment]) {
        for a in adjustments { add(a) }
    }

    mutating func merge(_ other: AlignmentLog) {
        for (k, v) in other.counts { counts[k, default: 0] += v }
        for a in other.kept where kept.count < Self.maximumKept { kept.append(a) }
    }

    /// "3 trimmed spaces, 1 split a token", or nil when nothing was adjusted.
    package var summary: String? {
        guard !counts.isEmpty else { return nil }
        return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\($0.value) \($0.key)" }.joined(separator: ", ")
    }
}
