/// Which update rule `ner train` uses.
public enum OptimizerKind: String, Codable, Sendable, CaseIterable {
    /// Stochastic gradient descent with momentum and learning-rate decay (Ma and Hovy).
    case sgd
    /// Adam (Kingma and Ba, 2015).
    case adam

    /// Learning rates that work for this model: Ma and Hovy's 0.015 for SGD with momentum,
    /// and 0.001 for Adam (better than 0.002 on CoNLL-2003 dev in every configuration compared).
    public var defaultLearningRate: Float { self == .sgd ? 0.015 : 0.001 }
}
