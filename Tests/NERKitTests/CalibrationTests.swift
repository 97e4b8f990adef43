import XCTest
@testable import NERKit

/// Calibration of entity scores: the expected calibration error and its bins, temperature
/// scaling of the CRF's probabilities (against brute force), the fit, the model file that keeps
/// the temperature, and ranking documents by uncertainty.
final class CalibrationTests: XCTestCase {
    func testBinsAndExpectedCalibrationErrorByHand() {
        // Bin 9: ten entities of mean score 0.95, nine right (gap 0.05).
        // Bin 5: four of scores 0.5, 0.55, 0.58, 0.57 (mean 0.55), one right (gap 0.30).
        var pairs: [(confidence: Double, correct: Bool)] = Array(repeating: (0.95, true), count: 9) + [(0.95, false)]
        pairs += [(0.5, true), (0.55, false), (0.58, false), (0.57, false)]
        let r = CalibrationReport(pairs)
        XCTAssertEqual(r.count, 14)
        XCTAssertEqual(r.bins.count, 10)
        XCTAssertEqual(r.bins[9].count, 10)
        XCTAssertEqual(r.bins[9].meanConfidence, 0.95, accuracy: 1e-12)
        XCTAssertEqual(r.bins[9].accuracy, 0.9, accuracy: 1e-12)
        XCTAssertEqual(r.bins[5].count, 4)
        XCTAssertEqual(r.bins[5].accuracy, 0.25, accuracy: 1e-12)
        XCTAssertEqual(r.ece, 10.0 / 14 * 0.05 + 4.0 / 14 * 0.30, accuracy: 1e-12)
        // A score of exactly 1 is in the last bin; the text ends with the ECE.
        XCTAssertEqual(CalibrationReport([(1.0, true)]).bins[9].count, 1)
        XCTAssertEqual(CalibrationReport([(1.0, true)]).ece, 0)
        XCTAssertTrue(r.text().hasSuffix(String(format: "ECE: %.4f\n", r.ece)))
        XCTAssertTrue(r.text().contains("      0.9-1.0        10      0.9500    0.9000   -0.0500"), r.text())
    }

    func testPairsAreCorrectOnlyForExactTypeAndBoundaries() {
        let gold = ["B-PER", "I-PER", "O", "B-LOC", "O"]
        let pairs = CalibrationReport.pairs(gold: gold, predicted: [
            ("PER", 0, 2, 0.9), ("LOC", 3, 4, 0.8), ("ORG", 3, 4, 0.7), ("PER", 0, 1, 0.6),
        ])
        XCTAssertEqual(pairs.map(\.correct), [true, true, false, false])
        XCTAssertEqual(pairs.map(\.confidence), [0.9, 0.8, 0.7, 0.6])
    }

    func testTemperatureFitFindsTheMinimum() {
        let t = CalibrationReport.fitTemperature { t in (log(t) - log(1.7)) * (log(t) - log(1.7)) + 3 }
        XCTAssertEqual(t, 1.7, accuracy: 5e-3)
        // Overconfident scores: wrong half the time at 0.99; a temperature above 1 lowers the NLL.
        let pairs: [(confidence: Double, correct: Bool)] = [(0.99, true), (0.99, false)]
        let softer: [(confidence: Double, correct: Bool)] = [(0.6, true), (0.6, false)]
        XCTAssertLessThan(CalibrationReport.negativeLogLikelihood(softer), CalibrationReport.negativeLogLikelihood(pairs))
    }

    /// With a temperature, a span's probability is the brute-force probability under every score
    /// divided by it; the best path does not change.
    func testTemperatureDividesEveryScoreOfTheCRF() {
        let crf = CRF(tags: ["O", "B-X", "E-X", "S-X"])
        var rng = SeededRandom(seed: 21)
        for i in 0..<16 { crf.transitions.value[i] = rng.uniform(2) }
        for i in 0..<4 { crf.start.value[i] = rng.uniform(1); crf.end.value[i] = rng.uniform(1) }
        crf.applyConstraints()
        let n = 4, T = 2.5
        let e = randomArray(n * 4, &rng, scale: 3)
        var total = 0.0
        var weights: [([Int], Double)] = []
        for code in 0..<(1 << (2 * n)) {
            let y = (0..<n).map { (code >> (2 * $0)) & 3 }
            var s = Double(crf.start.value[y[0]] + crf.end.value[y[n - 1]])
            for t in 0..<n { s += Double(e[t * 4 + y[t]]) }
            for t in 1..<n { s += Double(crf.transitions.value[y[t - 1] * 4 + y[t]]) }
            let w = exp(s / T)
            total += w
            weights.append((y, w))
        }
        let path = e.withUnsafeBufferPointer { crf.decode(emissions: $0.baseAddress!, count: n, stride: 4) }
        let spans = [(0, 1), (1, 3), (0, 4)]
        let plain = e.withUnsafeBufferPointer { crf.spanProbabilities(emissions: $0.baseAddress!, count: n, stride: 4, path: path, spans: spans) }
        let scaled = e.withUnsafeBufferPointer { crf.spanProbabilities(emissions: $0.baseAddress!, count: n, stride: 4, path: path, spans: spans, temperature: Float(T)) }
        for (k, span) in spans.enumerated() {
            let expected = weights.filter { entry in (span.0..<span.1).allSatisfy { entry.0[$0] == Int(path[$0]) } }.reduce(0) { $0 + $1.1 } / total
            XCTAssertEqual(scaled[k], expected, accuracy: 1e-4, "span \(span)")
        }
        XCTAssertNotEqual(plain[2], scaled[2], accuracy: 1e-3)
        // And back at 1 (the cached exponentials follow the temperature).
        let again = e.withUnsafeBufferPointer { crf.spanProbabilities(emissions: $0.baseAddress!, count: n, stride: 4, path: path, spans: spans) }
        XCTAssertEqual(again, plain)
    }

    func trainedModel(_ dir: URL) throws -> String {
        var c = TrainingRunConfig()
        c.trainPaths = [TrainingRunTests.sample]
        c.devPath = TrainingRunTests.sample
        c.output = dir.appendingPathComponent("m.ner").path
        c.model.wordDim = 8; c.model.hidden = 8; c.model.charDim = 4; c.model.charHidden = 4; c.model.casingDim = 2
        c.training.epochs = 2
        c.training.threads = 1
        c.training.learningRate = 0.01
        _ = try TrainingRun(config: c) { _ in }.run(progress: { _ in }, shouldStop: { false })
        return c.output
    }

    func tempDir() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ner-calibration-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func testFittedTemperatureIsStoredAppliedToScoresOnlyAndKeepsEveryWeight() throws {
        let dir = try tempDir()
        let path = try trainedModel(dir)
        let tagger = try Tagger(path: path)
        let sample = TrainingRunTests.sample
        let before = try GoldFileEvaluation.calibration(tagger, files: [sample])
        XCTAssertGreaterThan(before.count, 0)
        let out = dir.appendingPathComponent("calibrated.ner").path
        try ModelFile.saveCalibrated(path, calibration: .init(temperature: 1.8, fittedOn: "x", eceBefore: 0.2, eceAfter: 0.1), to: out)
        let calibrated = try Tagger(path: out)
        XCTAssertEqual(calibrated.scoreTemperature, 1.8, accuracy: 1e-6)
        XCTAssertEqual(try ModelFile.load(out).provenance.calibration?.fittedOn, "x")
        // Every tensor the same bits and type.
        let a = try SafeTensorsFile.read(path).tensors, b = try SafeTensorsFile.read(out).tensors
        XCTAssertEqual(a, b)
        // Same tags, other scores.
        let tokens = try LabeledCorpus.load(sample).sentences.map(\.tokens)
        let x = tagger.tag(tokens), y = calibrated.tag(tokens)
        XCTAssertEqual(x.map(\.tags), y.map(\.tags))
        XCTAssertNotEqual(x.flatMap { $0.entities.map(\.score) }, y.flatMap { $0.entities.map(\.score) })
        // The fit never leaves a temperature that makes the ECE worse on the files it saw.
        let fit = try GoldFileEvaluation.fitTemperature(tagger, files: [sample])
        let now = try GoldFileEvaluation.calibration(tagger, files: [sample])
        XCTAssertLessThanOrEqual(now.ece, fit.before.ece + 1e-12)
        XCTAssertEqual(fit.before.ece, before.ece, accuracy: 1e-9)
    }

    func testDocumentsAreRankedLeastConfidentFirst() throws {
        let dir = try tempDir()
        let tagger = try Tagger(path: try trainedModel(dir))
        let sentences = try LabeledCorpus.load(TrainingRunTests.sample).sentences.map(\.tokens)
        let documents = stride(from: 0, to: sentences.count, by: 3).map { Array(sentences[$0..<min($0 + 3, sentences.count)]) }
        let ranked = tagger.rankByUncertainty(documents)
        XCTAssertEqual(ranked.map(\.index).sorted(), Array(documents.indices))
        XCTAssertEqual(ranked.map(\.confidence), ranked.map(\.confidence).sorted())
        // Each document's confidence is the lowest entity score or token probability it has.
        for d in ranked {
            let tagged = tagger.tag(documents[d.index], tokenScores: true)
            let lowest = tagged.flatMap { $0.entities.map(\.score) + $0.tokenScores }.min() ?? 1
            XCTAssertEqual(d.confidence, lowest, accuracy: 1e-9)
            for t in tagged {
                XCTAssertEqual(t.tokenScores.count, t.tags.count)
                // An entity is no more likely than any of its tokens' tags.
                for e in t.entities { for k in e.tokenStart..<e.tokenEnd { XCTAssertLessThanOrEqual(e.score, t.tokenScores[k] + 1e-6) } }
            }
        }
        XCTAssertLessThan(ranked.first!.confidence, ranked.last!.confidence)
    }
}
