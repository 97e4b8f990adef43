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
    /// With case augmentation: dev F1 of each recasing of the dev set.
    package var devRecasedF1: [String: Double]? = nil
    /// The score the best model is chosen by, when it is not `devF1`: with case augmentation the
    /// mean of the dev set's and its recasings' F1, with `DevSelection.macro` the macro F1 (the
    /// mean of the recasings' macro F1 with both).
    var selectionF1: Double? = nil
    package var best: Bool
}
