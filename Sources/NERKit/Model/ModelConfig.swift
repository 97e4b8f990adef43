/// The shape of a tagger: everything needed to rebuild its layers before loading weights.
public struct ModelConfig: Codable, Equatable, Sendable {
    public enum CharEncoderKind: String, Codable, Sendable, CaseIterable { case cnn, lstm, none }

    public var wordDim = 100
    public var casingDim = 8
    public var charEncoder = CharEncoderKind.cnn
    public var charDim = 30
    /// CNN filters, or hidden units per direction of the character BiLSTM.
    public var charHidden = 30
    public var hidden = 100
    public var bidirectional = true
    public var crf = true
    public var dropout: Float = 0.5

    public init() {}

    /// The character encoder sizes of the papers: Lample et al. (BiLSTM 25+25 over 25-d
    /// characters), Ma and Hovy (30 filters of width 3 over 30-d characters).
    public static func charDefaults(_ kind: CharEncoderKind) -> (dim: Int, hidden: Int) {
        switch kind {
        case .lstm: return (25, 25)
        case .cnn: return (30, 30)
        case .none: return (0, 0)
        }
    }
}
