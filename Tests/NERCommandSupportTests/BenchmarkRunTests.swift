import Foundation
import XCTest
@testable import NERCommandSupport
@testable import NERKit

/// A tiny `BenchmarkRun` over data/sample.conll: the shape of what it reports, not its speed.
final class BenchmarkRunTests: XCTestCase {
    private var sample: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("data/sample.conll").path
    }

    private func tinyConfig() -> BenchmarkConfig {
        var config = BenchmarkConfig(trainPath: sample)
        config.batches = 5
        config.warmupBatches = 2
        config.minimumTagSeconds = 0
        config.latencySentences = 10
        config.loadRepeats = 2
        return config
    }

    func testJSONHasEveryKeyWithPositiveNumbers() throws {
        var logged: [String] = []
        let result = try BenchmarkRun(config: tinyConfig(), log: { logged.append($0) }).run()
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.jsonString.utf8)) as? [String: Any])

        let train = try XCTUnwrap(object["train_tokens_per_s"] as? [String: Double])
        XCTAssertEqual(Set(train.keys), ["1", "2"])
        for (_, rate) in train { XCTAssertGreaterThan(rate, 0) }
        for key in ["tag_tokens_per_s", "tag_tokens_per_s_no_scores", "tag_text_tokens_per_s", "load_s", "peak_rss_mb"] {
            let value = try XCTUnwrap(object[key] as? Double, key)
            XCTAssertGreaterThan(value, 0, key)
        }
        let latency = try XCTUnwrap(object["latency_ms"] as? [String: Double])
        for key in ["p50", "p90", "p99"] { XCTAssertGreaterThan(try XCTUnwrap(latency[key], key), 0, key) }
        XCTAssertLessThanOrEqual(latency["p50"]!, latency["p90"]!)
        XCTAssertLessThanOrEqual(latency["p90"]!, latency["p99"]!)
        XCTAssertEqual(latency["samples"], 10)
        let machine = try XCTUnwrap(object["machine"] as? [String: Any])
        for key in ["cpu", "cpu_kind", "cores", "blas_threads", "blas_kernels", "ner_version", "build"] { XCTAssertNotNil(machine[key], key) }
        XCTAssertEqual(machine["build"] as? String, MachineInfo.buildConfiguration)

        XCTAssertEqual(result.training.map(\.threads), [1, 2])
        XCTAssertEqual(result.training.map(\.batches), [5, 5])
        XCTAssertEqual(result.data.trainSentences, 45)
        XCTAssertEqual(result.data.tagPath, sample, "without --dev the training sentences are tagged")
        XCTAssertNil(result.data.modelPath)
        XCTAssertFalse(logged.isEmpty)
        XCTAssertTrue(result.table.contains("train, 2 threads"))
        XCTAssertTrue(result.table.contains("p99"))
    }

    func testTrainingSpeedCountsTheTimedBatchesTokens() throws {
        // 45 sentences in batches of 10: an epoch is 5 batches holding every token once, so the
        // timed batches after one epoch of warm-up hold all 447 tokens, across the epoch boundary.
        let corpus = try LabeledCorpus.load(sample)
        func trainer(threads: Int) -> Trainer {
            let (model, _) = ModelBuilder.makeModel(config: ModelConfig(), train: corpus.sentences.map(\.tokens), trainTags: corpus.bioesTags,
                                                    extraWords: [], pretrained: nil, vocabulary: VocabularyOptions(), seed: 1)
            var surfaces = SurfaceTable()
            let encoded = zip(corpus.sentences, corpus.bioesTags).map { model.encoder.encode($0.tokens, tags: $1, surfaces: &surfaces)! }
            var options = TrainingOptions()
            options.threads = threads
            options.epochs = Int.max
            options.patience = Int.max
            return Trainer(model: model, options: options, train: encoded, surfaces: surfaces, dev: [], devSurfaces: SurfaceTable(), devGold: [])
        }
        let speed = try trainer(threads: 1).measureSpeed(warmup: 5, batches: 5)
        XCTAssertEqual(speed.batches, 5)
        XCTAssertEqual(speed.tokens, corpus.tokenCount)
        XCTAssertGreaterThan(speed.seconds, 0)
        XCTAssertEqual(speed.tokensPerSecond, Double(speed.tokens) / speed.seconds, accuracy: 1e-6)

        let twoEpochs = try trainer(threads: 2).measureSpeed(warmup: 0, batches: 10)
        XCTAssertEqual(twoEpochs.threads, 2)
        XCTAssertEqual(twoEpochs.tokens, 2 * corpus.tokenCount)

        // A time limit stops the measurement early, after at least one timed batch.
        let capped = try trainer(threads: 1).measureSpeed(warmup: 1, batches: 50, maxSeconds: 1e-9)
        XCTAssertEqual(capped.batches, 1)
    }

    func testTagsWithAGivenModelAndDevFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ner-bench-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let dev = dir.appendingPathComponent("dev.txt")
        try Data("-DOCSTART- O\n\nMarta O\nKlein O\nwrote O\n.\tO\n\nShe O\nleft O\n\n".utf8).write(to: dev)
        let corpus = try LabeledCorpus.load(sample)
        var small = ModelConfig()
        small.hidden = 8; small.wordDim = 8
        let (model, _) = ModelBuilder.makeModel(config: small, train: corpus.sentences.map(\.tokens), trainTags: corpus.bioesTags,
                                                extraWords: [], pretrained: nil, vocabulary: VocabularyOptions(), seed: 3)
        let modelPath = dir.appendingPathComponent("small.ner").path
        try ModelFile.save(model, scheme: corpus.scheme, provenance: ModelFile.Provenance(), to: modelPath)

        var config = tinyConfig()
        config.devPath = dev.path
        config.modelPath = modelPath
        config.threads = [1]
        let result = try BenchmarkRun(config: config).run()
        XCTAssertEqual(Array(result.trainTokensPerSecond.keys), ["1"])
        XCTAssertEqual(result.data.tagPath, dev.path)
        XCTAssertEqual(result.data.tagSentences, 2)
        XCTAssertEqual(result.data.tagTokens, 6)
        XCTAssertEqual(result.data.textParagraphs, 1)
        XCTAssertEqual(result.data.modelPath, modelPath)
        XCTAssertEqual(result.latency.samples, 2)
    }

    func testMissingFilesAreNERErrors() {
        var config = tinyConfig()
        config.trainPath = "/nonexistent/train.txt"
        XCTAssertThrowsError(try BenchmarkRun(config: config).run()) { error in
            XCTAssertEqual("\(error)", "/nonexistent/train.txt: no such file")
        }
        config = tinyConfig()
        config.devPath = "/nonexistent/dev.txt"
        XCTAssertThrowsError(try BenchmarkRun(config: config).run()) { error in
            XCTAssertEqual("\(error)", "/nonexistent/dev.txt: no such file")
        }
        config = tinyConfig()
        config.modelPath = "/nonexistent/model.ner"
        XCTAssertThrowsError(try BenchmarkRun(config: config).run()) { error in
            XCTAssertTrue(error is NERError)
            XCTAssertTrue("\(error)".hasPrefix("/nonexistent/model.ner"), "\(error)")
        }
    }
}
