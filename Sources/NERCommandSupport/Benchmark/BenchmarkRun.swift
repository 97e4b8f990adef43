import Foundation
import NERKit

/// What `ner bench` was asked to measure.
package struct BenchmarkConfig: Sendable {
    package var trainPath: String
    /// Sentences to tag (default: the training file's).
    package var devPath: String?
    /// A model to load and tag with (default: the throwaway model trained here).
    package var modelPath: String?
    /// The arithmetic of the tagging model's recurrent products (see `InferencePrecision`).
    package var precision = InferencePrecision.fastest
    package var embeddingsPath: String?
    /// Thread counts to train with, one measurement each.
    package var threads = [1, 2]
    /// Timed training batches per thread count.
    package var batches = 300
    /// Untimed batches before the timed ones (caches, allocator, branch predictors warm up).
    package var warmupBatches = 20
    /// Stop a training measurement after this many timed seconds even before `batches`.
    package var maxTrainSeconds: Double?
    package var latencySentences = 2000
    package var tagBatchSize = Tagger.defaultBatchSentences
    package var loadRepeats = 5
    /// Tagging passes repeat until this much time has passed, so small files still give stable rates.
    package var minimumTagSeconds = 0.5
    package var columns = CoNLLColumns()
    /// The architecture and training options of the throwaway model: the defaults of `ner train`.
    package var model = ModelConfig()
    package var training = TrainingOptions()

    package init(trainPath: String) { self.trainPath = trainPath }
}

/// Measures training and tagging speed, latency, load time and memory in one run.
package final class BenchmarkRun {
    package let config: BenchmarkConfig
    private let log: (String) -> Void

    /// `log` receives a line as each stage starts (the run takes a while).
    package init(config: BenchmarkConfig, log: @escaping (String) -> Void = { _ in }) {
        self.config = config
        self.log = log
    }

    package func run() throws -> BenchmarkResult {
        let corpus = try LabeledCorpus.load(config.trainPath, columns: config.columns)
        let trainTokens = corpus.sentences.map(\.tokens)
        let trainTags = corpus.bioesTags

        var tagSentences = corpus.sentences
        var tagPath = config.trainPath
        if let dev = config.devPath {
            tagSentences = try CoNLLReader.readAll(path: dev, columns: config.columns, requireTags: false).filter { !$0.tokens.isEmpty }
            if tagSentences.isEmpty { throw NERError(path: dev, "no sentences found") }
            tagPath = dev
        }
        let tagTokens = tagSentences.map(\.tokens)

        // With a model of its own the tagging measurements do not need training, but the load
        // errors should come before minutes of training.
        if let path = config.modelPath { _ = try Tagger(path: path, precision: config.precision) }

        var pretrained: PretrainedVectors?
        if let path = config.embeddingsPath {
            log("reading embeddings from \(path)")
            var selection = PretrainedWordSelection(top: VocabularyOptions().pretrainedTop)
            selection.add(trainTokens + tagTokens)
            pretrained = try PretrainedVectors.load(path: path) { word, rank in selection.keeps(word, rank: rank) }
        }

        var speeds: [TrainingSpeed] = []
        var throwaway: TaggerModel?
        for threads in config.threads {
            log("training: \(config.warmupBatches) warm-up + \(config.batches) timed batches of \(config.training.batchSize) sentences, \(threads) thread\(threads == 1 ? "" : "s")")
            throwaway = nil  // one throwaway model at a time: the memory figure is the peak
            let (model, _) = ModelBuilder.makeModel(
                config: config.model, train: trainTokens, trainTags: trainTags, extraWords: config.devPath == nil ? [] : tagTokens,
                pretrained: pretrained, vocabulary: VocabularyOptions(), seed: config.training.seed)
            var surfaces = SurfaceTable()
            var encoded: [EncodedSentence] = []
            encoded.reserveCapacity(corpus.sentences.count)
            for (s, tags) in zip(corpus.sentences, trainTags) {
                guard let e = model.encoder.encode(s.tokens, tags: tags, surfaces: &surfaces) else {
                    throw NERError(path: config.trainPath, line: s.firstLine, "a tag of this sentence is not in the model's tag set")
                }
                encoded.append(e)
            }
            var options = config.training
            options.threads = threads
            // Keep going through as many epochs as the measurement needs.
            options.epochs = Int.max
            options.patience = Int.max
            let trainer = Trainer(model: model, options: options, train: encoded, surfaces: surfaces,
                                  dev: [], devSurfaces: SurfaceTable(), devGold: [])
            speeds.append(try trainer.measureSpeed(warmup: config.warmupBatches, batches: config.batches, maxSeconds: config.maxTrainSeconds))
            throwaway = model
        }

        // Load time: the given model, or the throwaway one saved as `ner train` saves it.
        var temporary: URL?
        defer { if let t = temporary { try? FileManager.default.removeItem(at: t) } }
        let loadPath: String
        if let path = config.modelPath {
            loadPath = path
        } else {
            guard let model = throwaway else { throw NERError("give at least one thread count") }
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ner-bench-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            temporary = dir
            loadPath = dir.appendingPathComponent("throwaway.ner").path
            try ModelFile.save(model, scheme: corpus.scheme, provenance: ModelFile.Provenance(), to: loadPath, halfEmbeddings: true)
        }
        log("loading \(config.modelPath ?? "the throwaway model") \(config.loadRepeats) times")
        var loadTimes: [Double] = []
        var loaded: Tagger?
        for _ in 0..<max(config.loadRepeats, 1) {
            let start = monotonicSeconds()
            loaded = try Tagger(path: loadPath, precision: config.precision)
            loadTimes.append(monotonicSeconds() - start)
        }
        guard let tagger = loaded else { throw NERError(path: loadPath, "could not load the model") }

        log("tagging \(tagSentences.count) sentences from \(tagPath): a first pass with empty caches, then warm passes")
        // The first pass of the freshly loaded tagger: its per-spelling caches are empty.
        let cold = tagger.measureThroughput(tagTokens, scores: false, batchSize: config.tagBatchSize, minimumSeconds: 0)
        let withScores = tagger.measureThroughput(tagTokens, scores: true, batchSize: config.tagBatchSize, minimumSeconds: config.minimumTagSeconds)
        let withoutScores = tagger.measureThroughput(tagTokens, scores: false, batchSize: config.tagBatchSize, minimumSeconds: config.minimumTagSeconds)
        log("latency: \(min(config.latencySentences, tagTokens.count)) sentences one at a time")
        let latency = tagger.measureLatency(Array(tagTokens.prefix(config.latencySentences)))
        let paragraphs = Tagger.paragraphs(of: tagSentences)
        log("raw text: \(paragraphs.count) paragraphs through the tokenizer and tagger")
        let text = tagger.measureTextThroughput(paragraphs, batchSize: config.tagBatchSize, minimumSeconds: config.minimumTagSeconds)

        for i in speeds.indices {
            speeds[i].seconds = Self.round(speeds[i].seconds, 4)
            speeds[i].tokensPerSecond = Self.round(speeds[i].tokensPerSecond, 1)
        }
        // statm and getrusage count slightly differently; the peak is never below the present.
        let currentMB = ProcessMemory.currentResidentMB
        let peakMB = max(ProcessMemory.peakResidentMB, currentMB ?? 0)
        return BenchmarkResult(
            trainTokensPerSecond: Dictionary(speeds.map { (String($0.threads), Self.round($0.tokensPerSecond, 1)) }, uniquingKeysWith: { _, last in last }),
            training: speeds,
            tagColdTokensPerSecond: Self.round(cold, 1),
            tagTokensPerSecond: Self.round(withScores, 1),
            tagTokensPerSecondWithoutScores: Self.round(withoutScores, 1),
            tagTextTokensPerSecond: Self.round(text, 1),
            latency: LatencySummary(p50: Self.round(latency.p50, 4), p90: Self.round(latency.p90, 4), p99: Self.round(latency.p99, 4),
                                    mean: Self.round(latency.mean, 4), samples: latency.samples),
            loadSeconds: Self.round(Percentile.of(sorted: loadTimes.sorted(), 50) ?? 0, 5),
            peakResidentMB: Self.round(peakMB, 1),
            currentResidentMB: currentMB.map { Self.round($0, 1) },
            machine: MachineInfo.current,
            data: BenchmarkData(trainPath: config.trainPath, trainSentences: corpus.sentences.count, trainTokens: corpus.tokenCount,
                                tagPath: tagPath, tagSentences: tagSentences.count, tagTokens: tagTokens.reduce(0) { $0 + $1.count },
                                textParagraphs: paragraphs.count, modelPath: config.modelPath,
                                precision: config.precision.effective.rawValue,
                                precisionInstructions: config.precision.effective == .bfloat16 ? InferencePrecision.bfloat16Instructions : nil,
                                float32Instructions: InferencePrecision.float32Instructions),
            settings: BenchmarkSettings(batches: config.batches, warmupBatches: config.warmupBatches, batchSize: config.training.batchSize,
                                        tagBatchSize: config.tagBatchSize, latencySentences: latency.samples, loadRepeats: loadTimes.count))
    }

    private static func round(_ x: Double, _ digits: Int) -> Double {
        let scale = pow(10, Double(digits))
        return (x * scale).rounded() / scale
    }
}
