import XCTest
@testable import NERKit

/// Training end to end in process on the sample corpus: saving and reloading, reproducibility,
/// checkpoints and resuming.
final class TrainingRunTests: XCTestCase {
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("data/sample.conll").path

    func tempDir() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ner-train-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func config(_ dir: URL, name: String = "m.ner", epochs: Int = 3) -> TrainingRunConfig {
        var c = TrainingRunConfig()
        c.trainPaths = [Self.sample]
        c.devPath = Self.sample
        c.output = dir.appendingPathComponent(name).path
        c.model.wordDim = 8; c.model.hidden = 8; c.model.charDim = 4; c.model.charHidden = 4; c.model.casingDim = 2
        c.training.epochs = epochs
        c.training.threads = 1
        c.training.learningRate = 0.01
        return c
    }

    func weights(_ path: String) throws -> [String: [Float]] {
        try SafeTensorsFile.read(path).tensors.mapValues(\.floats)
    }

    func testSavedModelReloadsWithIdenticalPredictions() throws {
        let dir = try tempDir()
        let c = config(dir)
        _ = try TrainingRun(config: c) { _ in }.run(progress: { _ in }, shouldStop: { false })
        let corpus = try LabeledCorpus.load(Self.sample)
        let tokens = corpus.sentences.map(\.tokens)
        let a = try Tagger(path: c.output).tag(tokens)
        let b = try Tagger(path: c.output).tag(tokens)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.count, corpus.sentences.count)
        // The metrics file has one JSON line per epoch.
        let metrics = try String(contentsOfFile: c.metricsPath, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(metrics.count, 3)
        XCTAssertTrue(metrics[0].contains("\"devF1\""))
    }

    func testCaseAugmentedTrainingScoresDevInEveryCasing() throws {
        let dir = try tempDir()
        var c = config(dir, epochs: 2)
        c.training.caseAugmentation = CaseAugmentation(lower: 0.3, upper: 0.2, title: 0.1, copies: [.lower])
        var log: [String] = []
        _ = try TrainingRun(config: c) { log.append($0) }.run(progress: { _ in }, shouldStop: { false })
        XCTAssertTrue(log.contains { $0.contains("case augmentation:") && $0.contains("copies lower") }, "\(log)")
        let corpus = try LabeledCorpus.load(Self.sample)
        XCTAssertTrue(log.contains { $0.contains("\(2 * corpus.sentences.count) training sentences") }, "\(log)")
        let lines = try String(contentsOfFile: c.metricsPath, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        let metrics = try JSONDecoder().decode(EpochMetrics.self, from: Data(lines[0].utf8))
        XCTAssertEqual(Set(metrics.devRecasedF1?.keys.map { $0 } ?? []), ["lower", "upper", "title"])
        let mean = (metrics.devF1 + metrics.devRecasedF1!.values.reduce(0, +)) / 4
        XCTAssertEqual(metrics.selectionF1 ?? -1, mean, accuracy: 1e-9)
        let loaded = try ModelFile.load(c.output)
        XCTAssertEqual(loaded.provenance.training?.caseAugmentation, c.training.caseAugmentation)
        XCTAssertNotNil(loaded.provenance.devRecasedF1)
        // Every character of the recased data is in the character vocabulary.
        for s in corpus.sentences { for r in Recasing.allCases { for t in r.apply(s.tokens) { for ch in t.unicodeScalars {
            XCTAssertNotNil(loaded.model.encoder.chars.id(String(ch)), "\(ch) of \(t)")
        } } } }
    }

    func testFirstNameSwapIsLoggedRecordedAndChangesTheTraining() throws {
        let dir = try tempDir()
        let plain = config(dir, name: "plain.ner", epochs: 1)
        var swapped = config(dir, name: "swapped.ner", epochs: 1)
        swapped.training.firstNameSwap = 1
        var log: [String] = []
        _ = try TrainingRun(config: plain) { _ in }.run(progress: { _ in }, shouldStop: { false })
        _ = try TrainingRun(config: swapped) { log.append($0) }.run(progress: { _ in }, shouldStop: { false })
        let line = try XCTUnwrap(log.first { $0.hasPrefix("first-name swap: ") }, "\(log)")
        let count = Int(line.dropFirst("first-name swap: ".count).prefix { $0.isNumber }) ?? 0
        XCTAssertGreaterThan(count, 0, line)
        XCTAssertEqual(try ModelFile.load(swapped.output).provenance.training?.firstNameSwap, 1)
        XCTAssertNil(try ModelFile.load(plain.output).provenance.training?.firstNameSwap)
        XCTAssertNotEqual(try weights(plain.output), try weights(swapped.output), "the swapped data trains another model")
    }

    func testSameSeedAndOneThreadGiveIdenticalWeights() throws {
        let dir = try tempDir()
        let c1 = config(dir, name: "a.ner"), c2 = config(dir, name: "b.ner")
        _ = try TrainingRun(config: c1) { _ in }.run(progress: { _ in }, shouldStop: { false })
        _ = try TrainingRun(config: c2) { _ in }.run(progress: { _ in }, shouldStop: { false })
        XCTAssertEqual(try weights(c1.output), try weights(c2.output))
        var c3 = config(dir, name: "c.ner")
        c3.training.seed = 2
        _ = try TrainingRun(config: c3) { _ in }.run(progress: { _ in }, shouldStop: { false })
        XCTAssertNotEqual(try weights(c1.output), try weights(c3.output))
    }

    /// An interrupted run (stopped mid-epoch, as Ctrl-C does) resumed from its checkpoint ends
    /// with exactly the weights of an uninterrupted run.
    func testResumeAfterInterruptionMatchesAnUninterruptedRun() throws {
        let dir = try tempDir()
        let straight = config(dir, name: "straight.ner", epochs: 3)
        _ = try TrainingRun(config: straight) { _ in }.run(progress: { _ in }, shouldStop: { false })

        let interrupted = config(dir, name: "resumed.ner", epochs: 3)
        var calls = 0
        let summary = try TrainingRun(config: interrupted) { _ in }.run(progress: { _ in calls += 1 }, shouldStop: { calls >= 7 })
        XCTAssertEqual(summary.stop, .interrupted)
        XCTAssertTrue(FileManager.default.fileExists(atPath: interrupted.checkpointPath))
        var resume = interrupted
        resume.resume = true
        let resumed = try TrainingRun(config: resume) { _ in }.run(progress: { _ in }, shouldStop: { false })
        XCTAssertEqual(resumed.epochs, 3)
        XCTAssertEqual(try weights(straight.output), try weights(interrupted.output))
    }

    /// The cool-down lowers the rate linearly over the last epochs, batch by batch, from the
    /// optimiser's rate (SGD's decay included) towards 0, never reaching it.
    func testCooldownLowersTheLearningRateLinearlyOverTheLastEpochs() {
        var o = TrainingOptions()
        o.epochs = 10
        o.learningRate = 0.01
        XCTAssertEqual(o.learningRate(epoch: 10, batch: 9, of: 10), 0.01, "no cool-down: constant")
        o.cooldownEpochs = 4
        for epoch in 1...6 { XCTAssertEqual(o.learningRate(epoch: epoch, batch: 9, of: 10), 0.01, "epoch \(epoch)") }
        XCTAssertEqual(o.learningRate(epoch: 7, batch: 0, of: 10), 0.01)
        XCTAssertEqual(o.learningRate(epoch: 7, batch: 5, of: 10), 0.01 * (1 - 0.5 / 4), accuracy: 1e-9)
        XCTAssertEqual(o.learningRate(epoch: 9, batch: 0, of: 10), 0.005, accuracy: 1e-9)
        XCTAssertEqual(o.learningRate(epoch: 10, batch: 9, of: 10), 0.01 / 40, accuracy: 1e-9, "the last batch still moves")
        var last = Float.infinity
        for epoch in 1...10 { for b in 0..<10 {
            let r = o.learningRate(epoch: epoch, batch: b, of: 10)
            XCTAssertLessThanOrEqual(r, last); XCTAssertGreaterThan(r, 0); last = r
        } }
        o.optimizer = .sgd
        o.learningRateDecay = 0.5
        XCTAssertEqual(o.learningRate(epoch: 9, batch: 0, of: 10), 0.01 / (1 + 0.5 * 8) * 0.5, accuracy: 1e-9)
    }

    /// A run resumed with more epochs and a cool-down over them ends with exactly the weights of
    /// a run given that schedule from the start (the constant part is the same), and the resumed
    /// model records the cool-down.
    func testResumingIntoACooldownMatchesARunWithItFromTheStart() throws {
        let dir = try tempDir()
        // The last epoch's weights (not the best dev epoch's, which could be the first).
        func lastEpoch(_ name: String, epochs: Int, cooldown: Int?) -> TrainingRunConfig {
            var c = config(dir, name: name, epochs: epochs)
            c.training.cooldownEpochs = cooldown
            c.keepLastEpoch = true
            return c
        }
        let straight = lastEpoch("straight.ner", epochs: 3, cooldown: 2)
        _ = try TrainingRun(config: straight) { _ in }.run(progress: { _ in }, shouldStop: { false })

        let trunk = lastEpoch("resumed.ner", epochs: 1, cooldown: nil)
        _ = try TrainingRun(config: trunk) { _ in }.run(progress: { _ in }, shouldStop: { false })
        var resume = lastEpoch("resumed.ner", epochs: 3, cooldown: 2)
        resume.resume = true
        XCTAssertEqual(try TrainingRun(config: resume) { _ in }.run(progress: { _ in }, shouldStop: { false }).epochs, 3)
        XCTAssertTrue(try weights(straight.output) == weights(trunk.output), "resumed into the cool-down: the same weights")
        XCTAssertEqual(try ModelFile.load(trunk.output).provenance.training?.cooldownEpochs, 2)

        // Without the cool-down the same run ends elsewhere.
        let constant = lastEpoch("constant.ner", epochs: 3, cooldown: nil)
        _ = try TrainingRun(config: constant) { _ in }.run(progress: { _ in }, shouldStop: { false })
        XCTAssertFalse(try weights(constant.output) == weights(straight.output), "the cool-down changes the weights")
    }

    /// With `selection = .macro` each epoch is scored by the dev set's macro F1: the metrics
    /// record it, "best" marks each epoch that beat every earlier one by it, and the saved model
    /// is the epoch of the highest. With the default nothing else is recorded.
    func testMacroSelectionChoosesTheEpochByTheMeanOfTheTypesF1() throws {
        let dir = try tempDir()
        var c = config(dir, name: "macro.ner", epochs: 12)
        c.training.patience = 100
        c.training.learningRate = 0.05
        c.training.selection = .macro
        _ = try TrainingRun(config: c) { _ in }.run(progress: { _ in }, shouldStop: { false })
        let metrics = try String(contentsOfFile: c.metricsPath, encoding: .utf8).split(separator: "\n")
            .map { try JSONDecoder().decode(EpochMetrics.self, from: Data($0.utf8)) }
        XCTAssertEqual(metrics.count, 12)
        let scores = metrics.map { $0.selectionF1 ?? -1 }
        XCTAssertTrue(scores.allSatisfy { $0 >= 0 }, "every epoch records its macro F1: \(scores)")
        XCTAssertTrue(zip(scores, metrics).contains { $0 != $1.devF1 }, "macro differs from micro somewhere: \(scores)")
        var best = -1.0
        for (score, m) in zip(scores, metrics) {
            XCTAssertEqual(m.best, score > best, "epoch \(m.epoch)")
            best = max(best, score)
        }
        let chosen = metrics[scores.firstIndex(of: best)!]
        let provenance = try ModelFile.load(c.output).provenance
        XCTAssertEqual(provenance.bestEpoch, chosen.epoch)
        XCTAssertEqual(provenance.devF1, chosen.devF1)
        XCTAssertEqual(provenance.training?.selection, .macro)

        let micro = config(dir, name: "micro.ner", epochs: 1)
        _ = try TrainingRun(config: micro) { _ in }.run(progress: { _ in }, shouldStop: { false })
        let line = try String(contentsOfFile: micro.metricsPath, encoding: .utf8).split(separator: "\n")[0]
        XCTAssertNil(try JSONDecoder().decode(EpochMetrics.self, from: Data(line.utf8)).selectionF1)
    }

    /// `forkSeed` branches runs from one checkpoint: the same fork seed gives the same weights,
    /// another seed (or none) other weights, and the branch's model records its seed.
    func testForkSeedBranchesFromACheckpoint() throws {
        let dir = try tempDir()
        let trunk = config(dir, name: "trunk.ner", epochs: 1)
        _ = try TrainingRun(config: trunk) { _ in }.run(progress: { _ in }, shouldStop: { false })
        func branch(_ name: String, fork: UInt64?) throws -> [String: [Float]] {
            var c = config(dir, name: name, epochs: 2)
            try FileManager.default.copyItem(atPath: trunk.checkpointPath, toPath: c.checkpointPath)
            c.resume = true
            c.forkSeed = fork
            c.keepLastEpoch = true
            var log: [String] = []
            XCTAssertEqual(try TrainingRun(config: c) { log.append($0) }.run(progress: { _ in }, shouldStop: { false }).epochs, 2)
            XCTAssertTrue(log.contains { $0.hasPrefix("resuming from") }, "\(log)")
            XCTAssertEqual(try ModelFile.load(c.output).provenance.training?.seed, fork ?? trunk.training.seed)
            return try weights(c.output)
        }
        let plain = try branch("plain.ner", fork: nil)
        let five = try branch("five.ner", fork: 5), fiveAgain = try branch("five-again.ner", fork: 5)
        let six = try branch("six.ner", fork: 6)
        XCTAssertEqual(five, fiveAgain)
        XCTAssertNotEqual(five, plain)
        XCTAssertNotEqual(five, six)
    }

    func testResumeRefusesACheckpointOfOtherTrainingData() throws {
        let dir = try tempDir()
        let c = config(dir, epochs: 1)
        _ = try TrainingRun(config: c) { _ in }.run(progress: { _ in }, shouldStop: { false })
        let other = dir.appendingPathComponent("other.conll").path
        let text = try String(contentsOfFile: Self.sample, encoding: .utf8)
        try (text + "\nExtra B-LOC\n").write(toFile: other, atomically: true, encoding: .utf8)
        var resume = c
        resume.resume = true
        resume.training.epochs = 2
        resume.trainPaths = [other]
        let before = try Data(contentsOf: URL(fileURLWithPath: c.output))
        XCTAssertThrowsError(try TrainingRun(config: resume) { _ in }.run(progress: { _ in }, shouldStop: { false })) { e in
            XCTAssertTrue("\(e)".contains("made from other training data"), "\(e)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: c.output)), before, "the model is untouched")
        // The same data under another path is fine.
        let copy = dir.appendingPathComponent("copy.conll").path
        try text.write(toFile: copy, atomically: true, encoding: .utf8)
        resume.trainPaths = [copy]
        XCTAssertEqual(try TrainingRun(config: resume) { _ in }.run(progress: { _ in }, shouldStop: { false }).epochs, 2)
    }

    func testStepCountersAreStoredExactlyBeyondFloatPrecision() {
        for v in [0, 1, 16_777_215, 16_777_216, 16_777_217, 123_456_789_012] {
            XCTAssertEqual(StepCounterEncoding.decode(StepCounterEncoding.encode([v]), count: 1), [v])
        }
        XCTAssertEqual(Int(Float(16_777_217)), 16_777_216, "why: one Float32 loses it")
        XCTAssertEqual(StepCounterEncoding.decode([5], count: 1), [5], "checkpoints of the old layout still load")
        XCTAssertNil(StepCounterEncoding.decode([1.5], count: 1))
        XCTAssertNil(StepCounterEncoding.decode([-1, 0], count: 1))
        XCTAssertNil(StepCounterEncoding.decode([1, 2, 3], count: 1))
    }

    func testResumeWithoutACheckpointIsAnError() throws {
        let dir = try tempDir()
        var c = config(dir)
        c.resume = true
        XCTAssertThrowsError(try TrainingRun(config: c) { _ in }.run(progress: { _ in }, shouldStop: { false })) { e in
            XCTAssertTrue("\(e)".contains("no checkpoint to resume from"), "\(e)")
        }
    }

    func testABadTrainingFileNamesFileAndLine() throws {
        let dir = try tempDir()
        let bad = dir.appendingPathComponent("bad.conll").path
        try "Paris B-LOC\nis O\nnice X-FOO\n".write(toFile: bad, atomically: true, encoding: .utf8)
        var c = config(dir)
        c.trainPaths = [bad]
        XCTAssertThrowsError(try TrainingRun(config: c) { _ in }.run(progress: { _ in }, shouldStop: { false })) { e in
            XCTAssertTrue("\(e)".hasPrefix("\(bad):3: "), "\(e)")
        }
    }
}
