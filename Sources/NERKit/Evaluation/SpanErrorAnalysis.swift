/// What went wrong with one entity, so a user can see which mistakes a model makes.
package enum SpanErrorKind: String, CaseIterable, Sendable {
    /// Predicted with exactly the gold boundaries but another type.
    case wrongType = "wrong type"
    /// Predicted with the gold type, overlapping the gold entity with other boundaries.
    case wrongBoundary = "wrong boundary"
    /// Overlapping a gold entity, with other boundaries and another type.
    case both = "both"
    /// A gold entity that no predicted entity overlaps.
    case missed = "missed"
    /// A predicted entity that overlaps no gold entity.
    case spurious = "spurious"
}

/// One span error: the gold entity (nil when spurious), the predicted entity (nil when missed)
/// and the sentence they are in (an index into `SpanErrorAnalysis.sentences`).
struct SpanError: Hashable, Sendable {
    var kind: SpanErrorKind
    var gold: EntitySpan?
    var predicted: EntitySpan?
    var sentence: Int

    /// The entity the error is about: the gold one, or the predicted one when spurious.
    var anchor: EntitySpan {
        gold ?? predicted ?? EntitySpan(type: "", start: 0, end: 0)
    }
}

/// A sentence that has at least one error, kept so errors can be shown in context.
struct AnalyzedSentence: Hashable, Sendable {
    /// The words, or nil when the input had none (only the two tag columns).
    var tokens: [String]?
    /// Number of tokens.
    var length: Int
    var gold: [EntitySpan]
    var predicted: [EntitySpan]
    /// Where the sentence came from, e.g. `file:line`.
    var location: String?
}

/// Sorts the entities that were not predicted exactly into kinds of error, and counts which
/// gold type was predicted as which type. Every predicted entity that is not correct is one
/// error (paired with the overlapping gold entity that fits it best: same boundaries, then same
/// type, then largest overlap); every gold entity no prediction touches is one `missed` error.
package struct SpanErrorAnalysis: Sendable {
    /// Label for "no entity": the confusion row of spurious entities, the column of missed ones.
    package static let noEntity = "O"

    private(set) var errors: [SpanError] = []
    private(set) var sentences: [AnalyzedSentence] = []
    package private(set) var countsByKind: [SpanErrorKind: Int] = [:]
    /// confusion[goldType][predictedType]: correct entities, errors that pair a gold and a
    /// predicted entity, spurious entities (gold `O`) and missed ones (predicted `O`).
    package private(set) var confusion: [String: [String: Int]] = [:]

    package init() {}

    /// Adds one sentence's gold and predicted entities; `length` is its number of tokens
    /// (by default that of `tokens`, or up to the last entity).
    package mutating func add(gold: [EntitySpan], predicted: [EntitySpan], length: Int? = nil,
                             tokens: [String]? = nil, location: String? = nil) {
        let goldSet = Set(gold)
        var found: [SpanError] = []
        for p in predicted {
            if goldSet.contains(p) {
                count(gold: p.type, predicted: p.type)
                continue
            }
            let overlapping = gold.filter { $0.overlaps(p) }
            guard let best = Self.bestMatch(for: p, among: overlapping) else {
                found.append(SpanError(kind: .spurious, gold: nil, predicted: p, sentence: sentences.count))
                continue
            }
            let kind: SpanErrorKind
            if best.start == p.start && best.end == p.end { kind = .wrongType }
            else if best.type == p.type { kind = .wrongBoundary }
            else { kind = .both }
            found.append(SpanError(kind: kind, gold: best, predicted: p, sentence: sentences.count))
        }
        for g in gold where !predicted.contains(where: { $0.overlaps(g) }) {
            found.append(SpanError(kind: .missed, gold: g, predicted: nil, sentence: sentences.count))
        }
        guard !found.isEmpty else { return }
        found.sort { ($0.anchor.start, $0.predicted?.start ?? 0) < ($1.anchor.start, $1.predicted?.start ?? 0) }
        for error in found {
            countsByKind[error.kind, default: 0] += 1
            count(gold: error.gold?.type ?? Self.noEntity, predicted: error.predicted?.type ?? Self.noEntity)
        }
        errors += found
        let length = length ?? tokens?.count ?? max(gold.last?.end ?? 0, predicted.last?.end ?? 0)
        sentences.append(AnalyzedSentence(tokens: tokens, length: length, gold: gold, predicted: predicted,
                                          location: location))
    }

    private mutating func count(gold: String, predicted: String) {
        confusion[gold, default: [:]][predicted, default: 0] += 1
    }

    private static func bestMatch(for p: EntitySpan, among candidates: [EntitySpan]) -> EntitySpan? {
        func overlap(_ g: EntitySpan) -> Int { min(g.end, p.end) - max(g.start, p.start) }
        func rank(_ g: EntitySpan) -> (Int, Int, Int) {
            (g.start == p.start && g.end == p.end ? 1 : 0, g.type == p.type ? 1 : 0, overlap(g))
        }
        // max(by:) keeps the first of equals, so ties go to the earlier gold entity.
        return candidates.max { rank($0) < rank($1) }
    }

    /// Number of errors of all kinds.
    var totalErrors: Int { errors.count }
}
