/// A change of a text's letter case, applied token by token: what lowercase chat, ALL-CAPS
/// headlines and Title-Cased titles do to newswire. Training uses it to make the model read
/// context instead of capital letters (`CaseAugmentation`); `ner eval --recase` uses it to
/// measure how well a model copes.
public enum Recasing: String, CaseIterable, Codable, Sendable {
    /// "Teddy Roosevelt" → "teddy roosevelt".
    case lower
    /// "Teddy Roosevelt" → "TEDDY ROOSEVELT".
    case upper
    /// "Teddy bears are on sale" → "Teddy Bears Are On Sale": the first letter of each token
    /// upper case, the rest lower ("McDonald" → "Mcdonald", as title-casing tools do).
    case title

    package func apply(_ token: String) -> String {
        switch self {
        case .lower: return token.lowercased()
        case .upper: return token.uppercased()
        case .title:
            guard let first = token.unicodeScalars.firstIndex(where: { $0.properties.isCased }) else {
                return token.lowercased()
            }
            let scalars = token.unicodeScalars
            return String(scalars[..<first]).lowercased() + String(scalars[first]).uppercased()
                + String(scalars[scalars.index(after: first)...]).lowercased()
        }
    }

    package func apply(_ tokens: [String]) -> [String] { tokens.map(apply) }
}
