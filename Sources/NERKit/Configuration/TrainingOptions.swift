/// Everything about a training run that is not the model's shape.
public struct TrainingOptions: Codable, Equatable, Sendable {
    /// The most epochs to train.
    public var epochs = 50
    /// Training stops after this many epochs without a better dev F1.
    public var patience = 5
    /// Sentences per minibatch.
    public var batchSize = 10
    /// The update rule.
    public var optimizer = OptimizerKind.adam
    /// nil: the optimiser's default.
    public var learningRate: Float? = nil
    /// SGD: lr(epoch) = lr / (1 + decay · epoch) (Ma and Hovy use 0.05).
    public var learningRateDecay: Float = 0.05
    /// SGD's momentum.
    public var momentum: Float = 0.9
    /// The gradient's global norm is clipped to this (0: no clipping).
    public var clipNorm: Float = 5
    /// The seed of the initial weights, the data order, dropout and augmentation draws.
    public var seed: UInt64 = 1
    /// Threads of a training step (2: the two LSTM directions run in parallel).
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
    /// The last this many epochs of `epochs` lower the learning rate linearly, batch by batch,
    /// towards 0 (nil or 0: constant). Counted back from `epochs`, which `--resume` may raise, so
    /// a run resumed into its cool-down follows the schedule of an uninterrupted run. A resumed
    /// run keeps its checkpoint's value unless one is given (`TrainingRunConfig.training`).
    public var cooldownEpochs: Int? = nil
    /// What the dev set's score for model selection is (nil in models trained before it
    /// existed: `.micro`).
    public var selection: DevSelection? = nil

    /// The defaults of `ner train`.
    public init() {}

    /// Throws a ``ConfigurationError`` unless every option is in its range and they go together
    /// (settings are named by their property names, `epochs`, `caseAugmentation.lower`).
    public func validate() throws {
        typealias Check = ConfigurationError
        if let caseAugmentation { try Check.within("caseAugmentation.") { try caseAugmentation.validate() } }
        // The upper bounds keep a run within memory and time a user could mean.
        try Check.check("epochs", epochs, in: 1...100_000)
        try Check.check("patience", patience, in: 1...100_000)
        try Check.check("batchSize", batchSize, in: 1...100_000)
        try Check.check("threads", threads, in: 1...256)
        if let learningRate { try Check.check("learningRate", learningRate, in: 1e-8...10) }
        try Check.check("learningRateDecay", learningRateDecay, in: 0...100)
        try Check.check("momentum", momentum, in: 0...1, openAtTop: true)
        if let cooldownEpochs, !(0...epochs).contains(cooldownEpochs) {
            throw Check([.setting("cooldownEpochs"), .text(" must be in 0...\(epochs) ("), .setting("epochs"), .text("; got \(cooldownEpochs))")])
        }
        try Check.check("clipNorm", clipNorm, in: 0...1e6)
        try Check.check("averageDecay", averageDecay, in: 0...1, openAtTop: true)
        if let firstNameSwap { try Check.check("firstNameSwap", firstNameSwap, in: 0...1) }
        if let documentDropout { try Check.check("documentDropout", documentDropout, in: 0...1) }
    }

    package var effectiveLearningRate: Float { learningRate ?? optimizer.defaultLearningRate }

    /// The rate of batch `batch` (0-based) of `batches` in epoch `epoch` (1-based).
    package func learningRate(epoch: Int, batch: Int, of batches: Int) -> Float {
        let base = optimizer == .sgd ? effectiveLearningRate / (1 + learningRateDecay * Float(epoch - 1)) : effectiveLearningRate
        guard let cooldown = cooldownEpochs, cooldown > 0 else { return base }
        // Epochs into the cool-down, fractional; the last batch still moves (factor 1/(cooldown·batches)).
        let into = Double(epoch - 1 - (epochs - cooldown)) + Double(batch) / Double(max(batches, 1))
        guard into > 0 else { return base }
        return base * Float(max(0, 1 - into / Double(cooldown)))
    }
}
