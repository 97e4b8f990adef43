/// Which update rule `ner train` uses.
public enum OptimizerKind: String, Codable, Sendable, CaseIterable {
    case sgd, adam

    /// Learning rates that work for this model: Ma and Hovy's 0.015 for SGD with momentum,
    /// and 0.001 for Adam (better than 0.002 on CoNLL-2003 dev in every configuration compared).
    public var defaultLearningRate: Float { self == .sgd ? 0.015 : 0.001 }
}
