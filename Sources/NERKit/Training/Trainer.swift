import Foundation

/// Where a training run stands; saved in every checkpoint so that `--resume` continues exactly.
package struct TrainingState: Codable, Equatable, Sendable {
    /// Epochs completed.
    var epoch = 0
    /// Batches of the current epoch (epoch + 1) already done, when interrupted mid-epoch.
    var batchesDone = 0
    var epochLoss: Double = 0
    package var epochTokens = 0
    var epochSeconds: Double = 0
    var rngState: UInt64 = 0
    var bestF1: Double = -1
    var bestEpoch = 0
    var epochsWithoutGain = 0
    var history: [EpochMetrics] = []
    init() {}
}

/// Live progress inside an epoch, for the progress bar.
public struct TrainingProgress: Sendable {
    /// The epoch under way (1-based).
    public var epoch: Int
    /// The most epochs the run trains.
    public var epochs: Int
    /// Training sentences of this epoch done so far.
    public var sentencesDone: Int
    /// Training sentences in an epoch.
    public var sentences: Int
    /// Training speed so far in this epoch, in tokens per second.
    public var tokensPerSecond: Double
    /// The mean training loss per sentence so far in this epoch.
    public var loss: Double
    /// Seconds until the epoch ends, at the speed so far.
    public var etaSeconds: Double
}

/// Runs epochs of minibatch training with early stopping on dev F1. The caller supplies what
/// happens around it (saving the best model, checkpoints, printing) through callbacks, so this
/// type holds only the loop.
package final class Trainer {
    package let model: TaggerModel
    package let options: TrainingOptions
    let optimizer: Optimizer
    let average: WeightAverage?
    package var state = TrainingState()
    /// Probability of replacing a training word seen once by the unknown word (Lample et al.),
    /// so that the unknown vector is trained.
    package var singletonUnknownRate: Float = 0.5
    /// Probability of replacing any training word by the unknown word (word dropout), so that
    /// the tag is learnt from the characters and the context too, not from the word alone.
    package var wordUnknownRate: Float = 0

    private let train: [EncodedSentence]
    private let surfaces: SurfaceTable
    private let dev: [EncodedSentence]
    private let devSurfaces: SurfaceTable
    private let devGold: [[String]]
    private var singleton: [Bool]
    /// Each recasing of every training sentence (index for index with `train`), drawn from
    /// per sentence and epoch by `options.caseAugmentation`.
    private let recasedTrain: [Recasing: [EncodedSentence]]
    /// Each recasing of the dev set, scored beside it for model selection.
    private let recasedDev: [Recasing: [EncodedSentence]]
    private let originalCount: Int

    /// `originalCount` is how many of the first training sentences are the data as read (the
    /// rest being copies of them for case augmentation): words seen once are counted there, and
    /// a drawn copy (`CaseAugmentation.drawnCopy`) recases only the sentences after them.
    package init(model: TaggerModel, options: TrainingOptions, train: [EncodedSentence], surfaces: SurfaceTable,
                dev: [EncodedSentence], devSurfaces: SurfaceTable, devGold: [[String]],
                recasedTrain: [Recasing: [EncodedSentence]] = [:], recasedDev: [Recasing: [EncodedSentence]] = [:],
                originalCount: Int? = nil) {
        self.model = model
        self.options = options
        self.train = train
        self.surfaces = surfaces
        self.dev = dev
        self.devSurfaces = devSurfaces
        self.devGold = devGold
        self.recasedTrain = recasedTrain
        self.recasedDev = recasedDev
        self.originalCount = originalCount ?? train.count
        optimizer = Optimizer(options.optimizer, parameters: model.parameters, learningRate: options.effectiveLearningRate, momentum: options.momentum)
        average = options.averageDecay > 0 ? WeightAverage(parameters: model.parameters, decay: options.averageDecay) : nil
        var counts = [Int](repeating: 0, count: model.encoder.words.count)
        for s in train.prefix(self.originalCount) { for w in s.words where w >= 0 { counts[Int(w)] += 1 } }
        singleton = counts.map { $0 == 1 }
        singleton[Int(model.encoder.words.unknownId)] = false
        state.rngState = SeededRandom(seed: options.seed &+ 17).state
        configureThreads()
    }

    private func configureThreads() {
        // With 2+ threads the LSTM directions run side by side. OpenBLAS's own threads would
        // fight them: a program that trains sets OpenBLAS to one thread (the CLI does; the
        // library sets no process-wide state).
        model.parallel = options.threads > 1
    }

    /// Runs `body` with the weights that are evaluated and saved in place (the averaged ones
    /// when averaging is on).
    func withFinalWeights<T>(_ body: () throws -> T) rethrows -> T {
        if let average { return try average.withAveragedWeights(body) }
        return try body()
    }

    /// Scores the model on the dev set (conlleval rules, BIOES read as IOB2).
    func evaluateDev() -> EvaluationReport { evaluate(dev) }

    /// Dev F1 of every recasing of the dev set given at init, as model selection scores it
    /// (`TrainingOptions.selection`).
    func evaluateRecasedDev() -> [Recasing: Double] {
        recasedDev.mapValues { evaluate($0).f1(for: selection) }
    }

    private var selection: DevSelection { options.selection ?? .micro }

    private func evaluate(_ dev: [EncodedSentence]) -> EvaluationReport {
        let predicted = withFinalWeights { model.predictAll(dev, surfaces: devSurfaces) }
        var evaluator = ConllEvaluator()
        let tags = model.encoder.tags
        for (gold, path) in zip(devGold, predicted) {
            evaluator.add(gold: gold, predicted: path.map { tags[$0] })
        }
        return evaluator.report
    }

    package enum StopReason: Equatable, Sendable { case finished, earlyStopped, interrupted }

    /// Trains until `options.epochs`, early stopping, or `shouldStop()` turns true (checked between
    /// batches). `onEpoch(metrics)` runs after each epoch's dev evaluation (save the best model
    /// there); `checkpoint()` runs after each epoch and on interruption.
    package func run(progress: (TrainingProgress) -> Void,
                    onEpoch: (EpochMetrics) throws -> Void,
                    checkpoint: () throws -> Void,
                    shouldStop: () -> Bool) throws -> StopReason {
        let lengths = train.map(\.count), documents = train.map(\.document)
        let totalSentences = train.count
        while state.epoch < options.epochs {
            if state.epochsWithoutGain >= options.patience && state.epoch > 0 { return .earlyStopped }
            let epoch = state.epoch + 1
            let batches = !model.readsDocuments
                ? BatchSchedule.batches(lengths: lengths, batchSize: options.batchSize, seed: options.seed, epoch: epoch)
                : BatchSchedule.documentBatches(documents: documents, batchSize: options.batchSize, seed: options.seed, epoch: epoch)
            var rng = SeededRandom(seed: 0)
            rng.state = state.rngState
            var sentencesDone = batches.prefix(state.batchesDone).reduce(0) { $0 + $1.count }
            let started = Date()
            let secondsBefore = state.epochSeconds
            for bi in state.batchesDone..<batches.count {
                if shouldStop() {
                    state.rngState = rng.state
                    state.epochSeconds = secondsBefore + Date().timeIntervalSince(started)
                    try checkpoint()
                    return .interrupted
                }
                optimizer.learningRate = options.learningRate(epoch: epoch, batch: bi, of: batches.count)
                var batch: Batch
                if let augmentation = options.caseAugmentation, augmentation.sampling {
                    let chosen = batches[bi].map { i -> EncodedSentence in
                        guard !augmentation.drawnCopy || i >= originalCount,
                              let r = augmentation.draw(seed: options.seed, epoch: epoch, index: i),
                              let recased = recasedTrain[r] else { return train[i] }
                        return recased[i]
                    }
                    batch = Batch(chosen, indices: Array(chosen.indices), surfaces: surfaces)
                } else {
                    batch = Batch(train, indices: batches[bi], surfaces: surfaces)
                }
                if singletonUnknownRate > 0 {
                    batch.replaceWords(unknown: model.encoder.words.unknownId) { id in
                        singleton[Int(id)] && rng.uniform() < singletonUnknownRate
                    }
                }
                if wordUnknownRate > 0 {
                    batch.replaceWords(unknown: model.encoder.words.unknownId) { _ in rng.uniform() < wordUnknownRate }
                }
                if let p = options.documentDropout, p > 0, model.readsDocuments {
                    batch.isolateDocuments { _ in rng.uniform() < p }
                }
                let loss = model.loss(batch, rng: &rng)
                let gradientNorm = Optimizer.clipGradients(model.parameters, maxNorm: options.clipNorm)
                // One NaN would spread through Adam into every weight; stop before the update,
                // so the saved best model and the last checkpoint stay as they were.
                guard loss.isFinite, gradientNorm.isFinite else {
                    throw NERError("training diverged: non-finite \(loss.isFinite ? "gradient" : "loss") in epoch \(epoch), batch \(bi + 1) of \(batches.count); the best model and the last checkpoint written so far are unchanged", remedy: .lowerLearningRate)
                }
                if let average {
                    average.beginStep()
                    optimizer.step(afterUpdate: average.update)
                } else {
                    optimizer.step()
                }
                model.crf?.applyConstraints()
                state.epochLoss += Double(loss)
                state.epochTokens += batch.tokenCount
                state.batchesDone = bi + 1
                sentencesDone += batches[bi].count
                let elapsed = secondsBefore + Date().timeIntervalSince(started)
                let rate = Double(state.epochTokens) / max(elapsed, 1e-9)
                progress(TrainingProgress(
                    epoch: epoch, epochs: options.epochs, sentencesDone: sentencesDone, sentences: totalSentences,
                    tokensPerSecond: rate, loss: state.epochLoss / Double(max(sentencesDone, 1)),
                    etaSeconds: elapsed / Double(max(sentencesDone, 1)) * Double(totalSentences - sentencesDone)))
            }
            state.rngState = rng.state
            let seconds = secondsBefore + Date().timeIntervalSince(started)
            let report = evaluateDev()
            var score = report.f1(for: selection)
            var recasedF1: [String: Double]? = nil
            if !recasedDev.isEmpty {
                let recased = evaluateRecasedDev()
                score = (score + recased.values.reduce(0, +)) / Double(recased.count + 1)
                recasedF1 = Dictionary(uniqueKeysWithValues: recased.map { ($0.key.rawValue, $0.value) })
            }
            let gained = score > state.bestF1
            let metrics = EpochMetrics(
                epoch: epoch, loss: state.epochLoss / Double(max(totalSentences, 1)), learningRate: options.learningRate(epoch: epoch, batch: max(batches.count - 1, 0), of: batches.count),
                seconds: seconds, trainTokensPerSecond: Double(state.epochTokens) / max(seconds, 1e-9),
                devPrecision: report.precision, devRecall: report.recall, devF1: report.f1,
                devRecasedF1: recasedF1, selectionF1: recasedF1 == nil && selection == .micro ? nil : score, best: gained)
            if gained {
                state.bestF1 = score
                state.bestEpoch = epoch
                state.epochsWithoutGain = 0
            } else {
                state.epochsWithoutGain += 1
            }
            state.history.append(metrics)
            state.epoch = epoch
            state.batchesDone = 0
            state.epochLoss = 0
            state.epochTokens = 0
            state.epochSeconds = 0
            try onEpoch(metrics)
            try checkpoint()
        }
        return state.epochsWithoutGain >= options.patience ? .earlyStopped : .finished
    }
}

extension Batch {
    /// Replaces some word ids by the unknown id (word dropout for singletons).
    mutating func replaceWords(unknown: Int32, _ shouldReplace: (Int32) -> Bool) {
        for i in words.indices where words[i] >= 0 && shouldReplace(words[i]) { words[i] = unknown }
    }
}
