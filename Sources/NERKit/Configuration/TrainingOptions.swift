/// Everything about a training run that is not the model's shape.
public struct TrainingOptions: Codable, Equatable, Sendable {
    public var epochs = 50
    public var patience = 5
    public var batchSize = 10
    public var optimizer = OptimizerKind.adam
    /// nil: the optimiser's default.
    public var learningRate: Float? = nil
    /// SGD: lr(epoch) = lr / (1 + decay · epoch) (Ma and Hovy use 0.05).
    public var learningRateDecay: Float = 0.05
    public var momentum: Float = 0.9
    public var clipNorm: Float = 5
    public var seed: UInt64 = 1
    public var threads = 2
    /// Decay of the exponential moving average of the weights that is evaluated and saved
    /// (0: no averaging).
    public var averageDecay: Float = 0.999
    /// Recasing of training sentences (nil in models trained before it existed: none).
    public var caseAugmentation: CaseAugmentation? = nil
    /// With document context: the probability that a training document is read as separate
    /// sentences in a step, so that the model also learns to tag a sentence alone (nil: 0).
    public var documentDropout: Float? = nil
    /// The probability that a training person name's first token is replaced by a place name of
    /// the training data (`FirstNameSwap`; nil in models trained before it existed: 0).
    public var firstNameSwap: Float? = nil

    public init() {}

    package var effectiveLearningRate: Float { learningRate ?? optimizer.defaultLearningRate }

    package func learningRate(epoch: Int) -> Float {
        optimizer == .sgd ? effectiveLearningRate / (1 + learningRateDecay * Float(epoch - 1)) : effectiveLearningRate
    }
}
