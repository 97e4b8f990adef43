extension Tagger {
    /// The temperature entity scores are divided by (1 unless the model file records a fitted
    /// one; see `GoldFileEvaluation.fitTemperature`).
    public var scoreTemperature: Double { Double(model.scoreTemperature) }
}
