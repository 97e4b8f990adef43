/// How rules' matches and the model's entities combine.
package enum PatternMode: String, Sendable, CaseIterable {
    /// A match becomes an entity only where the model found nothing overlapping it.
    case fill
    /// A match replaces every model entity it overlaps.
    case override
    /// Rules alone: the model is not run.
    case only
}
