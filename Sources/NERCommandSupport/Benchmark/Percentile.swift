import NERKit

/// Percentiles of timing samples, interpolated linearly between the two nearest ranks (the
/// definition numpy uses by default), so p50 of an even count is the mean of the middle two.
package enum Percentile {
    /// The `p`-th percentile (0...100) of `sorted`, which must be in ascending order; nil when empty.
    package static func of(sorted: [Double], _ p: Double) -> Double? {
        guard let first = sorted.first else { return nil }
        if sorted.count == 1 { return first }
        let position = min(max(p, 0), 100) / 100 * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }
}

/// Per-sentence tagging latency: the distribution of single-sentence calls.
package struct LatencySummary: Codable, Equatable, Sendable {
    package var p50: Double
    package var p90: Double
    package var p99: Double
    package var mean: Double
    /// How many sentences were timed.
    package var samples: Int

    package init(p50: Double, p90: Double, p99: Double, mean: Double, samples: Int) {
        self.p50 = p50; self.p90 = p90; self.p99 = p99; self.mean = mean; self.samples = samples
    }

    /// Summarises `milliseconds` (any order); all zero when there are no samples.
    package init(milliseconds: [Double]) {
        let sorted = milliseconds.sorted()
        p50 = Percentile.of(sorted: sorted, 50) ?? 0
        p90 = Percentile.of(sorted: sorted, 90) ?? 0
        p99 = Percentile.of(sorted: sorted, 99) ?? 0
        mean = sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count)
        samples = sorted.count
    }
}
