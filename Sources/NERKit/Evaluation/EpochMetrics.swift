/// One line of the metrics file: what an epoch did.
package struct EpochMetrics: Codable, Equatable, Sendable {
    package var epoch: Int
    package var loss: Double
    package var learningRate: Float
    package var seconds: Double
    package var trainTokensPerSecond: Double
    package var devPrecision: Double
    package var devRecall: Double
    package var devF1: Double
    /// With case augmentation: dev F1 of each recasing of the dev set, and the mean of these and
    /// `devF1`, by which the best model is chosen.
    package var devRecasedF1: [String: Double]? = nil
    var selectionF1: Double? = nil
    package var best: Bool
}
