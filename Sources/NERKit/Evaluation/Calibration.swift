import Foundation

/// How well entity scores match how often the entities are right: each predicted entity is a
/// (confidence, correct) pair — confidence its score, correct when a gold entity has exactly
/// its type and boundaries — put in one of `binCount` equal-width confidence bins. The expected
/// calibration error (ECE, Naeini et al. 2015; Guo et al. 2017) is Σ_b (n_b / N)·|accuracy_b −
/// mean confidence_b|: 0 when, in every bin, the share of correct entities equals their mean
/// score. Missed entities have no score and do not count.
public struct CalibrationReport: Sendable, Equatable {
    /// One confidence bin, [lower, upper) (the last one includes 1).
    public struct Bin: Sendable, Equatable {
        /// The bin's lowest score.
        public var lower: Double
        /// The bin's upper bound (excluded, but for the last bin).
        public var upper: Double
        /// Predicted entities whose score falls in the bin.
        public var count: Int
        /// Mean score of the bin's entities (0 when empty).
        public var meanConfidence: Double
        /// Share of the bin's entities that are correct (0 when empty).
        public var accuracy: Double
    }

    /// The bins, lowest scores first.
    public var bins: [Bin]
    /// Predicted entities counted.
    public var count: Int
    /// Expected calibration error, in [0, 1].
    public var ece: Double

    /// Bins the pairs (confidences outside [0, 1] are clamped into it).
    public init<S: Sequence>(_ pairs: S, binCount: Int = 10) where S.Element == (confidence: Double, correct: Bool) {
        precondition(binCount > 0, "at least one bin")
        var n = [Int](repeating: 0, count: binCount), conf = [Double](repeating: 0, count: binCount), right = [Int](repeating: 0, count: binCount)
        for (c, ok) in pairs {
            let x = min(1, max(0, c.isFinite ? c : 0))
            let b = min(binCount - 1, Int(x * Double(binCount)))
            n[b] += 1
            conf[b] += x
            if ok { right[b] += 1 }
        }
        count = n.reduce(0, +)
        var ece = 0.0
        bins = (0..<binCount).map { b in
            let mean = n[b] > 0 ? conf[b] / Double(n[b]) : 0, acc = n[b] > 0 ? Double(right[b]) / Double(n[b]) : 0
            return Bin(lower: Double(b) / Double(binCount), upper: Double(b + 1) / Double(binCount), count: n[b], meanConfidence: mean, accuracy: acc)
        }
        for b in bins where b.count > 0 { ece += Double(b.count) / Double(max(count, 1)) * abs(b.accuracy - b.meanConfidence) }
        self.ece = ece
    }

    /// The reliability table and the ECE as text, one bin per line.
    public func text() -> String {
        var out = "calibration of entity scores (\(count) predicted entities; correct = type and boundaries match a gold entity)\n"
        out += "   confidence  entities  mean score  accuracy       gap\n"
        for b in bins {
            let range = String(format: "%.1f-%.1f", b.lower, b.upper)
            out += String(repeating: " ", count: max(0, 13 - range.count)) + range
            if b.count == 0 {
                out += String(format: "  %8d           -         -         -\n", 0)
            } else {
                out += String(format: "  %8d  %10.4f  %8.4f  %+8.4f\n", b.count, b.meanConfidence, b.accuracy, b.accuracy - b.meanConfidence)
            }
        }
        out += String(format: "ECE: %.4f\n", ece)
        return out
    }

    /// The negative log-likelihood of the correctness of the pairs under their confidences
    /// (scores clamped to [1e-6, 1 − 1e-6]): what temperature scaling minimises.
    static func negativeLogLikelihood<S: Sequence>(_ pairs: S) -> Double where S.Element == (confidence: Double, correct: Bool) {
        var total = 0.0
        for (c, ok) in pairs {
            let p = min(1 - 1e-6, max(1e-6, c))
            total -= ok ? log(p) : log(1 - p)
        }
        return total
    }

    /// The temperature in [low, high] minimising `loss(T)` (golden-section search on log T; the
    /// loss is taken to be unimodal there).
    package static func fitTemperature(low: Double = 0.25, high: Double = 4, iterations: Int = 16, loss: (Double) throws -> Double) rethrows -> Double {
        let phi = (5.0.squareRoot() - 1) / 2
        var a = log(low), b = log(high)
        var c = b - phi * (b - a), d = a + phi * (b - a)
        var fc = try loss(exp(c)), fd = try loss(exp(d))
        for _ in 0..<iterations {
            if fc <= fd {
                b = d; d = c; fd = fc
                c = b - phi * (b - a); fc = try loss(exp(c))
            } else {
                a = c; c = d; fc = fd
                d = a + phi * (b - a); fd = try loss(exp(d))
            }
        }
        return exp((a + b) / 2)
    }
}

extension CalibrationReport {
    /// The (confidence, correct) pairs of one tagged sentence: each predicted entity's score, and
    /// whether a gold entity (read from `gold` as conlleval reads it) has its type and span.
    package static func pairs(gold: [String], predicted: [(label: String, start: Int, end: Int, score: Double)]) -> [(confidence: Double, correct: Bool)] {
        let spans = Set(EntitySpan.spans(in: gold))
        return predicted.map { ($0.score, spans.contains(EntitySpan(type: $0.label, start: $0.start, end: $0.end))) }
    }
}
