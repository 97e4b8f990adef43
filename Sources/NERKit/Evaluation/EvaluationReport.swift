/// Entity counts for one type (or for all types together): how many entities the gold
/// annotation has, how many the predictions have (`found`), and how many of those match a gold
/// entity exactly (same type, same first and last token). Percentages follow conlleval,
/// including its answer to division by zero: 0.
public struct EvaluationCounts: Hashable, Sendable {
    /// Entities in the gold annotation.
    public var gold: Int
    /// Entities in the predictions.
    public var found: Int
    /// Predicted entities that match a gold entity exactly.
    public var correct: Int

    /// Counts of gold, predicted and exactly matching entities.
    public init(gold: Int = 0, found: Int = 0, correct: Int = 0) {
        self.gold = gold
        self.found = found
        self.correct = correct
    }

    /// 100 × correct / found, or 0 when nothing was found.
    public var precision: Double { found > 0 ? 100 * Double(correct) / Double(found) : 0 }
    /// 100 × correct / gold, or 0 when there is no gold entity.
    public var recall: Double { gold > 0 ? 100 * Double(correct) / Double(gold) : 0 }
    /// Harmonic mean of precision and recall (conlleval's FB1), 0 when both are 0.
    public var f1: Double {
        let p = precision, r = recall
        return p + r > 0 ? 2 * p * r / (p + r) : 0
    }
}

/// The result of scoring: what conlleval prints, as numbers.
public struct EvaluationReport: Hashable, Sendable {
    /// Tokens scored (boundary lines are not tokens).
    public var tokens: Int
    /// Tokens whose predicted tag equals the gold tag.
    public var correctTags: Int
    /// Entities over all types.
    public var overall: EvaluationCounts
    /// Entities by type, for every type that occurs in the gold or the predicted entities.
    public var perType: [String: EvaluationCounts]

    /// A report of these token and entity counts.
    public init(tokens: Int, correctTags: Int, overall: EvaluationCounts, perType: [String: EvaluationCounts]) {
        self.tokens = tokens
        self.correctTags = correctTags
        self.overall = overall
        self.perType = perType
    }

    /// 100 × correctTags / tokens, or 0 for no tokens.
    public var accuracy: Double { tokens > 0 ? 100 * Double(correctTags) / Double(tokens) : 0 }
    /// Precision over all types (``EvaluationCounts/precision``).
    public var precision: Double { overall.precision }
    /// Recall over all types (``EvaluationCounts/recall``).
    public var recall: Double { overall.recall }
    /// F1 over all types: the figure conlleval prints as FB1 and papers report.
    public var f1: Double { overall.f1 }
    /// The mean of the types' F1 (every type in `perType` weighs the same), or 0 for none.
    public var macroF1: Double {
        perType.isEmpty ? 0 : perType.values.reduce(0) { $0 + $1.f1 } / Double(perType.count)
    }

    /// The F1 that `selection` maximises: `f1` or `macroF1`.
    public func f1(for selection: DevSelection) -> Double {
        selection == .macro ? macroF1 : f1
    }

    /// Type names in conlleval's order: Perl's default `sort`, which compares bytes.
    public var sortedTypes: [String] {
        perType.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
